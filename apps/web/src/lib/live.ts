"use client";
/**
 * Live job progress: Supabase Realtime Broadcast (production: the database
 * sends each job's changes on the user's private topic, see docs/realtime.md)
 * or the engine's SSE stream (development, no Supabase). Either way the caller
 * gets the fields of the job that changed.
 */
import type { RealtimeChannel } from "@supabase/supabase-js";
import type { Job, JobBroadcast, JobStatus } from "@/lib/api/client";
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

/** The events the database broadcasts on a user's topic. */
export const JOB_EVENTS = ["job.status", "job.progress", "job.output", "job.deleted"] as const;
export type JobEventName = (typeof JOB_EVENTS)[number];

/** `job.status` (every status change, at once) and `job.progress` (at most
 *  once a second per job): the job's state when it was sent (the engine's
 *  OpenAPI document defines it, `JobBroadcast`). */
export type { JobBroadcast };

/** A user's private topic: only they may join it (a realtime.messages policy). */
export function userTopic(userId: string): string {
  return `soundstage:user:${userId}`;
}

/** What a broadcast changes: the job it is about and its changed fields, or
 *  `gone` when the job was deleted. Null for anything else. */
export function changeFromBroadcast(
  event: string,
  payload: Record<string, unknown>,
): { jobId: string; change: JobChange; gone?: boolean } | null {
  if (typeof payload.job_id !== "string") return null;
  const jobId = payload.job_id;
  if (event === "job.status" || event === "job.progress") {
    const job = payload as unknown as JobBroadcast;
    return {
      jobId,
      change: { status: job.status, progress: job.progress, stage: job.stage, message: job.message, error: job.error },
    };
  }
  if (event === "job.output" && typeof payload.name === "string") return { jobId, change: { output: payload.name } };
  if (event === "job.deleted") return { jobId, change: {}, gone: true };
  return null;
}

type Listener = (event: JobEventName, payload: Record<string, unknown>) => void;

// One channel per page for the user's topic, whoever listens (the jobs list and
// a job page may both be mounted; supabase-js hands back the same channel for
// the same topic anyway). Joined with the first listener, left a few seconds
// after the last, so going from the list to a job page keeps the channel.
const listeners = new Set<Listener>();
let channel: RealtimeChannel | null = null;
let joining = false;
let leaveTimer: ReturnType<typeof setTimeout> | null = null;
const LEAVE_AFTER_MS = 5000;

async function join(): Promise<void> {
  joining = true;
  try {
    const supabase = browserSupabase();
    const { data } = await supabase.auth.getSession();
    const userId = data.session?.user.id;
    if (!userId || listeners.size === 0) return;
    // Private channels are authorized with the user's JWT (RLS on realtime.messages).
    await supabase.realtime.setAuth();
    let ch = supabase.channel(userTopic(userId), { config: { private: true } });
    for (const name of JOB_EVENTS) {
      ch = ch.on("broadcast", { event: name }, ({ payload }) => {
        for (const listener of [...listeners]) listener(name, (payload ?? {}) as Record<string, unknown>);
      });
    }
    channel = ch.subscribe();
  } finally {
    joining = false;
    // everyone left while joining: leave in turn
    if (listeners.size === 0 && !leaveTimer) leaveTimer = setTimeout(leave, LEAVE_AFTER_MS);
  }
}

function leave(): void {
  leaveTimer = null;
  if (listeners.size > 0 || !channel) return;
  void browserSupabase().removeChannel(channel);
  channel = null;
}

function listen(listener: Listener): () => void {
  listeners.add(listener);
  if (leaveTimer) clearTimeout(leaveTimer);
  leaveTimer = null;
  if (!channel && !joining) void join();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && !leaveTimer) leaveTimer = setTimeout(leave, LEAVE_AFTER_MS);
  };
}

/** Follow one job; returns the function that stops following. */
export function watchJob(jobId: string, onChange: (change: JobChange) => void): () => void {
  if (USE_SUPABASE) {
    return listen((event, payload) => {
      const hit = changeFromBroadcast(event, payload);
      if (hit && hit.jobId === jobId && !hit.gone) onChange(hit.change);
    });
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
 *  With Realtime: `onAnyChange` for a job created, finished, deleted or given an
 *  output (reload the list), `onProgress` for a running job's progress (patch it
 *  in place; at most once a second per job). Without it, poll. */
export function watchJobs(
  onAnyChange: () => void,
  pollMs = 2000,
  onProgress?: (jobId: string, change: JobChange) => void,
): () => void {
  if (USE_SUPABASE) {
    return listen((event, payload) => {
      const hit = changeFromBroadcast(event, payload);
      if (!hit) return;
      if (event === "job.progress" && onProgress) onProgress(hit.jobId, hit.change);
      else onAnyChange();
    });
  }
  const timer = setInterval(onAnyChange, pollMs);
  return () => clearInterval(timer);
}
