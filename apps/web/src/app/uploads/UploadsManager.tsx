"use client";
import { useCallback, useEffect, useState } from "react";
import { errorMessage, formData, type Upload } from "@/lib/api/client";
import { browserApi } from "@/lib/auth/browser";
import { formatBytes } from "@/lib/format";

/** POST /v1/uploads takes multipart form data: the file is a Blob in the types. */
export async function uploadFile(file: File, category?: Upload["category"]): Promise<Upload> {
  const { data, error } = await browserApi().POST("/v1/uploads", {
    body: { file, category },
    bodySerializer: (body) => formData({ file: body.file, category: body.category }),
  });
  if (error) throw error;
  return data;
}

export function UploadsManager() {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const { data, error } = await browserApi().GET("/v1/uploads", { params: { query: { limit: 100 } } });
    if (error) return setError(errorMessage(error));
    setUploads(data.items);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function onFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await uploadFile(file);
      await load(); // the list refreshes after every upload
      event.target.value = "";
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string) {
    const { error } = await browserApi().DELETE("/v1/uploads/{upload_id}", {
      params: { path: { upload_id: id } },
    });
    if (error) return setError(errorMessage(error));
    await load();
  }

  return (
    <>
      <div className="card">
        <label>
          Add a file (manuscript, audio, MIDI or image)
          <input type="file" onChange={onFile} disabled={busy} />
        </label>
        <p role="status" aria-live="polite" className="muted">
          {busy ? "Uploading…" : "\u00a0"}
        </p>
        {error && <p role="alert" className="error">{error}</p>}
      </div>
      <div className="card">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col" className="hide-sm">Size</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {uploads.map((u) => (
              <tr key={u.id} data-testid="upload-row">
                <td>
                  <a href={u.url}>{u.original_name}</a>
                </td>
                <td>
                  {u.category} ({u.format})
                </td>
                <td className="hide-sm">{formatBytes(u.bytes)}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => remove(u.id)} aria-label={`Delete ${u.original_name}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {uploads.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">No uploads yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
