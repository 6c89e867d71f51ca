"use client";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { JobActions } from "@/components/JobActions";
import { JobProgress } from "@/components/JobProgress";
import { errorMessage, type Job, type JobStatus } from "@/lib/api/client";
import { browserApi } from "@/lib/auth/browser";
import { watchJobs } from "@/lib/live";

const STATUSES: JobStatus[] = ["queued", "running", "succeeded", "failed", "canceling", "canceled"];

export function JobsList() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<JobStatus | "">("");
  const [kind, setKind] = useState("");
  const [kinds, setKinds] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);

  const load = useCallback(async () => {
    const { data, error } = await browserApi().GET("/v1/jobs", {
      params: { query: { limit: 20, status: status || undefined, kind: kind || undefined } },
    });
    if (error) {
      setError(errorMessage(error));
      return;
    }
    setError(null);
    setLoaded(true);
    // keep pages loaded with "Load more": refresh the first page in place
    setJobs((old) => {
      const fresh = new Map(data.items.map((j) => [j.id, j]));
      const rest = old.filter((j) => !fresh.has(j.id) && old.indexOf(j) >= 20);
      return [...data.items, ...rest];
    });
    setCursor((c) => c ?? data.next_cursor);
  }, [status, kind]);

  useEffect(() => {
    setJobs([]);
    setCursor(null);
    void load();
    // progress patches the row in place; anything else reloads the first page
    return watchJobs(
      () => void load(),
      2000,
      (jobId, change) =>
        setJobs((old) => old.map((j) => (j.id === jobId ? ({ ...j, ...change } as Job) : j))),
    );
  }, [load]);

  useEffect(() => {
    void browserApi()
      .GET("/v1/kinds")
      .then(({ data }) => setKinds(data?.items.map((k) => k.kind) ?? []));
  }, []);

  async function more() {
    if (!cursor) return;
    const { data, error } = await browserApi().GET("/v1/jobs", {
      params: { query: { limit: 20, cursor, status: status || undefined, kind: kind || undefined } },
    });
    if (error) return setError(errorMessage(error));
    setJobs((old) => [...old, ...data.items.filter((j) => !old.some((o) => o.id === j.id))]);
    setCursor(data.next_cursor);
  }

  const replace = (job: Job) => setJobs((old) => old.map((j) => (j.id === job.id ? job : j)));

  return (
    <>
      <form className="card row" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as JobStatus | "")}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Any</option>
            {kinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="card scroll">
        <table>
          <caption className="muted" style={{ textAlign: "left" }}>
            Your jobs, newest first; progress updates live.
          </caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Progress</th>
              <th scope="col" className="hide-sm">
                Created
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-testid="job-row" data-kind={job.kind} data-status={job.status}>
                <td>
                  <Link href={`/jobs/${job.id}`}>{job.kind}</Link>
                  <div className="muted" style={{ fontSize: ".8rem" }}>
                    {job.id.slice(0, 8)}
                  </div>
                </td>
                <td>
                  <JobProgress status={job.status} progress={job.progress} stage={job.stage} label={job.kind} />
                </td>
                <td className="hide-sm">{new Date(job.created_at).toLocaleString()}</td>
                <td>
                  <JobActions
                    job={job}
                    onChanged={replace}
                    onDeleted={() => setJobs((old) => old.filter((j) => j.id !== job.id))}
                  />
                </td>
              </tr>
            ))}
            {loaded && jobs.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No jobs yet. <Link href="/new/audiobook">Make an audiobook</Link> or{" "}
                  <Link href="/new/tone">a test tone</Link>.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {cursor && (
          <button type="button" className="secondary" onClick={more} style={{ marginTop: ".75rem" }}>
            Load more
          </button>
        )}
      </div>
    </>
  );
}
