// The home view: create a job, your uploads, usage against your limits, and
// your jobs with live progress.

import { ApiError, api, optionalApi } from "./api.js";
import { clearError, notify, showError } from "./alerts.js";
import { fetchPreview, hasPreview, loadVoices, renderPreview } from "./audiobook.js";
import { fmtBytes, h, humanize, replace, safeUrl, timeEl } from "./dom.js";
import { ACTIVE, applyEvent, idempotencyKey, jobActions, paramSummary, progressBar, stageText, statusBadge } from "./job_ui.js";
import { keyValueTable } from "./report.js";
import { FormError, buildParamsForm } from "./schema_form.js";
import { asSseEvent, subscribeJobs } from "./realtime.js";
import { followJob } from "./sse.js";

const KIND_KEY = "soundstage.kind";
// What a newcomer most likely came for, before the tools (analysis, effects...).
const DEFAULT_KINDS = ["audiobook", "music", "tone"];
// Other parts of the page (the form's upload field) announce new uploads.
export const UPLOADS_CHANGED = "soundstage:uploads-changed";
// Browsers open at most six HTTP/1.1 connections per origin; live streams
// beyond this many would starve every other request, so the rest are polled.
// (Signed in through Supabase, one Realtime socket follows every job instead;
// the streams are the fallback while that socket is down.)
const MAX_STREAMS = 3;
const POLL_MS = 4000;

const uploadsApi = {
  async list(category) {
    const query = new URLSearchParams({ limit: "100" });
    if (category) query.set("category", category);
    return (await api(`/v1/uploads?${query}`)).items;
  },
  async upload(file, category) {
    const form = new FormData();
    form.append("file", file, file.name);
    if (category) form.append("category", category);
    const created = await api("/v1/uploads", { method: "POST", form });
    window.dispatchEvent(new CustomEvent(UPLOADS_CHANGED));
    return created;
  },
};

function card(title, id, ...children) {
  return h("section", { class: `card card-${id}`, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), ...children);
}

// ---------------------------------------------------------------- job list

class JobRow {
  constructor(job, list) {
    this.list = list;
    this.el = h("li", { class: "job", dataset: { jobId: job.id } });
    this.render(job);
  }
  render(job) {
    const previous = this.job;
    this.job = job;
    this.el.dataset.status = job.status;
    if (
      previous &&
      previous.status === job.status &&
      (previous.outputs?.length ?? 0) === (job.outputs?.length ?? 0) &&
      this.progressEl
    ) {
      // Only progress moved: keep the buttons (and their focus) where they are.
      this.progressEl.replaceWith((this.progressEl = progressBar(job)));
      this.stageEl.textContent = stageText(job);
      return;
    }
    this.progressEl = progressBar(job);
    this.stageEl = h("p", { class: `stage${job.status === "failed" ? " error-text" : ""}` }, stageText(job));
    replace(
      this.el,
      h(
        "div",
        { class: "job-head" },
        h("a", { class: "job-kind", href: `#/jobs/${job.id}` }, job.kind),
        statusBadge(job.status),
        h("span", { class: "job-time muted" }, timeEl(job.created_at)),
      ),
      h("p", { class: "job-params muted" }, paramSummary(job.params)),
      this.progressEl,
      this.stageEl,
      h(
        "div",
        { class: "job-foot" },
        job.outputs?.length ? h("span", { class: "muted" }, `${job.outputs.length} file${job.outputs.length > 1 ? "s" : ""}`) : null,
        jobActions(job, {
          onJob: (updated) => this.list.update(updated),
          onDeleted: () => this.list.remove(job.id),
        }),
        h("a", { class: "button small", href: `#/jobs/${job.id}` }, "Open"),
      ),
    );
  }
}

