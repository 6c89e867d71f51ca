import { describe, expect, it } from "vitest";
import { changeFromBroadcast, JOB_EVENTS, userTopic } from "@/lib/live";

// The payloads as supabase/migrations/20261205002000_realtime_broadcast.sql sends them.
const job = "5b0c7f9e-2f7e-4a55-9d49-0e8a8f1d2c3b";
const state = {
  job_id: job,
  kind: "tone",
  status: "running",
  progress: 40,
  stage: "mixing",
  message: "chunk 4",
  error: null,
  attempts: 1,
  at: "2026-12-05T00:00:01.5+00:00",
};

describe("Realtime Broadcast from the database", () => {
  it("names the user's private topic as the policy expects", () => {
    expect(userTopic("u-1")).toBe("soundstage:user:u-1");
    expect(JOB_EVENTS).toEqual(["job.status", "job.progress", "job.output", "job.deleted"]);
  });
  it("turns status and progress into the job's changed fields", () => {
    for (const event of ["job.status", "job.progress"]) {
      expect(changeFromBroadcast(event, state)).toEqual({
        jobId: job,
        change: { status: "running", progress: 40, stage: "mixing", message: "chunk 4", error: null },
      });
    }
  });
  it("announces outputs and deletions, and ignores anything else", () => {
    expect(
      changeFromBroadcast("job.output", { job_id: job, name: "tone.mp3", content_type: "audio/mpeg", bytes: 9 }),
    ).toEqual({ jobId: job, change: { output: "tone.mp3" } });
    expect(changeFromBroadcast("job.deleted", { job_id: job })).toEqual({ jobId: job, change: {}, gone: true });
    expect(changeFromBroadcast("job.status", {})).toBeNull();
    expect(changeFromBroadcast("something.else", state)).toBeNull();
  });
});
