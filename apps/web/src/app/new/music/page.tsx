"use client";
import { useState } from "react";
import { useCreateJob } from "@/components/useCreateJob";
import type { Schemas } from "@/lib/api/client";

type Music = Schemas["MusicParams"];
const MOODS: NonNullable<Music["mood"]>[] = [
  "neutral", "happy", "sad", "calm", "energetic", "dark", "epic", "chill", "romantic",
];

export default function NewMusic() {
  const [params, setParams] = useState<Music>({ prompt: "", bpm: 110, mood: "neutral", duration_s: 30, format: "mp3" });
  const { create, error, busy } = useCreateJob();
  const set = <K extends keyof Music>(key: K, value: Music[K]) => setParams((p) => ({ ...p, [key]: value }));
  return (
    <>
      <h1>New music</h1>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void create({ kind: "music", params });
        }}
      >
        <label>
          Prompt
          <textarea value={params.prompt} maxLength={2000} onChange={(e) => set("prompt", e.target.value)} placeholder="warm lo-fi piano for a podcast intro" />
        </label>
        <div className="row" style={{ marginTop: ".75rem" }}>
          <label>
            BPM
            <input type="number" min={40} max={240} value={params.bpm} onChange={(e) => set("bpm", Number(e.target.value))} />
          </label>
          <label>
            Mood
            <select value={params.mood} onChange={(e) => set("mood", e.target.value as Music["mood"])}>
              {MOODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label>
            Length (s)
            <input type="number" min={1} max={600} value={params.duration_s} onChange={(e) => set("duration_s", Number(e.target.value))} />
          </label>
          <label>
            Format
            <select value={params.format} onChange={(e) => set("format", e.target.value as Music["format"])}>
              <option>mp3</option>
              <option>wav</option>
              <option>flac</option>
            </select>
          </label>
          <button type="submit" disabled={busy}>
            Create music
          </button>
        </div>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
    </>
  );
}
