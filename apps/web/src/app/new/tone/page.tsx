"use client";
import { useState } from "react";
import { useCreateJob } from "@/components/useCreateJob";

export default function NewTone() {
  const [frequency, setFrequency] = useState(440);
  const [seconds, setSeconds] = useState(2);
  const [format, setFormat] = useState<"mp3" | "wav">("mp3");
  const { create, error, busy } = useCreateJob();
  return (
    <>
      <h1>New tone</h1>
      <p className="muted">A sine tone: the quickest way to check the engine end to end.</p>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault();
          void create({ kind: "tone", params: { frequency_hz: frequency, seconds, format } });
        }}
      >
        <label>
          Frequency (Hz)
          <input type="number" min={20} max={20000} value={frequency} onChange={(e) => setFrequency(Number(e.target.value))} />
        </label>
        <label>
          Seconds
          <input type="number" min={0.1} max={600} step={0.1} value={seconds} onChange={(e) => setSeconds(Number(e.target.value))} />
        </label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as "mp3" | "wav")}>
            <option>mp3</option>
            <option>wav</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>
          Create tone
        </button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
    </>
  );
}
