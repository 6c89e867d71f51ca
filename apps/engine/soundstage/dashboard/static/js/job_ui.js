// Pieces of a job shared by the list and the job page: status badge, progress,
// stage text, and the cancel / retry / delete buttons.

import { api } from "./api.js";
import { notify, showError } from "./alerts.js";
import { fmtValue, h, humanize } from "./dom.js";

export const ACTIVE = new Set(["queued", "running", "canceling"]);
export const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

export function statusBadge(status) {
  return h("span", { class: `badge status-${status}`, dataset: { status } }, status);
}

export function paramSummary(params) {
  return Object.entries(params || {})
    .filter(([, v]) => v !== null && typeof v !== "object")
    .slice(0, 4)
    .map(([k, v]) => `${humanize(k).toLowerCase()} ${fmtValue(v)}`)
    .join(" · ");
}

// What the worker is doing, in words: "rendering", or the failure's message.
export function stageText(job) {
  if (job.status === "failed" && job.error?.message) return job.error.message;
  if (job.status === "queued" && job.attempts > 0 && job.error?.message) {
    return `waiting to retry (${job.error.message})`;
  }
  const parts = [job.stage, job.message].filter(Boolean);
  if (parts.length) return parts.join(": ");
  return job.status === "queued" ? "waiting for a worker" : "";
}

export function progressBar(job) {
  const label = `${job.progress}%`;
  return h(
    "div",
    { class: "progress" },
    h("progress", { max: "100", value: String(job.progress), "aria-label": `Progress ${label}` }),
    h("span", { class: "pct" }, label),
  );
}

// The SSE payloads carry the fields they changed; merge them into the job.
export function applyEvent(job, event) {
  if (!event?.data || typeof event.data !== "object") return job;
  if (event.type === "status" || event.type === "progress") {
    const next = { ...job };
    for (const key of ["status", "progress", "stage", "message", "error", "attempts"]) {
      if (key in event.data) next[key] = event.data[key];
    }
    return next;
  }
  return job;
}

export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain-HTTP origins other than localhost have no randomUUID.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Buttons for what this job allows now. onJob(updated job), onDeleted().
export function jobActions(job, { onJob, onDeleted }) {
  const wrap = h("div", { class: "actions" });
  const act = (label, fn, cls = "") =>
    h(
      "button",
      {
        type: "button",
        class: `small ${cls}`.trim(),
        onclick: async (event) => {
          const button = event.currentTarget;
          button.disabled = true;
          try {
            await fn(button);
          } catch (err) {
            showError(err, `${label} failed`);
          } finally {
            if (button.isConnected) button.disabled = false;
          }
        },
      },
      label,
    );
  if (job.status === "queued" || job.status === "running") {
    wrap.append(
      act("Cancel", async () => {
        const updated = await api(`/v1/jobs/${job.id}/cancel`, { method: "POST" });
        onJob(updated);
        notify(updated.status === "canceled" ? "Job canceled." : "Stopping the job…");
      }),
    );
  }
  if (job.status === "failed" || job.status === "canceled") {
    wrap.append(
      act("Retry", async () => {
        onJob(await api(`/v1/jobs/${job.id}/retry`, { method: "POST" }));
        notify("Job queued again.");
      }),
    );
  }
  if (TERMINAL.has(job.status)) {
    // Two steps instead of confirm(): a dialog that blocks the page is easy to
    // dismiss by accident and invisible to automation.
    let armed = null;
    wrap.append(
      act(
        "Delete",
        async (button) => {
          if (!armed) {
            button.textContent = "Really delete?";
            button.classList.add("danger");
            armed = setTimeout(() => {
              armed = null;
              if (button.isConnected) {
                button.textContent = "Delete";
                button.classList.remove("danger");
              }
            }, 4000);
            return;
          }
          clearTimeout(armed);
          await api(`/v1/jobs/${job.id}`, { method: "DELETE" });
          notify("Job deleted.");
          onDeleted();
        },
        "quiet",
      ),
    );
  }
  return wrap;
}