class JobList {
  constructor({ onChange }) {
    this.rows = new Map();
    this.streams = new Map();
    this.onChange = onChange;
    // Realtime Broadcast for every job of the user (null: SSE only). "realtime"
    // from the start (a join normally takes a moment; a socket that cannot
    // join goes down within its timeout), "sse" while the socket is down.
    this.live = subscribeJobs({
      onEvent: (event, payload) => this.onBroadcast(event, payload),
      onState: (state) => this.onLiveState(state),
    });
    this.mode = this.live?.usable ? "realtime" : "sse";
    this.filter = "";
    this.cursor = null;
    this.ul = h("ul", { class: "jobs", "aria-live": "off" });
    this.empty = h("p", { class: "empty" }, "No jobs yet. Create one with the form.");
    this.more = h("button", { type: "button", class: "small", hidden: true, onclick: () => this.load(true) }, "Load more");
    const select = h(
      "select",
      { id: "job-filter", "aria-label": "Show jobs with status", onchange: (e) => this.setFilter(e.target.value) },
      h("option", { value: "" }, "All"),
      ["queued", "running", "canceling", "succeeded", "failed", "canceled"].map((s) => h("option", { value: s }, humanize(s))),
    );
    this.element = h(
      "section",
      { class: "card card-joblist", "aria-labelledby": "joblist-title" },
      h(
        "div",
        { class: "card-head" },
        h("h2", { id: "joblist-title" }, "Jobs"),
        h("div", { class: "toolbar" }, h("label", { for: "job-filter", class: "muted" }, "Status"), select),
      ),
      this.empty,
      this.ul,
      this.more,
    );
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  async load(append = false) {
    const query = new URLSearchParams({ limit: "20" });
    if (this.filter) query.set("status", this.filter);
    if (append && this.cursor) query.set("cursor", this.cursor);
    try {
      const page = await api(`/v1/jobs?${query}`);
      if (!append) {
        this.stopStreams();
        this.rows.clear();
        replace(this.ul);
      }
      for (const job of page.items) this.add(job, false);
      this.cursor = page.next_cursor;
      this.more.hidden = !this.cursor;
      this.syncEmpty();
    } catch (err) {
      showError(err, "Could not load your jobs");
    }
  }

  setFilter(value) {
    this.filter = value;
    this.load();
  }

  syncEmpty() {
    this.empty.hidden = this.rows.size > 0;
  }

  add(job, atTop) {
    if (this.rows.has(job.id)) return this.update(job);
    if (this.filter && job.status !== this.filter) return;
    const row = new JobRow(job, this);
    this.rows.set(job.id, row);
    if (atTop) this.ul.prepend(row.el);
    else this.ul.append(row.el);
    this.syncEmpty();
    this.watch(job);
  }

  update(job) {
    const row = this.rows.get(job.id);
    if (!row) return;
    const was = row.job.status;
    row.render(job);
    if (was !== job.status) this.onChange();
    this.watch(job);
  }

  remove(id) {
    this.streams.get(id)?.abort();
    this.rows.get(id)?.el.remove();
    this.rows.delete(id);
    this.syncEmpty();
    this.onChange();
  }

  watch(job) {
    if (this.mode === "realtime") return; // the broadcasts cover it
    if (!ACTIVE.has(job.status) || this.streams.has(job.id) || this.streams.size >= MAX_STREAMS) return;
    const controller = new AbortController();
    this.streams.set(job.id, controller);
    followJob(
      job.id,
      (event) => {
        const row = this.rows.get(job.id);
        if (row) this.update(applyEvent(row.job, event));
      },
      controller.signal,
    )
      .catch(() => {})
      .finally(() => {
        this.streams.delete(job.id);
        if (!controller.signal.aborted) this.refresh(job.id);
      });
  }

  // Whether this row's changes arrive live (its SSE stream, or Realtime).
  followed(id) {
    return this.streams.has(id) || (this.mode === "realtime" && this.live?.state === "joined");
  }

  onBroadcast(event, payload) {
    const id = payload.job_id;
    const row = this.rows.get(id);
    if (!row) {
      // a job created elsewhere: the list's own query says where it goes
      if (event === "job.status") this.pollList();
      return;
    }
    if (event === "job.deleted") {
      this.remove(id);
      return;
    }
    const change = asSseEvent(event, payload);
    if (change) this.update(applyEvent(row.job, change));
    // Outputs (their signed URLs) come with the job itself, as after a stream.
    if (event === "job.output" || (event === "job.status" && !ACTIVE.has(payload.status))) this.refresh(id);
  }

  onLiveState(state) {
    if (state === "joined") {
      this.mode = "realtime";
      this.stopStreams();
      // what changed before the join (or while the socket was down)
      for (const row of this.rows.values()) if (ACTIVE.has(row.job.status)) this.refresh(row.job.id);
    } else if (state === "down" && this.mode === "realtime") {
      this.mode = "sse";
      for (const row of this.rows.values()) this.watch(row.job);
    }
  }

  // The whole job (signed output URLs included) once its stream has ended.
  async refresh(id) {
    if (!this.rows.has(id)) return;
    try {
      this.update(await api(`/v1/jobs/${id}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this.remove(id);
    }
  }

  // Jobs created elsewhere (another tab, the API, a teammate's script) appear
  // without a reload, and rows that changed while unwatched are brought up to
  // date: the first page is asked for again on every poll.
  async pollList() {
    if (this.polling) return;
    this.polling = true;
    try {
      const query = new URLSearchParams({ limit: "20" });
      if (this.filter) query.set("status", this.filter);
      const page = await api(`/v1/jobs?${query}`);
      const newest = [...this.rows.values()].reduce((t, r) => (r.job.created_at > t ? r.job.created_at : t), "");
      const fresh = page.items.filter((j) => !this.rows.has(j.id) && j.created_at >= newest);
      for (const job of fresh.reverse()) this.add(job, true);
      if (fresh.length) this.onChange();
      for (const job of page.items) {
        const row = this.rows.get(job.id);
        if (row && row.job.updated_at !== job.updated_at && !this.followed(job.id)) this.update(job);
      }
    } catch {
      // the next poll tries again; a lasting failure shows on the next action
    } finally {
      this.polling = false;
    }
  }

  // Active jobs without a live stream (more than MAX_STREAMS) are polled.
  poll() {
    this.pollList();
    if (this.mode === "realtime") return;
    for (const row of this.rows.values()) {
      if (!ACTIVE.has(row.job.status)) continue;
      if (this.streams.has(row.job.id)) continue;
      if (this.streams.size < MAX_STREAMS) this.watch(row.job);
      else this.refresh(row.job.id);
    }
  }

  stopStreams() {
    for (const controller of this.streams.values()) controller.abort();
    this.streams.clear();
  }

  dispose() {
    clearInterval(this.timer);
    this.live?.close();
    this.stopStreams();
  }
}

// ---------------------------------------------------------------- new job

class NewJob {
  constructor({ onCreated }) {
    this.onCreated = onCreated;
    this.body = h("div", { class: "newjob-body" }, h("p", { class: "muted" }, "Loading job kinds…"));
    this.element = card("New job", "newjob", this.body);
    this.key = idempotencyKey();
  }

  async load() {
    try {
      const [kinds, voices] = await Promise.all([api("/v1/kinds"), loadVoices()]);
      this.kinds = kinds.items;
      this.voices = voices;
      if (!this.kinds.length) {
        replace(this.body, h("p", { class: "empty" }, "This engine has no job kinds registered."));
        return;
      }
      const stored = localStorage.getItem(KIND_KEY);
      const known = (kind) => this.kinds.some((k) => k.kind === kind);
      const initial = known(stored) ? stored : (DEFAULT_KINDS.find(known) ?? this.kinds[0].kind);
      this.kindSelect = h(
        "select",
        { id: "job-kind", name: "kind", onchange: () => this.show(this.kindSelect.value) },
        this.kinds.map((k) => h("option", { value: k.kind, selected: k.kind === initial }, k.kind)),
      );
      this.formHost = h("div", { class: "form-host" });
      replace(
        this.body,
        h("div", { class: "field" }, h("label", { for: "job-kind" }, "Kind"), this.kindSelect),
        this.formHost,
      );
      this.show(initial);
    } catch (err) {
      replace(this.body, h("p", { class: "error-text" }, "Could not load the job kinds."));
      showError(err, "Could not load the job kinds");
    }
  }

  show(kind) {
    localStorage.setItem(KIND_KEY, kind);
    const info = this.kinds.find((k) => k.kind === kind);
    this.params = buildParamsForm(info, { uploads: uploadsApi, voices: this.voices });
    this.previewBox = h("div", { class: "preview-box", hidden: true, "aria-live": "polite" });
    this.previewOk = false;
    this.previewAvailable = hasPreview(kind);
    this.previewButton = this.previewAvailable
      ? h("button", { type: "button", id: "preview-job", onclick: () => this.preview() }, "Preview")
      : null;
    this.submit = h("button", { type: "submit", class: "primary", id: "create-job" }, "Create job");
    const form = h(
      "form",
      { class: "stack", novalidate: true, id: `form-${kind}` },
      info.description ? h("p", { class: "muted kind-description" }, info.description) : null,
      this.params.element,
      this.previewBox,
      h("div", { class: "buttons" }, this.previewButton, this.submit),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.create(kind);
    });
    // Any change makes a new request (new Idempotency-Key) and an old preview stale.
    form.addEventListener("input", () => this.changed());
    form.addEventListener("change", () => this.changed());
    replace(this.formHost, form);
    this.syncSubmit();
  }

  changed() {
    this.key = idempotencyKey();
    if (this.previewOk) {
      this.previewOk = false;
      this.previewBox.classList.add("stale");
    }
    this.syncSubmit();
  }

  // An audiobook is created only after its preview (chapters, duration, cost)
  // was seen; an engine without the preview endpoint skips that step.
  syncSubmit() {
    const needsPreview = this.previewAvailable && !this.previewOk;
    this.submit.disabled = needsPreview;
    this.submit.title = needsPreview ? "Preview first: chapters, duration and cost" : "";
  }

  readParams() {
    clearError();
    try {
      return this.params.read();
    } catch (err) {
      if (err instanceof FormError) showError(err);
      else throw err;
      return null;
    }
  }

  async preview() {
    const kind = this.kindSelect.value;
    const params = this.readParams();
    if (!params) return;
    this.previewButton.disabled = true;
    try {
      const result = await fetchPreview(kind, params);
      if (result === null) {
        this.previewAvailable = false;
        this.previewButton.hidden = true;
      } else {
        this.previewOk = true;
        this.previewBox.classList.remove("stale");
        replace(this.previewBox, h("h3", {}, "Preview"), renderPreview(result));
        this.previewBox.hidden = false;
      }
    } catch (err) {
      this.params.markErrors(err.details);
      showError(err, "Preview failed");
    } finally {
      this.previewButton.disabled = false;
      this.syncSubmit();
    }
  }

  async create(kind) {
    const params = this.readParams();
    if (!params) return;
    this.submit.disabled = true;
    try {
      const job = await api("/v1/jobs", {
        method: "POST",
        json: { kind, params },
        headers: { "Idempotency-Key": this.key },
      });
      this.key = idempotencyKey();
      this.params.markErrors([]);
      notify(`Job created: ${job.kind}.`);
      this.onCreated(job);
    } catch (err) {
      this.params.markErrors(err.details);
      showError(err, "Could not create the job");
    } finally {
      this.syncSubmit();
    }
  }
}

// ---------------------------------------------------------------- uploads

class Uploads {
  constructor() {
    this.ul = h("ul", { class: "uploads" });
    this.empty = h("p", { class: "empty" }, "Nothing uploaded yet.");
    this.input = h("input", { type: "file", id: "upload-file", onchange: () => this.upload() });
    this.element = card(
      "Uploads",
      "uploads",
      h(
        "div",
        { class: "field" },
        h("label", { for: "upload-file" }, "Upload a file"),
        this.input,
        h("p", { class: "hint" }, "Manuscripts (text, Markdown, HTML, EPUB, DOCX, PDF), audio, MIDI or images. The type is read from the content."),
      ),
      this.empty,
      this.ul,
    );
  }

  async load() {
    try {
      const items = await uploadsApi.list(null);
      replace(this.ul, items.map((u) => this.row(u)));
      this.empty.hidden = items.length > 0;
    } catch (err) {
      showError(err, "Could not list your uploads");
    }
  }

  row(upload) {
    const li = h(
      "li",
      { class: "upload", dataset: { uploadId: upload.id } },
      h("a", { href: safeUrl(upload.url), download: upload.original_name, class: "upload-name" }, upload.original_name),
      h("span", { class: "muted" }, `${upload.category} · ${upload.format} · ${fmtBytes(upload.bytes)}`),
      h(
        "button",
        {
          type: "button",
          class: "small quiet",
          "aria-label": `Delete ${upload.original_name}`,
          onclick: async () => {
            try {
              await api(`/v1/uploads/${upload.id}`, { method: "DELETE" });
              li.remove();
              this.empty.hidden = this.ul.children.length > 0;
              window.dispatchEvent(new CustomEvent(UPLOADS_CHANGED));
            } catch (err) {
              showError(err, "Could not delete the upload");
            }
          },
        },
        "Delete",
      ),
    );
    return li;
  }

  async upload() {
    const file = this.input.files[0];
    if (!file) return;
    clearError();
    this.input.disabled = true;
    try {
      // the list reloads on the UPLOADS_CHANGED this sends
      const created = await uploadsApi.upload(file, null);
      notify(`Uploaded ${created.original_name} (${created.format}).`);
    } catch (err) {
      showError(err, "Upload failed");
    } finally {
      this.input.value = "";
      this.input.disabled = false;
    }
  }
}

// ---------------------------------------------------------------- usage

function meter(label, used, limit) {
  const id = `meter-${label.toLowerCase().replace(/\W+/g, "-")}`;
  return h(
    "div",
    { class: "meter-row" },
    h("label", { for: id }, label),
    h("meter", { id, min: "0", max: String(limit), value: String(Math.min(used, limit)), high: String(Math.max(limit * 0.8, 0)), optimum: "0" }),
    h("span", { class: "meter-num" }, `${used} / ${limit}`),
  );
}

// "0 running on 0 workers" read as if no worker existed: `workers` counts
// workers busy with a job right now, so an idle engine says so plainly.
export function queueLine(counts, workers) {
  const queued = counts.queued || 0;
  const running = (counts.running || 0) + (counts.canceling || 0);
  if (!queued && !running) return "The queue is empty: every worker is idle.";
  const busy = workers
    ? `${workers} worker${workers === 1 ? "" : "s"} busy`
    : "no worker has picked a job up yet";
  return `Whole queue: ${queued} waiting, ${running} running; ${busy}.`;
}

class Usage {
  constructor() {
    this.body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
    this.element = card("Usage", "usage", this.body);
  }

  async load() {
    try {
      const [queue, quota] = await Promise.all([api("/v1/queue"), this.loadQuota()]);
      const mine = queue.mine || {};
      const running = (mine.running || 0) + (mine.canceling || 0);
      const counts = queue.counts || {};
      replace(
        this.body,
        meter("Running", running, queue.limits.max_running),
        meter("Queued", mine.queued || 0, queue.limits.max_queued),
        h("p", { class: "muted queue-line" }, queueLine(counts, queue.workers)),
        queue.queued?.length
          ? h(
              "ul",
              { class: "plain positions" },
              queue.queued.slice(0, 5).map((q) =>
                h("li", {}, h("a", { href: `#/jobs/${q.id}` }, q.kind), ` #${q.position} in line, starts in about ${Math.round(q.estimated_start_seconds)} s`),
              ),
            )
          : null,
        quota ? this.quota(quota) : null,
      );
    } catch (err) {
      replace(this.body, h("p", { class: "error-text" }, "Usage is unavailable."));
      if (!(err instanceof ApiError && err.status === 401)) showError(err, "Could not load usage");
    }
  }

