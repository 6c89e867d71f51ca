// What only some kinds have: voices (GET /v1/voices) and a preview before
// submitting (POST /v1/audiobooks/preview: chapters, duration, cost). Both
// endpoints may not exist on this engine; then nothing is shown for them.

import { optionalApi } from "./api.js";
import { fmtDuration, fmtValue, h, humanize } from "./dom.js";
import { keyValueTable, renderData } from "./report.js";
import { normalizeVoices } from "./schema_form.js";

export const PREVIEW_ENDPOINTS = { audiobook: "/v1/audiobooks/preview" };

let voicesPromise = null;

// null when the engine has no voice catalogue (or it failed: the form still works).
export function loadVoices() {
  voicesPromise ??= optionalApi("/v1/voices")
    .then((body) => (body ? normalizeVoices(body) : null))
    .catch(() => null);
  return voicesPromise;
}

export function hasPreview(kind) {
  return Object.hasOwn(PREVIEW_ENDPOINTS, kind);
}

// The preview's answer, or null when this engine has no preview endpoint.
export function fetchPreview(kind, params) {
  return optionalApi(PREVIEW_ENDPOINTS[kind], { method: "POST", json: params });
}

const find = (obj, pattern) => Object.keys(obj).find((k) => pattern.test(k));

function costText(value) {
  if (typeof value === "number") return fmtValue(value);
  if (value && typeof value === "object") {
    const amount = value.amount ?? value.total ?? value.value;
    const unit = value.currency ?? value.unit ?? "";
    if (amount !== undefined) return `${fmtValue(amount)} ${unit}`.trim();
  }
  return fmtValue(value);
}

const money = (usd) => (usd === null || usd === undefined ? "included" : `$${usd.toFixed(2)}`);

// The engine's own preview (POST /v1/audiobooks/preview): a summary, one row
// per chapter, the warnings as sentences.
function isEnginePreview(r) {
  return Array.isArray(r.chapters) && Array.isArray(r.costs) && typeof r.estimated_seconds === "number";
}

function enginePreview(r) {
  const summary = [
    ["Chapters", String(r.chapters.length)],
    ["Length", `about ${fmtDuration(r.estimated_seconds)}`],
    ["Characters", r.characters.toLocaleString()],
    ["Cost", r.costs.map((c) => `${money(c.usd)} (${c.provider})`).join(", ") || "included"],
  ];
  if (typeof r.dialogue_share === "number") summary.push(["Dialogue", `${Math.round(r.dialogue_share * 100)} %`]);
  if (r.quota) summary.push(["Left this month", `${r.quota.remaining.toLocaleString()} characters`]);
  return h(
    "div",
    { class: "preview" },
    r.title ? h("p", { class: "preview-title" }, r.title, r.author ? ` · ${r.author}` : "") : null,
    h("dl", { class: "summary" }, summary.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "data preview-chapters" },
        h("thead", {}, h("tr", {}, ["#", "Chapter", "Characters", "Length"].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          {},
          r.chapters.map((c) =>
            h(
              "tr",
              {},
              h("td", { "data-label": "#" }, String(c.number)),
              h("td", { "data-label": "Chapter" }, c.title),
              h("td", { "data-label": "Characters" }, c.characters.toLocaleString()),
              h("td", { "data-label": "Length" }, fmtDuration(c.estimated_seconds)),
            ),
          ),
        ),
      ),
    ),
    r.warnings?.length ? h("ul", { class: "plain warnings" }, r.warnings.map((w) => h("li", {}, String(w)))) : null,
  );
}

export function renderPreview(result) {
  if (!result || typeof result !== "object") return h("p", {}, fmtValue(result));
  if (isEnginePreview(result)) return enginePreview(result);
  const chaptersKey = find(result, /^chapters?$/);
  const durationKey = find(result, /duration|seconds/);
  const costKey = find(result, /cost|price|credits/);
  const chapters = chaptersKey && Array.isArray(result[chaptersKey]) ? result[chaptersKey] : null;
  const summary = [];
  if (chapters) summary.push(["Chapters", String(chapters.length)]);
  if (durationKey && typeof result[durationKey] === "number") {
    summary.push([humanize(durationKey.replace(/_?seconds$/, "") || "duration"), fmtDuration(result[durationKey])]);
  }
  if (costKey) summary.push([humanize(costKey), costText(result[costKey])]);
  const rest = Object.fromEntries(
    Object.entries(result).filter(([k]) => ![chaptersKey, durationKey, costKey].includes(k)),
  );
  return h(
    "div",
    { class: "preview" },
    summary.length
      ? h("dl", { class: "summary" }, summary.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))))
      : null,
    chapters && chapters.length ? renderData(chapters, "chapters") : null,
    Object.keys(rest).length ? keyValueTable(rest) : null,
  );
}
