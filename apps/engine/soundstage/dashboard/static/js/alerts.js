// One visible place for errors (role=alert, read out by screen readers) and
// one for quiet confirmations (role=status).

import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";

const alertBox = () => document.getElementById("alert");
const noticeBox = () => document.getElementById("notice");
let noticeTimer = null;

// Validation details as sentences: "frequency_hz: Input should be ...".
export function detailLines(details) {
  // details is an object; field problems are its `errors` (older engines: a list)
  const problems = Array.isArray(details) ? details : details?.errors;
  if (!Array.isArray(problems)) return [];
  return problems
    .filter((d) => d && typeof d === "object" && typeof d.msg === "string")
    .map((d) => {
      const where = (Array.isArray(d.loc) ? d.loc : []).filter((p) => p !== "body").join(".");
      return where ? `${where}: ${d.msg}` : d.msg;
    });
}

export function messageOf(err) {
  if (err instanceof ApiError) return err.message;
  if (err && typeof err.message === "string" && err.message) return err.message;
  return "Something went wrong.";
}

export function showError(err, context) {
  if (err?.name === "AbortError") return;
  const box = alertBox();
  if (!box) return;
  const lines = err instanceof ApiError ? detailLines(err.details) : [];
  const text = context ? `${context}: ${messageOf(err)}` : messageOf(err);
  replace(
    box,
    h("p", { class: "alert-text" }, text),
    lines.length ? h("ul", { class: "alert-details" }, lines.map((l) => h("li", {}, l))) : null,
    h("button", { type: "button", class: "alert-close", "aria-label": "Dismiss", onclick: clearError }, "×"),
  );
  box.hidden = false;
}

export function clearError() {
  const box = alertBox();
  if (!box) return;
  replace(box);
  box.hidden = true;
}

export function notify(text) {
  const box = noticeBox();
  if (!box) return;
  replace(box, text);
  box.classList.add("visible");
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => box.classList.remove("visible"), 3500);
}
