import { describe, expect, expectTypeOf, it } from "vitest";
import { SseParser } from "@/lib/sse";
import type { Job, JobCreate, JobEvent, JobOf } from "@/lib/api/client";

describe("SseParser", () => {
  it("parses the engine's events across chunk boundaries", () => {
    const parser = new SseParser();
    expect(parser.push("retry: 2000\n\n")).toEqual([]);
    expect(parser.push('id: 7\nevent: progress\ndata: {"progress":40,"stage":"Rendering"')).toEqual([]);
    const [event] = parser.push(',"message":null}\n\n: keep-alive\n\n');
    expect(event).toEqual({
      event: "progress",
      id: 7,
      data: { progress: 40, stage: "Rendering", message: null },
    });
  });
  it("reads CRLF streams and several events per chunk", () => {
    const parser = new SseParser();
    const events = parser.push(
      'id: 1\r\nevent: status\r\ndata: {"status":"running","progress":0,"stage":null,"message":null,"error":null,"attempts":1}\r\n\r\n' +
        'id: 2\nevent: output\ndata: {"name":"tone.mp3","content_type":"audio/mpeg","bytes":9}\n\n',
    );
    expect(events.map((e) => e.event)).toEqual(["status", "output"]);
  });
});

describe("the generated types follow the wire", () => {
  it("narrow a job's params by its kind", () => {
    expectTypeOf<JobOf<"tone">["params"]>().toHaveProperty("frequency_hz");
    const create: JobCreate = { kind: "tone", params: { frequency_hz: 440, seconds: 1 } };
    expect(create.kind).toBe("tone");
    // @ts-expect-error: a tone has no bpm
    const wrong: JobCreate = { kind: "tone", params: { bpm: 120 } };
    expect(wrong).toBeTruthy();
    expectTypeOf<Extract<JobEvent, { event: "output" }>["data"]>().toHaveProperty("bytes");
    expectTypeOf<Job["status"]>().toEqualTypeOf<
      "queued" | "running" | "succeeded" | "failed" | "canceling" | "canceled"
    >();
  });
});
