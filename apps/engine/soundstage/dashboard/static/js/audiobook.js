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

export function renderPreview(result) {
  if (!result || typeof result !== "object") return h("p", {}, fmtValue(result));
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
