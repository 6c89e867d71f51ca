"use client";
/**
 * Live job progress: Supabase Realtime (production: rows of soundstage.jobs under
 * RLS) or the engine's SSE stream (development, no Supabase). Either way the
 * caller gets the fields of the job that changed.
 */
import type { Job, JobRow, JobStatus } from "@/lib/api/client";
import { browserSupabase, getToken } from "@/lib/auth/browser";
import { ENGINE_URL, USE_SUPABASE } from "@/lib/config";
import { streamJobEvents } from "@/lib/sse";

export interface JobChange {
  status?: JobStatus;
  progress?: number;
  stage?: string | null;
  message?: string | null;
  error?: Job["error"];
  /** an output arrived: refetch the job for its signed URL */
  output?: string;
}

/** Follow one job; returns the function that stops following. */
export function watchJob(jobId: string, onChange: (change: JobChange) => void): () => void {
  if (USE_SUPABASE) {
    const channel = browserSupabase()
      .channel(`job-${jobId}`)
      .on(
        "postgres_changes",
        { event: "UPDATE", schema: "soundstage", table: "jobs", filter: `id=eq.${jobId}` },
        (payload) => {
          const row = payload.new as JobRow;
          onChange({ status: row.status, progress: row.progress, stage: row.stage, message: row.message, error: row.error });
        },
      )
      .subscribe();
    return () => void browserSupabase().removeChannel(channel);
  }
  const abort = new AbortController();
  void getToken().then((token) =>
    streamJobEvents({
      url: `${ENGINE_URL}/v1/jobs/${jobId}/events`,
      token,
      signal: abort.signal,
      onEvent: (event) => {
        if (event.event === "output") onChange({ output: event.data.name });
        else if (event.event === "status")
          onChange({ ...event.data });
        else onChange({ ...event.data });
      },
    }),
  );
  return () => abort.abort();
}

/** Follow the user's jobs list (new ones included, wherever they were created).
 *  Realtime pushes every change of the user's rows; without it, poll. */
export function watchJobs(onAnyChange: () => void, pollMs = 2000): () => void {
  if (USE_SUPABASE) {
    const channel = browserSupabase()
      .channel("my-jobs")
      .on("postgres_changes", { event: "*", schema: "soundstage", table: "jobs" }, () => onAnyChange())
      .subscribe();
    return () => void browserSupabase().removeChannel(channel);
  }
  const timer = setInterval(onAnyChange, pollMs);
  return () => clearInterval(timer);
}
