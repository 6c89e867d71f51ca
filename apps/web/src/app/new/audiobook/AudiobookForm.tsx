"use client";
import { useEffect, useState } from "react";
import { uploadFile } from "@/app/uploads/UploadsManager";
import { useCreateJob } from "@/components/useCreateJob";
import { errorMessage, type Schemas } from "@/lib/api/client";
import { browserApi } from "@/lib/auth/browser";
import { formatDuration, formatUsd } from "@/lib/format";

type Params = Schemas["AudiobookParams"];
type Preview = Schemas["Preview"];
type Voice = Schemas["VoiceOut"];

export function AudiobookForm() {
  const [source, setSource] = useState<"text" | "upload">("text");
  const [text, setText] = useState("");
  const [uploadId, setUploadId] = useState<string | null>(null);
  const [uploadName, setUploadName] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [mode, setMode] = useState<"single" | "dual">("single");
  const [narrator, setNarrator] = useState("");
  const [dialogue, setDialogue] = useState("");
  const [chapterVoices, setChapterVoices] = useState<Record<string, string>>({});
  const [voices, setVoices] = useState<Voice[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const job = useCreateJob();

  useEffect(() => {
    void browserApi()
      .GET("/v1/voices", { params: { query: { provider: "local" } } })
      .then(({ data, error }) => (error ? setError(errorMessage(error)) : setVoices(data.items)));
  }, []);

  function params(): Params {
    return {
      ...(source === "text" ? { text } : { upload_id: uploadId }),
      title: title || null,
      mode,
      provider: "local",
      narrator_voice: narrator || null,
      dialogue_voice: mode === "dual" ? dialogue || null : null,
      chapter_voices: chapterVoices,
      formats: ["mp3"],
    };
  }

  async function onFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const upload = await uploadFile(file, "manuscript");
      setUploadId(upload.id);
      setUploadName(upload.original_name);
      setPreview(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function runPreview() {
    setBusy(true);
    setError(null);
    const { data, error } = await browserApi().POST("/v1/audiobooks/preview", { body: params() });
    setBusy(false);
    if (error) return setError(errorMessage(error));
    setPreview(data);
    if (!title && data.title) setTitle(data.title);
  }

  const ready = source === "text" ? text.trim().length > 0 : uploadId !== null;

  return (
    <>
      <form
        className="card"
        aria-label="Manuscript"
        onSubmit={(e) => {
          e.preventDefault();
          void runPreview();
        }}
      >
        <fieldset style={{ border: 0, padding: 0 }}>
          <legend>Manuscript</legend>
          <div className="row">
            <label style={{ display: "flex", gap: ".4rem", alignItems: "center" }}>
              <input type="radio" name="source" checked={source === "text"} onChange={() => setSource("text")} />
              Paste text
            </label>
            <label style={{ display: "flex", gap: ".4rem", alignItems: "center" }}>
              <input type="radio" name="source" checked={source === "upload"} onChange={() => setSource("upload")} />
              Upload a file (TXT, Markdown, DOCX, EPUB, PDF)
            </label>
          </div>
        </fieldset>
        {source === "text" ? (
          <label>
            Text
            <textarea
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setPreview(null);
              }}
              placeholder={"# Chapter One\n\nIt was a bright cold day..."}
            />
          </label>
        ) : (
          <label>
            Manuscript file
            <input type="file" accept=".txt,.md,.docx,.epub,.pdf,.html" onChange={onFile} disabled={busy} />
            {uploadName && <span className="muted">Uploaded: {uploadName}</span>}
          </label>
        )}
        <div className="row" style={{ marginTop: ".75rem" }}>
          <label>
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <button type="submit" disabled={!ready || busy}>
            Preview chapters
          </button>
        </div>
      </form>

      {preview && (
        <section className="card" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          <dl className="grid">
            <dt>Length</dt>
            <dd data-testid="preview-duration">about {formatDuration(preview.estimated_seconds)}</dd>
            <dt>Characters</dt>
            <dd>{preview.characters.toLocaleString()}</dd>
            <dt>Cost</dt>
            <dd data-testid="preview-cost">
              {preview.costs.map((c) => `${c.provider}: ${formatUsd(c.usd)}`).join(", ")}
            </dd>
            <dt>Quota left</dt>
            <dd>{preview.quota.remaining.toLocaleString()} characters this month</dd>
          </dl>
          {preview.warnings.length > 0 && (
            <ul className="muted">
              {preview.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Chapter</th>
                <th scope="col">Length</th>
                <th scope="col">Voice</th>
              </tr>
            </thead>
            <tbody>
              {preview.chapters.map((c) => (
                <tr key={c.number}>
                  <td>{c.number}</td>
                  <td>{c.title}</td>
                  <td>{formatDuration(c.estimated_seconds)}</td>
                  <td>
                    <VoiceSelect
                      label={`Voice for chapter ${c.number}`}
                      voices={voices}
                      value={chapterVoices[String(c.number)] ?? ""}
                      empty="The narrator"
                      onChange={(v) =>
                        setChapterVoices((old) => {
                          const next = { ...old };
                          if (v) next[String(c.number)] = v;
                          else delete next[String(c.number)];
                          return next;
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section className="card" aria-labelledby="cast-heading">
        <h2 id="cast-heading">Cast</h2>
        <div className="row">
          <label>
            Reading
            <select value={mode} onChange={(e) => setMode(e.target.value as "single" | "dual")}>
              <option value="single">One narrator</option>
              <option value="dual">Narrator and a dialogue voice</option>
            </select>
          </label>
          <VoiceSelect label="Narrator" voices={voices} value={narrator} empty="Default voice" onChange={setNarrator} />
          {mode === "dual" && (
            <VoiceSelect label="Dialogue" voices={voices} value={dialogue} empty="Default voice" onChange={setDialogue} />
          )}
        </div>
        <details style={{ marginTop: ".75rem" }}>
          <summary>Voice samples</summary>
          <ul>
            {voices.map((v) => (
              <li key={v.id}>
                {v.name} <span className="muted">({v.language}{v.gender ? `, ${v.gender}` : ""})</span>
                {v.sample_url && <audio controls preload="none" src={v.sample_url} aria-label={`Sample of ${v.name}`} />}
              </li>
            ))}
          </ul>
        </details>
        <button
          type="button"
          style={{ marginTop: ".75rem" }}
          disabled={!ready || job.busy}
          onClick={() => void job.create({ kind: "audiobook", params: params() })}
        >
          Create audiobook
        </button>
      </section>
      {(error || job.error) && <p role="alert" className="error">{error ?? job.error}</p>}
    </>
  );
}

function VoiceSelect({
  label,
  voices,
  value,
  empty,
  onChange,
}: {
  label: string;
  voices: Voice[];
  value: string;
  empty: string;
  onChange: (voice: string) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{empty}</option>
        {voices.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
    </label>
  );
}
