// Structured data (a job's quality report, a preview, a usage answer) as
// readable tables: never JSON text on the page.

import { fmtDuration, fmtValue, h, humanize } from "./dom.js";

const isPlain = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function cell(key, value) {
  if (typeof value === "number" && /(^|_)(seconds|duration|duration_s|length_s)$/.test(key)) {
    return `${fmtDuration(value)}`;
  }
  if (typeof value === "boolean" && /(^|_)(ok|pass|passed|clipping|silent)$/.test(key)) {
    return h("span", { class: value === !/clipping|silent/.test(key) ? "ok" : "warn" }, fmtValue(value));
  }
  return renderData(value, key);
}

// An array of records with shared keys reads best as one table with columns.
function recordsTable(rows) {
  const columns = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, humanize(c))))),
      h(
        "tbody",
        {},
        rows.map((row) => h("tr", {}, columns.map((c) => h("td", { "data-label": humanize(c) }, c in row ? cell(c, row[c]) : "")))),
      ),
    ),
  );
}

export function renderData(value, key = "") {
  if (isPlain(value)) return fmtValue(value);
  if (Array.isArray(value)) {
    if (!value.length) return "none";
    if (value.every(isPlain)) return value.map(fmtValue).join(", ");
    if (value.every(isRecord)) return recordsTable(value);
    return h("ul", { class: "plain" }, value.map((v) => h("li", {}, renderData(v, key))));
  }
  return keyValueTable(value);
}

export function keyValueTable(record, { caption } = {}) {
  return h(
    "table",
    { class: "data kv" },
    caption ? h("caption", {}, caption) : null,
    h(
      "tbody",
      {},
      Object.entries(record).map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, humanize(k)), h("td", {}, cell(k, v)))),
    ),
  );
}
