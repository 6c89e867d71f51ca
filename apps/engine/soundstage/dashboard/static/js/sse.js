// Server-Sent Events over fetch(): EventSource cannot send an Authorization
// header, so the stream is read with a ReadableStream and parsed here
// (id:/event:/data:/retry: lines, a blank line ends an event). A dropped
// connection is resumed with Last-Event-ID, so no event is lost or repeated.

import { errorFrom, request } from "./api.js";
import { sleep } from "./dom.js";

export function parseEvents(onEvent) {
  let buffer = "";
  let event = { id: null, type: "message", data: [] };
  const state = { retry: null };

  function line(text) {
    if (text === "") {
      if (event.data.length) {
        const raw = event.data.join("\n");
        let data = raw;
        try {
          data = JSON.parse(raw);
        } catch {
          /* not JSON: hand the text over as is */
        }
        onEvent({ id: event.id, type: event.type, data });
      }
      event = { id: null, type: "message", data: [] };
      return;
    }
    if (text.startsWith(":")) return; // a comment (keep-alive)
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") event.data.push(value);
    else if (field === "event") event.type = value;
    else if (field === "id") event.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) state.retry = Number(value);
  }

  return {
    state,
    feed(chunk) {
      buffer += chunk;
      const parts = buffer.split(/\r\n|\r|\n/);
      buffer = parts.pop();
      parts.forEach(line);
    },
  };
}

// Follows one job's events until it ends, `signal` aborts, or the job is gone.
// onEvent({id, type, data}); returns when the stream is over for good.
export async function followJob(jobId, onEvent, signal) {
  let lastId = null;
  let retryMs = 2000;
  let failures = 0;
  while (!signal.aborted) {
    let ended = false;
    let received = 0;
    try {
      const headers = { Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await request(`/v1/jobs/${jobId}/events`, {
        headers,
        signal,
        cache: "no-store",
      });
      if (!response.ok) throw await errorFrom(response);
      const parser = parseEvents((ev) => {
        received += 1;
        if (ev.id) lastId = ev.id;
        if (ev.type === "status" && ["succeeded", "failed", "canceled"].includes(ev.data?.status)) {
          ended = true;
        }
        onEvent(ev);
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        if (parser.state.retry) retryMs = parser.state.retry;
      }
      failures = 0;
    } catch (err) {
      if (signal.aborted || err?.name === "AbortError") return;
      // 4xx (job deleted, signed out): nothing to resume.
      if (err?.status >= 400 && err?.status < 500) return;
      failures += 1;
    }
    // The server closes the stream when the job ends; a stream that ended with
    // nothing new means the job is over (or gone) already.
    if (ended || (received === 0 && failures === 0)) return;
    await sleep(Math.min(retryMs * Math.max(1, failures), 30000), signal);
  }
}
