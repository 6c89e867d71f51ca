"""hum_to_beat's transcription: a synthesised sung melody (vibrato, harmonics,
a little breath noise) comes back as its notes, on the beat grid."""

from __future__ import annotations

import io

import httpx
import numpy as np
import soundfile as sf

from soundstage.audio.hum import transcribe
from soundstage.worker import Worker
from support import MakeUser, wait_for_status

SR = 22_050
BPM = 100.0
# (MIDI pitch, beats): a C major tune, with a repeated note after a breath
MELODY = [(60, 1), (62, 1), (64, 1), (65, 1), (67, 2), (64, 1), (64, 1), (60, 2)]


def _sing(melody: list[tuple[int, int]], bpm: float) -> np.ndarray:
    rng = np.random.default_rng(3)
    beat = 60.0 / bpm
    parts = []
    for pitch, beats in melody:
        n = int(beats * beat * SR)
        voiced = int(n * 0.85)  # a short breath between notes
        t = np.arange(voiced) / SR
        # 5.5 Hz vibrato of +-30 cents; a scoop up into the note
        cents = 30 * np.sin(2 * np.pi * 5.5 * t) - 60 * np.exp(-t / 0.03)
        f = 440.0 * 2 ** ((pitch - 69 + cents / 100) / 12)
        phase = 2 * np.pi * np.cumsum(f) / SR
        tone = sum(np.sin(h * phase) / h**1.5 for h in range(1, 7))
        env = np.minimum(1, t / 0.03) * np.minimum(1, (voiced - np.arange(voiced)) / (0.03 * SR))
        note = np.zeros(n)
        note[:voiced] = 0.3 * tone * env
        parts.append(note)
    y = np.concatenate(parts)
    return (y + 0.003 * rng.normal(size=y.size)).astype(np.float32)


def test_sung_melody_recovers_its_notes() -> None:
    result = transcribe(_sing(MELODY, BPM), SR, bpm=BPM)
    assert [n.pitch for n in result.notes] == [p for p, _ in MELODY]
    assert result.key == "C major"
    sixteenth = 60 / BPM / 4
    starts = np.cumsum([0] + [b for _, b in MELODY[:-1]]) * 60 / BPM
    for note, start in zip(result.notes, starts, strict=True):
        # on the grid, within a sixteenth of where it was sung
        assert abs(note.start_s / sixteenth - round(note.start_s / sixteenth)) < 1e-6
        assert abs(note.start_s - start) <= sixteenth + 1e-6


async def test_hum_to_beat_job_arranges_the_melody(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    user = await make_user()
    buf = io.BytesIO()
    sf.write(buf, _sing(MELODY[:5], BPM), SR, format="WAV", subtype="PCM_16")
    r = await client.post(
        "/v1/uploads",
        files={"file": ("hum.wav", buf.getvalue(), "audio/wav")},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    params = {"upload_id": r.json()["id"], "bpm": BPM}
    r = await client.post(
        "/v1/jobs", json={"kind": "hum_to_beat", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=90)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    assert set(outputs) == {"beat.mp3", "beat.mid", "hum.json"}
    report = (await client.get(outputs["hum.json"]["url"])).json()
    assert [n["pitch"] for n in report["notes"]] == [p for p, _ in MELODY[:5]]
    assert report["key"] == "C major" and report["bpm"] == BPM
