"""Musical analysis of an audio file: tempo, beats, key, loudness, format.

Public API (stable; other pipelines call it)::

    Analysis(duration_s, sample_rate, channels, tempo_bpm, beat_times, key, mode,
             key_confidence, integrated_lufs, true_peak_db)
    analyze_file(path) -> Analysis                 # sync and CPU-bound: run it in a thread
    detect_key(chroma_mean) -> (key, mode, confidence)
    read_audio(path, sr=22050, mono=True, max_seconds=None) -> (samples, sr)

Decoding goes through ffmpeg into a pipe, so every format ffmpeg reads works
without system audio libraries. librosa (ISC) does the onset envelope, beat
tracking and chroma; it is imported lazily because importing it (scipy,
numba) costs seconds that an engine which never analyses should not pay.
Loudness (EBU R128 integrated, true peak) is measured by a second ffmpeg
process that runs while librosa works.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from soundstage.audio.decode import UndecodableError, parse_header
from soundstage.audio.ffmpeg import ffmpeg_exe

KEY_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

# Krumhansl & Kessler (1982) probe-tone profiles, tonic first.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])

ANALYSIS_SR = 22050
_HOP = 512
# Tempo octave errors (half or double time) are folded into this range, where
# most music is notated.
TEMPO_RANGE = (70.0, 180.0)
# Below this level there is nothing to measure; ffmpeg reports -70 LUFS / -inf dBTP.
_FLOOR_LUFS = -70.0
_FLOOR_PEAK_DB = -120.0


@dataclass(frozen=True)
class Analysis:
    duration_s: float
    sample_rate: int  # of the file, not of the analysis
    channels: int
    tempo_bpm: float  # 0.0 when there is no pulse (silence, a drone)
    beat_times: list[float] = field(repr=False)
    key: str  # tonic, "A", "Eb", "F#"
    mode: str  # "major" | "minor"
    key_confidence: float  # correlation with the best profile, 0-1
    integrated_lufs: float
    true_peak_db: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_audio(
    path: Path, sr: int = ANALYSIS_SR, mono: bool = True, max_seconds: float | None = None
) -> tuple[np.ndarray, int]:
    """Decode any format ffmpeg reads into float32 PCM at ``sr`` Hz.

    Mono gives shape ``(n,)``; otherwise ``(channels, n)``.
    """
    channels = ["-ac", "1"] if mono else []
    limit = ["-t", f"{max_seconds:.3f}"] if max_seconds else []
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", *limit, "-i", str(path),
        "-map", "0:a:0", "-vn", *channels, "-ar", str(sr), "-f", "f32le", "-c:a", "pcm_f32le",
        "pipe:1",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        raise UndecodableError(f"the audio does not decode: {lines[-1] if lines else '?'}")
    samples = np.frombuffer(proc.stdout, dtype="<f4")
    if not mono:
        n_ch = _channels_of(path)
        samples = samples[: len(samples) - len(samples) % n_ch].reshape(-1, n_ch).T
    return samples.astype(np.float32, copy=True), sr


def _channels_of(path: Path) -> int:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        check=False,
    )
    info = parse_header(proc.stderr.decode(errors="replace"))
    return info.channels if info else 1


def detect_key(chroma_mean: np.ndarray) -> tuple[str, str, float]:
    """The key whose Krumhansl-Schmuckler profile best correlates (Pearson)
    with a 12-bin pitch-class profile (C first); confidence is that correlation
    clipped to 0-1. A flat or empty profile is C major with confidence 0."""
    c = np.asarray(chroma_mean, dtype=np.float64).reshape(12)
    if not np.all(np.isfinite(c)) or float(np.std(c)) < 1e-9:
        return KEY_NAMES[0], "major", 0.0
    best = ("C", "major", -2.0)
    for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
        for tonic in range(12):
            r = float(np.corrcoef(c, np.roll(profile, tonic))[0, 1])
            if r > best[2]:
                best = (KEY_NAMES[tonic], mode, r)
    return best[0], best[1], round(max(0.0, min(1.0, best[2])), 4)


def _fold_tempo(bpm: float) -> float:
    lo, hi = TEMPO_RANGE
    while 0 < bpm < lo:
        bpm *= 2
    while bpm > hi:
        bpm /= 2
    return bpm


def tempo_and_beats(y: np.ndarray, sr: int) -> tuple[float, list[float]]:
    """Tempo (folded into 70-180 BPM) and beat times in seconds."""
    import librosa

    if len(y) < sr or float(np.max(np.abs(y), initial=0.0)) < 1e-4:
        return 0.0, []
    onset = librosa.onset.onset_strength(y=y, sr=sr, hop_length=_HOP)
    if float(onset.max(initial=0.0)) <= 0.0:
        return 0.0, []
    rough = float(np.atleast_1d(librosa.feature.tempo(onset_envelope=onset, sr=sr))[0])
    if rough <= 0:
        return 0.0, []
    prior = _fold_tempo(rough)
    _, frames = librosa.beat.beat_track(
        onset_envelope=onset, sr=sr, hop_length=_HOP, bpm=prior, units="frames"
    )
    times = librosa.frames_to_time(frames, sr=sr, hop_length=_HOP)
    if len(times) >= 4:
        # The tempogram's estimate is quantised to whole frames (about 3 BPM
        # at 150 BPM); a straight line through the tracked beats is not.
        slope = float(np.polyfit(np.arange(len(times)), times, 1)[0])
        bpm = 60.0 / slope if slope > 0 else prior
        # keep the refinement only if it agrees with the prior (no missed beats)
        bpm = bpm if abs(bpm - prior) / prior < 0.1 else prior
    else:
        bpm = prior
    return round(_fold_tempo(bpm), 2), [round(float(t), 3) for t in times]


def chroma_profile(y: np.ndarray, sr: int) -> np.ndarray:
    """Mean constant-Q chroma, C first, normalised to sum 1."""
    import librosa

    if len(y) < sr // 10 or float(np.max(np.abs(y))) < 1e-4:
        return np.zeros(12)  # nothing tonal to hear (and librosa would warn)
    # A coarser hop than the beat tracker's: the key needs no time detail and
    # the CQT is the most expensive step.
    chroma = librosa.feature.chroma_cqt(y=y, sr=sr, hop_length=2048)
    profile = np.asarray(chroma.mean(axis=1), dtype=np.float64)
    total = float(profile.sum())
    return profile / total if total > 0 else profile


_EBUR_I = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_EBUR_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")
_PROGRESS_TIME = re.compile(rb"out_time_us=(\d+)")


def _level(m: re.Match[str] | None, floor: float) -> float:
    if m is None or m.group(1) == "-inf":
        return floor
    return max(floor, float(m.group(1)))


def analyze_file(path: Path, *, max_seconds: float | None = None) -> Analysis:
    """Analyse a whole file (or its first ``max_seconds``).

    Raises :class:`~soundstage.audio.decode.UndecodableError` if the file does
    not decode.
    """
    limit = ["-t", f"{max_seconds:.3f}"] if max_seconds else []
    # Loudness and the header in one ffmpeg run, concurrent with the analysis.
    meter = subprocess.Popen(
        [
            ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *limit, "-i", str(path),
            "-map", "0:a:0", "-vn", "-af", "ebur128=peak=true", "-progress", "pipe:1",
            "-f", "null", "-",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        y, sr = read_audio(path, ANALYSIS_SR, mono=True, max_seconds=max_seconds)
        tempo, beats = tempo_and_beats(y, sr)
        key, mode, confidence = detect_key(chroma_profile(y, sr))
        out, err = meter.communicate(timeout=120)
    finally:
        if meter.returncode is None:
            meter.kill()
            meter.wait()
    text = err.decode(errors="replace")
    info = parse_header(text)
    if meter.returncode != 0 or info is None:
        raise UndecodableError("the audio does not decode")
    summary = text[text.rfind("Summary:") :]
    times = _PROGRESS_TIME.findall(out)
    decoded = int(times[-1]) / 1e6 if times else len(y) / sr
    return Analysis(
        duration_s=round(decoded if decoded > 0 else len(y) / sr, 3),
        sample_rate=info.sample_rate,
        channels=info.channels,
        tempo_bpm=tempo,
        beat_times=beats,
        key=key,
        mode=mode,
        key_confidence=confidence,
        integrated_lufs=_level(_EBUR_I.search(summary), _FLOOR_LUFS),
        true_peak_db=_level(_EBUR_PEAK.search(summary), _FLOOR_PEAK_DB),
    )


def key_of_notes(
    pitches: list[int], durations: list[float] | None = None
) -> tuple[str, str, float]:
    """The key implied by notes (a duration-weighted pitch-class histogram)."""
    hist = np.zeros(12)
    for i, p in enumerate(pitches):
        hist[p % 12] += durations[i] if durations else 1.0
    return detect_key(hist)
