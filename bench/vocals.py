"""Vocals: how fast the local draft voice sings, and how close it lands.

    .venv/bin/python bench/vocals.py

Sings 32 syllables (8 bars of quarter notes at 100 bpm, about 19 s) with the
local voice and reports: TTS time, WORLD shaping time, real-time factor, and
pitch error (pYIN, median over each note's middle) and onset error per note.
No target is set in the issue; the figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

LYRICS = (
    "morning comes and the river sings along\n"
    "every window open to the sun\n"
    "carry me home over the silver hills\n"
    "we will be dancing when the day is done"
)


async def main() -> None:
    import librosa
    import soundfile as sf

    from soundstage.audio import singing
    from soundstage.config import Settings
    from soundstage.providers.singing import SingingRequest, get_provider
    from sung import pyin

    syllables = singing.syllabify(LYRICS)
    beat = 0.6
    scale = [57, 59, 60, 62, 64, 65, 67, 69, 71, 72]
    rng = np.random.default_rng(4)
    pitches = [scale[int(i)] for i in rng.integers(0, len(scale), len(syllables))]
    notes = [
        singing.MelodyNote(0.5 + i * beat, 0.5 + i * beat + beat * 0.8, float(p))
        for i, p in enumerate(pitches)
    ]
    request = SingingRequest(singing.align(syllables, notes), "hibari-us-female")
    provider = get_provider("local", Settings())
    with tempfile.TemporaryDirectory() as tmp:
        await provider.sing(SingingRequest(request.assignments[:2], "hibari-us-female"),
                            Path(tmp))  # fmt: skip  # warm-up: model load
        started = time.perf_counter()
        result = await provider.sing(request, Path(tmp))
        took = time.perf_counter() - started
        audio, sr = sf.read(str(result.path), dtype="float32")
    seconds = len(audio) / sr
    f0, voiced, times = pyin(audio, sr)
    cents, onsets = [], []
    for n in notes:
        mid = (times > n.start_s + 0.08) & (times < n.end_s - 0.05) & voiced
        if mid.sum() >= 3:
            cents.append(float(np.median(librosa.hz_to_midi(f0[mid])) - n.pitch) * 100)
        near = times[(times > n.start_s - 0.1) & (times < n.start_s + 0.2) & voiced]
        if near.size:
            onsets.append((float(near[0]) - n.start_s) * 1000)
    c, o = np.abs(np.array(cents)), np.array(onsets)
    print(f"vocals (local draft voice): {len(syllables)} syllables, {seconds:.1f} s of audio "
          f"in {took:.2f} s = {seconds / took:.1f}x real time")  # fmt: skip
    print(f"  pitch: {len(cents)}/{len(notes)} notes measured, |error| median {np.median(c):.1f}"
          f" cents, max {c.max():.1f} cents (target <= 30)")  # fmt: skip
    print(f"  voiced onset - note start: median {np.median(o):+.0f} ms, "
          f"max |.| {np.abs(o).max():.0f} ms (target <= 50)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
