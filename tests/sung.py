"""Measuring sung audio with pYIN (librosa): the vocals tests share it."""

from __future__ import annotations

import librosa
import numpy as np

from soundstage.audio.singing import MelodyNote

HOP = 128


def pyin(audio: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f0, voiced, _ = librosa.pyin(
        audio.astype(np.float64), fmin=100, fmax=1000, sr=sr, frame_length=1024, hop_length=HOP
    )
    times = librosa.times_like(f0, sr=sr, hop_length=HOP)
    return f0, voiced, times


def _voiced_runs(voiced: np.ndarray, times: np.ndarray) -> list[tuple[float, float]]:
    runs: list[tuple[float, float]] = []
    start = None
    for t, v in zip(times, voiced, strict=True):
        if v and start is None:
            start = float(t)
        elif not v and start is not None:
            runs.append((start, float(t)))
            start = None
    if start is not None:
        runs.append((start, float(times[-1])))
    return [r for r in runs if r[1] - r[0] > 0.06]  # pYIN's one-frame flickers


def check_sung(audio: np.ndarray, sr: int, notes: list[MelodyNote]) -> list[float]:
    """Assert each note's pitch (median over its middle) within 30 cents and its
    voiced onset within 50 ms; return the errors in cents."""
    f0, voiced, times = pyin(audio, sr)
    runs = _voiced_runs(voiced, times)
    cents = []
    for note in notes:
        mid = (times > note.start_s + 0.08) & (times < note.end_s - 0.05) & voiced
        assert mid.sum() >= 3, f"no voice on the note at {note.start_s:.2f} s"
        error = float(np.median(librosa.hz_to_midi(f0[mid])) - note.pitch) * 100
        assert abs(error) <= 30, f"note at {note.start_s:.2f} s off by {error:.0f} cents"
        cents.append(error)
        onset = min(runs, key=lambda r: abs(r[0] - note.start_s))[0]
        assert abs(onset - note.start_s) <= 0.05, (
            f"note at {note.start_s:.2f} s starts at {onset:.3f} s"
        )
    return cents
