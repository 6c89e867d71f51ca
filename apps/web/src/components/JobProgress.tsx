import type { JobStatus } from "@/lib/api/client";
import { statusLabel } from "@/lib/format";

/** Fixed-size progress: the row keeps its size while the numbers move. */
export function JobProgress({
  status,
  progress,
  stage,
  label,
}: {
  status: JobStatus;
  progress: number;
  stage?: string | null;
  label: string;
}) {
  return (
    <div>
      <span className={`pill ${status}`}>{statusLabel(status)}</span>
      <div className="progress">
        <progress max={100} value={progress} aria-label={`${label} progress`} />
        <span data-testid="progress-value">{progress}%</span>
      </div>
      <span className="stage muted" title={stage ?? undefined}>
        {stage ?? "\u00a0"}
      </span>
    </div>
  );
}
