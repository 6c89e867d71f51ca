"use client";
import { useState } from "react";
import { browserApi } from "@/lib/auth/browser";
import { errorMessage, TERMINAL, type Job } from "@/lib/api/client";

/** Cancel a live job, retry a failed or canceled one, delete a finished one. */
export function JobActions({
  job,
  onChanged,
  onDeleted,
}: {
  job: Pick<Job, "id" | "status" | "kind">;
  onChanged: (job: Job) => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const api = browserApi();
  const params = { params: { path: { job_id: job.id } } };

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="actions">
      {!TERMINAL.has(job.status) && job.status !== "canceling" && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={`Cancel ${job.kind} job`}
          onClick={() =>
            run(async () => {
              const { data, error } = await api.POST("/v1/jobs/{job_id}/cancel", params);
              if (error) throw error;
              onChanged(data);
            })
          }
        >
          Cancel
        </button>
      )}
      {(job.status === "failed" || job.status === "canceled") && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={`Retry ${job.kind} job`}
          onClick={() =>
            run(async () => {
              const { data, error } = await api.POST("/v1/jobs/{job_id}/retry", params);
              if (error) throw error;
              onChanged(data);
            })
          }
        >
          Retry
        </button>
      )}
      {TERMINAL.has(job.status) && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-label={`Delete ${job.kind} job`}
          onClick={() =>
            run(async () => {
              if (!confirm("Delete this job and its files?")) return;
              const { error } = await api.DELETE("/v1/jobs/{job_id}", params);
              if (error) throw error;
              onDeleted();
            })
          }
        >
          Delete
        </button>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  );
}
