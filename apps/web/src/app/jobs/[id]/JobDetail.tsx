"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { JobActions } from "@/components/JobActions";
import { JobProgress } from "@/components/JobProgress";
import { AcxReport, type Report } from "@/components/AcxReport";
import { errorMessage, TERMINAL, type Job, type JobOutput } from "@/lib/api/client";
import { browserApi } from "@/lib/auth/browser";
import { formatBytes, isExpired } from "@/lib/format";
import { watchJob } from "@/lib/live";

export function JobDetail({ id }: { id: string }) {
  const router = useRouter();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);

  const load = useCallback(async (): Promise<Job | null> => {
    const { data, error } = await browserApi().GET("/v1/jobs/{job_id}", {
      params: { path: { job_id: id } },
    });
    if (error) {
      setError(errorMessage(error));
      return null;
    }
    setJob(data);
    return data;
  }, [id]);

  useEffect(() => {
    void load();
    return watchJob(id, (change) => {
      if (change.output || (change.status && TERMINAL.has(change.status))) {
        void load(); // outputs carry signed URLs: fetch the job for them
        return;
      }
      setJob((old) => (old ? { ...old, ...change } as Job : old));
    });
  }, [id, load]);

  const reportOutput = job?.outputs.find((o) => o.name === "report.json");
  useEffect(() => {
    if (!reportOutput) return;
    void fetch(reportOutput.url)
      .then((r) => (r.ok ? r.json() : null))
      .then((r: Report | null) => setReport(r))
      .catch(() => setReport(null));
  }, [reportOutput?.url]); // eslint-disable-line react-hooks/exhaustive-deps

  /** A signed URL that is still valid: refetch the job when it has expired. */
  async function freshUrl(output: JobOutput): Promise<string> {
    if (!isExpired(output.expires_at)) return output.url;
    const fresh = await load();
    return fresh?.outputs.find((o) => o.name === output.name)?.url ?? output.url;
  }

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!job) return <p aria-busy="true">Loading…</p>;

  const audio = job.outputs.filter((o) => o.content_type.startsWith("audio/"));
  const chapters = audio.filter((o) => /^\d+-/.test(o.name));
  const players = audio.filter((o) => !chapters.includes(o));

  return (
    <>
      <p>
        <Link href="/jobs">← Jobs</Link>
      </p>
      <h1>
        {job.kind} job <span className="muted">{job.id.slice(0, 8)}</span>
      </h1>
      <section className="card" aria-label="Status">
        <JobProgress status={job.status} progress={job.progress} stage={job.stage} label={job.kind} />
        {job.error && (
          <p role="alert" className="error">
            {job.error.code}: {job.error.message}
          </p>
        )}
        <JobActions job={job} onChanged={setJob} onDeleted={() => router.push("/jobs")} />
      </section>

      {players.length > 0 && (
        <section className="card">
          <h2>Listen</h2>
          {players.map((o) => (
            <Player key={o.url} output={o} freshUrl={freshUrl} />
          ))}
        </section>
      )}

      {chapters.length > 0 && (
        <section className="card">
          <h2>Chapters</h2>
          <ol>
            {chapters.map((o) => (
              <li key={o.name}>
                <Player key={o.url} output={o} freshUrl={freshUrl} />
              </li>
            ))}
          </ol>
        </section>
      )}

      {report && <AcxReport report={report} />}

      {job.outputs.length > 0 && (
        <section className="card">
          <h2>Downloads</h2>
          <ul>
            {job.outputs.map((o) => (
              <li key={o.name}>
                <a
                  href={o.url}
                  data-testid="download"
                  download={o.name}
                  onClick={async (e) => {
                    if (!isExpired(o.expires_at)) return;
                    e.preventDefault(); // expired link: fetch a new one first
                    window.location.assign(await freshUrl(o));
                  }}
                >
                  {o.name}
                </a>{" "}
                <span className="muted">
                  {o.content_type}, {formatBytes(o.bytes)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card">
        <h2>Parameters</h2>
        <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {JSON.stringify(job.params, null, 2)}
        </pre>
      </section>
    </>
  );
}

function Player({ output, freshUrl }: { output: JobOutput; freshUrl: (o: JobOutput) => Promise<string> }) {
  // a new signed URL for the same file comes with a new key: a fresh player
  const [src, setSrc] = useState(output.url);
  return (
    <figure style={{ margin: ".5rem 0" }}>
      <figcaption>{output.name}</figcaption>
      <audio
        controls
        preload="metadata"
        src={src}
        aria-label={`Play ${output.name}`}
        onPlay={async (e) => {
          const url = await freshUrl(output);
          if (url !== src) {
            setSrc(url);
            void e.currentTarget.play();
          }
        }}
        onError={async () => setSrc(await freshUrl(output))}
      />
    </figure>
  );
}
