// One job: live progress, a player per audio output (chapters for
// audiobooks), download links, the quality report as a table, its params.

import { ApiError, api } from "./api.js";
import { showError } from "./alerts.js";
import { fmtBytes, fmtDuration, h, replace, safeUrl, timeEl } from "./dom.js";
import { TERMINAL, applyEvent, jobActions, progressBar, stageText, statusBadge } from "./job_ui.js";
import { asSseEvent, subscribeJobs } from "./realtime.js";
import { keyValueTable, renderData } from "./report.js";
import { followJob } from "./sse.js";

const isAudio = (o) => o.content_type?.startsWith("audio/");
const isReport = (o) => /\.json$/i.test(o.name) && (o.content_type?.includes("json") ?? true);

function seconds(value) {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    // "01:02:03.5" or "62.5"
    const parts = value.split(":").map(Number);
    if (parts.every(Number.isFinite)) return parts.reduce((acc, p) => acc * 60 + p, 0);
  }
  return null;
}

// Chapters from the report (or a chapters output): [{title, start}] in seconds.
function chaptersOf(report) {
  const list = report && Array.isArray(report.chapters) ? report.chapters : null;
  if (!list) return [];
  return list
    .map((c, i) => ({
      title: String(c?.title ?? c?.name ?? `Chapter ${i + 1}`),
      start: seconds(c?.start_seconds ?? c?.start ?? c?.offset_seconds ?? c?.start_time),
      duration: seconds(c?.duration_seconds ?? c?.duration),
    }))
    .filter((c) => c.start !== null);
}

function chapterList(chapters, audio) {
  return h(
    "ol",
    { class: "chapters" },
    chapters.map((c) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "link",
            onclick: () => {
              audio.currentTime = c.start;
              audio.play().catch((err) => showError(err, "Could not play"));
            },
          },
          c.title,
        ),
        h("span", { class: "muted" }, ` ${fmtDuration(c.start)}${c.duration ? ` · ${fmtDuration(c.duration)}` : ""}`),
      ),
    ),
  );
}

async function loadReport(output) {
  // Signed URLs need no token (and must not get one: it is not ours to send elsewhere).
  const url = safeUrl(output.url);
  if (!url) throw new ApiError(`${output.name} has no usable link.`);
  const response = await fetch(url);
  if (!response.ok) throw new ApiError(`Could not read ${output.name} (status ${response.status}).`);
  return response.json();
}

function outputsSection(job) {
  const section = h("section", { class: "card outputs", "aria-labelledby": "outputs-title" }, h("h2", { id: "outputs-title" }, "Files"));
  if (!job.outputs.length) {
    section.append(
      h("p", { class: "empty" }, TERMINAL.has(job.status) ? "This job produced no files." : "Files appear here as the job makes them."),
    );
    return section;
  }
  const players = [];
  for (const output of job.outputs) {
    const url = safeUrl(output.url);
    const download = url ? h("a", { class: "button small", href: url, download: output.name }, "Download") : null;
    if (isAudio(output) && url) {
      const audio = h("audio", { controls: true, preload: "metadata", src: url, dataset: { output: output.name } });
      players.push({ output, audio });
      section.append(
        h(
          "figure",
          { class: "player" },
          h("figcaption", {}, h("span", { class: "file-name" }, output.name), h("span", { class: "muted" }, ` ${fmtBytes(output.bytes)}`), download),
          audio,
        ),
      );
    } else {
      section.append(
        h("div", { class: "file" }, h("span", { class: "file-name" }, output.name), h("span", { class: "muted" }, ` ${output.content_type} · ${fmtBytes(output.bytes)}`), download),
      );
    }
  }
  const report = job.outputs.find(isReport);
  if (report) {
    const box = h("div", { class: "report" }, h("h3", {}, "Quality report"), h("p", { class: "muted" }, "Loading…"));
    section.append(box);
    loadReport(report)
      .then((data) => {
        replace(box, h("h3", {}, "Quality report"), renderData(data));
        const chapters = chaptersOf(data);
        // The chapters play in the book's single file (M4B before MP3).
        const book = players.find((p) => /m4b|mp4/.test(p.output.content_type)) || players[0];
        if (chapters.length && book) book.audio.after(chapterList(chapters, book.audio));
      })
      .catch((err) => replace(box, h("h3", {}, "Quality report"), h("p", { class: "error-text" }, err.message)));
  }
  return section;
}