  // GET /v1/usage where the engine has it; once it answered 404, never asked again.
  async loadQuota() {
    if (this.noQuota) return null;
    try {
      const body = await optionalApi("/v1/usage");
      if (body === null) this.noQuota = true;
      return body;
    } catch {
      return null;
    }
  }

  // Meters for {used, limit} entries; any other shape as a table.
  quota(body) {
    const items = Array.isArray(body?.items) ? body.items : null;
    if (items && items.every((i) => typeof i?.used === "number" && typeof i?.limit === "number")) {
      return h("div", { class: "quota" }, h("h3", {}, "Quotas"), items.map((i) => meter(humanize(i.name ?? i.metric ?? i.label ?? "quota"), i.used, i.limit)));
    }
    return body && typeof body === "object" ? h("div", { class: "quota" }, h("h3", {}, "Quotas"), keyValueTable(body)) : null;
  }
}

// ---------------------------------------------------------------- view

export function homeView(root) {
  const usage = new Usage();
  let usageTimer = null;
  const refreshUsage = () => {
    clearTimeout(usageTimer);
    usageTimer = setTimeout(() => usage.load(), 300);
  };
  const list = new JobList({ onChange: refreshUsage });
  const newJob = new NewJob({
    onCreated: (job) => {
      list.add(job, true);
      refreshUsage();
    },
  });
  const uploads = new Uploads();
  // the form's upload field, a delete, or (on the timer) another tab
  const reloadUploads = () => uploads.load();
  window.addEventListener(UPLOADS_CHANGED, reloadUploads);
  replace(
    root,
    h(
      "div",
      { class: "home" },
      h("div", { class: "area-new" }, newJob.element),
      h("div", { class: "area-jobs" }, list.element),
      h("div", { class: "area-side" }, usage.element, uploads.element),
    ),
  );
  newJob.load();
  list.load();
  usage.load();
  uploads.load();
  const usageInterval = setInterval(() => {
    usage.load();
    uploads.load();
  }, 15000);
  return () => {
    window.removeEventListener(UPLOADS_CHANGED, reloadUploads);
    list.dispose();
    clearInterval(usageInterval);
    clearTimeout(usageTimer);
  };
}
