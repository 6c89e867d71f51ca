"""A hummed, whistled or sung recording to quantised melody notes.

pYIN pitch tracking -> a median-smoothed MIDI pitch curve (vibrato and scoops
average out) -> notes wherever the rounded pitch holds for a while -> onsets
and lengths snapped to a sixteenth-note grid at the tempo -> pitches outside
the detected key moved to the nearest scale tone (the singer was flat or sharp).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from soundstage.audio.compose import guess_key
from soundstage.audio.notes import Note

SR = 22_050
HOP = 256
MIN_NOTE_S = 0.09
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class Transcription:
    notes: list[Note]
    bpm: float
    key: str  # "A minor"
    raw_notes: int  # segments found before quantising


def _segments(
    midi: npt.NDArray[np.float64], voiced: npt.NDArray[np.bool_]
) -> list[tuple[int, int, float]]:
    """(first frame, end frame, median pitch) for each steady stretch."""
    rounded = np.where(voiced, np.round(midi), -1)
    out: list[tuple[int, int, float]] = []
    start = 0
    for i in range(1, len(rounded) + 1):
        if i == len(rounded) or rounded[i] != rounded[start]:
            if rounded[start] >= 0:
                out.append((start, i, float(np.median(midi[start:i]))))
            start = i
    return out


def _merge_blips(
    segments: list[tuple[int, int, float]], min_frames: int, voiced: npt.NDArray[np.bool_]
) -> list[tuple[int, int, float]]:
    """Fold stretches shorter than a note into an adjacent one of the same note
    (vibrato crossing a semitone boundary) or drop them (scoops). A silence in
    between (a breath) keeps two same-pitch notes apart: a repeated note."""
    kept: list[tuple[int, int, float]] = []
    for seg in segments:
        if (
            kept
            and round(kept[-1][2]) == round(seg[2])
            and seg[0] - kept[-1][1] <= min_frames
            and bool(voiced[kept[-1][1] : seg[0]].all())
        ):
            a = kept.pop()
            kept.append(
                (
                    a[0],
                    seg[1],
                    (a[2] * (a[1] - a[0]) + seg[2] * (seg[1] - seg[0])) / (seg[1] - a[0]),
                )
            )
        elif seg[1] - seg[0] >= min_frames:
            kept.append(seg)
    return kept


def transcribe(
    audio: npt.NDArray[np.float32], sr: int, *, bpm: float | None = None
) -> Transcription:
    """``audio`` mono float32 at ``sr``."""
    import librosa

    y = librosa.resample(audio, orig_sr=sr, target_sr=SR) if sr != SR else audio
    f0, voiced, _ = librosa.pyin(
        y, fmin=65.0, fmax=1400.0, sr=SR, frame_length=2048, hop_length=HOP, fill_na=np.nan
    )
    voiced = voiced & np.isfinite(f0)
    midi = np.full(len(f0), np.nan)
    midi[voiced] = librosa.hz_to_midi(f0[voiced])
    # ~70 ms median: smooths vibrato (5-7 Hz) without blurring real note changes
    filled = np.where(voiced, midi, 0.0)
    import scipy.signal

    smooth = scipy.signal.medfilt(filled, 7)
    frame_s = HOP / SR
    min_frames = max(1, int(MIN_NOTE_S / frame_s))
    steady = voiced & (smooth > 0)
    segments = _merge_blips(_segments(smooth, steady), min_frames, steady)
    raw = [(a * frame_s, b * frame_s, p) for a, b, p in segments]
    if not raw:
        return Transcription([], bpm or 100.0, "C major", 0)
    if bpm is None:
        onset_env = librosa.onset.onset_strength(y=y, sr=SR, hop_length=HOP)
        tempo = librosa.feature.tempo(onset_envelope=onset_env, sr=SR, hop_length=HOP)
        bpm = float(np.clip(tempo[0] if tempo.size else 100.0, 60, 180))
    grid = 60.0 / bpm / 4  # sixteenths
    draft = [Note(s, e, round(p), 96) for s, e, p in raw]
    tonic, mode = guess_key(draft)
    scale = {(tonic + d) % 12 for d in SCALES[mode]}
    notes: list[Note] = []
    for start, end, pitch in raw:
        q0 = round(start / grid) * grid
        q1 = max(q0 + grid, round(end / grid) * grid)
        p = round(pitch)
        if p % 12 not in scale:
            p = min((p - 1, p + 1), key=lambda c: (c % 12 not in scale, abs(c - pitch)))
        if notes and notes[-1].end_s > q0:  # quantising may overlap: trim the earlier
            prev = notes.pop()
            if q0 > prev.start_s:
                notes.append(Note(prev.start_s, q0, prev.pitch, prev.velocity))
        notes.append(Note(round(q0, 6), round(q1, 6), p, 96))
    return Transcription(notes, round(bpm, 2), f"{PITCH_NAMES[tonic]} {mode}", len(raw))