export function jobView(root, id) {
  const controller = new AbortController();
  const head = h("section", { class: "card job-page" }, h("p", { class: "muted" }, "Loading the job…"));
  const outputsHost = h("div");
  const paramsHost = h("div");
  replace(root, h("div", { class: "jobview" }, h("a", { href: "#/", class: "back" }, "← All jobs"), head, outputsHost, paramsHost));
  let job = null;
  let outputsKey = "";

  function renderHead() {
    head.dataset.status = job.status;
    replace(
      head,
      h("div", { class: "job-title" }, h("h1", {}, job.kind), statusBadge(job.status)),
      h("p", { class: "job-id muted" }, "Job ", h("code", {}, job.id)),
      h(
        "dl",
        { class: "meta" },
        [
          ["Created", timeEl(job.created_at)],
          ["Started", job.started_at ? timeEl(job.started_at) : "—"],
          ["Finished", job.finished_at ? timeEl(job.finished_at) : "—"],
          ["Attempts", `${job.attempts} of ${job.max_attempts}`],
        ].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))),
      ),
      progressBar(job),
      h("p", { class: `stage${job.status === "failed" ? " error-text" : ""}` }, stageText(job) || " "),
      jobActions(job, {
        onJob: (updated) => show(updated),
        onDeleted: () => {
          location.hash = "#/";
        },
      }),
    );
  }

  function show(next) {
    job = next;
    renderHead();
    // Re-rendering the players would stop one that is playing: only on change.
    const key = job.outputs.map((o) => o.name).join("|") + (TERMINAL.has(job.status) ? "!" : "");
    if (key !== outputsKey) {
      outputsKey = key;
      replace(outputsHost, outputsSection(job));
    }
    if (!paramsHost.firstChild) {
      replace(
        paramsHost,
        h("section", { class: "card" }, h("h2", {}, "Parameters"), Object.keys(job.params).length ? keyValueTable(job.params) : h("p", { class: "muted" }, "none")),
      );
    }
    if (!TERMINAL.has(job.status)) follow();
  }

  // Signed in through Supabase: the user's Realtime topic (shared with the
  // jobs list) carries this job's changes, and SSE is only the fallback while
  // that socket is down. Subscribed with the first follow(): a finished job
  // needs neither.
  let live;
  let mode = "sse";
  let following = false;
  let stream = null; // the SSE stream's AbortController while one is open

  function onBroadcast(event, payload) {
    if (payload.job_id !== id || !job || controller.signal.aborted) return;
    const change = asSseEvent(event, payload);
    if (change) {
      job = applyEvent(job, change);
      renderHead();
    }
    // outputs (signed URLs) and the final state come with the job itself; a
    // deleted job's reload says it is gone
    if (change === null || TERMINAL.has(job.status)) reload();
  }

  function onLiveState(state) {
    if (controller.signal.aborted) return;
    if (state === "joined") {
      mode = "realtime";
      stream?.abort();
      reload(); // what changed before the join, or while the socket was down
    } else if (state === "down" && mode === "realtime") {
      mode = "sse";
      if (job && !TERMINAL.has(job.status)) follow();
    }
  }

  async function reload() {
    try {
      show(await api(`/v1/jobs/${id}`, { signal: controller.signal }));
    } catch (err) {
      if (err?.name === "AbortError") return;
      replace(head, h("p", { class: "error-text" }, err.message), h("a", { href: "#/" }, "Back to all jobs"));
      showError(err, "Could not load the job");
    }
  }

  function follow() {
    if (live === undefined) {
      live = subscribeJobs({ onEvent: onBroadcast, onState: onLiveState });
      if (live?.usable) mode = "realtime";
    }
    if (mode === "realtime" || following) return;
    following = true;
    const mine = (stream = new AbortController());
    const stop = () => mine.abort();
    controller.signal.addEventListener("abort", stop);
    followJob(
      id,
      (event) => {
        if (event.type === "output") reload();
        else {
          job = applyEvent(job, event);
          renderHead();
        }
      },
      mine.signal,
    )
      .catch(() => {})
      .finally(() => {
        following = false;
        controller.signal.removeEventListener("abort", stop);
        if (stream === mine) stream = null;
        if (!mine.signal.aborted) reload();
      });
  }

  reload();
  return () => {
    controller.abort();
    live?.close();
  };
}
