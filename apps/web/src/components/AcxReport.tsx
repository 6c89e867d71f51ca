/** The audiobook's mastering report (report.json) as pass/fail with values. */
import { formatDuration } from "@/lib/format";

export interface ChapterReport {
  index: number;
  title: string;
  duration_seconds: number;
  rms_db: number;
  peak_db: number;
  integrated_lufs: number;
  true_peak_db: number;
  noise_floor_db: number;
  passed: boolean;
  problems: string[];
}

export interface Report {
  title: string;
  author: string | null;
  target: string;
  gain_db: number;
  passed: boolean;
  chapters: ChapterReport[];
  warnings?: string[];
}

export function AcxReport({ report }: { report: Report }) {
  return (
    <section className="card" aria-labelledby="acx-heading">
      <h2 id="acx-heading">
        {report.target.toUpperCase()} check:{" "}
        <span className={report.passed ? "ok" : "error"} data-testid="acx-result">
          {report.passed ? "passed" : "failed"}
        </span>
      </h2>
      <div style={{ overflowX: "auto" }}>
        <table>
          <thead>
            <tr>
              <th scope="col">Chapter</th>
              <th scope="col">Length</th>
              <th scope="col">RMS (dB)</th>
              <th scope="col">Peak (dB)</th>
              <th scope="col">Noise floor (dB)</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {report.chapters.map((c) => (
              <tr key={c.index}>
                <td>{c.title}</td>
                <td>{formatDuration(c.duration_seconds)}</td>
                <td>{c.rms_db.toFixed(1)}</td>
                <td>{c.peak_db.toFixed(1)}</td>
                <td>{c.noise_floor_db.toFixed(1)}</td>
                <td className={c.passed ? "ok" : "error"}>
                  {c.passed ? "Pass" : `Fail: ${c.problems.join("; ")}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
