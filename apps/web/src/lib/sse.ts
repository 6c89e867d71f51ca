/**
 * Server-Sent Events over fetch: EventSource cannot send an Authorization
 * header, so the engine's stream (GET /v1/jobs/{id}/events) is read by hand.
 */
import type { JobEvent } from "@/lib/api/client";

/** Feed chunks of the stream in; complete events come out. Pure, for tests. */
export class SseParser {
  private buffer = "";

  push(chunk: string): JobEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const out: JobEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event) out.push(event);
    }
    return out;
  }
}

function parseBlock(block: string): JobEvent | null {
  let name = "message";
  let id: number | null = null;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue; // comments: keep-alives
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "id") id = Number(value);
    else if (field === "data") data.push(value);
  }
  if (id === null || !data.length) return null; // e.g. the opening "retry:"
  if (name !== "status" && name !== "progress" && name !== "output") return null;
  return { event: name, id, data: JSON.parse(data.join("\n")) } as JobEvent;
}

export interface StreamOptions {
  url: string;
  token: string | null;
  signal: AbortSignal;
  onEvent: (event: JobEvent) => void;
  /** resume after this event (Last-Event-ID) */
  lastEventId?: number;
}

/** Read the stream until it ends (the job's terminal status) or `signal` aborts;
 *  reconnect with Last-Event-ID after a dropped connection. */
export async function streamJobEvents(opts: StreamOptions): Promise<void> {
  let last = opts.lastEventId ?? 0;
  for (let attempt = 0; !opts.signal.aborted && attempt < 20; attempt++) {
    try {
      const response = await fetch(opts.url, {
        headers: {
          Accept: "text/event-stream",
          ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          ...(last ? { "Last-Event-ID": String(last) } : {}),
        },
        signal: opts.signal,
        cache: "no-store",
      });
      if (!response.ok || !response.body) return; // 404: deleted; 401: signed out
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return; // the engine ends the stream after the terminal event
        for (const event of parser.push(value)) {
          last = event.id;
          opts.onEvent(event);
        }
      }
    } catch {
      if (opts.signal.aborted) return;
      await new Promise((r) => setTimeout(r, 2000)); // the stream's own retry: 2000
    }
  }
}
