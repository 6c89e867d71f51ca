"""Render notes to audio with numpy: synthesized drums, bass, chords and melody.

Public API (stable)::

    render_arrangement(arrangement, sample_rate=44100) -> np.ndarray  # float32 (frames, 2)
    render_notes(notes, instrument, sample_rate=44100, duration_s=None) -> np.ndarray  # mono
    await encode(wav_path, out_path, fmt)         # "wav" | "mp3" | "flac", via ffmpeg
    INSTRUMENTS                                   # names render_notes() accepts

Speed: a note's waveform depends only on (instrument, pitch, length), and music
repeats itself, so waveforms are rendered once per piece and added where they
recur. Everything else is whole-array numpy. Roughly 100x real time on one core.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from soundstage.audio.compose import (
    CLOSED_HAT,
    CRASH,
    KICK,
    OPEN_HAT,
    SNARE,
    Arrangement,
    mood_profile,
    parse_key,
)
from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.audio.notes import Note

Audio = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
Format = Literal["wav", "mp3", "flac"]

INSTRUMENTS = ("drums", "bass", "pad", "keys", "stabs", "pluck", "square", "saw", "sine")
CONTENT_TYPES: dict[str, str] = {"wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac"}

# Part -> (gain, pan -1..1). Drums and bass centred: they carry the beat and the key.
_MIX = {"drums": (0.9, 0.0), "bass": (0.45, 0.0), "chords": (0.28, 0.0), "melody": (0.30, -0.2)}


def _hz(pitch: int) -> float:
    return float(440.0 * 2.0 ** ((pitch - 69) / 12.0))


def _adsr(
    n: int, gate: int, sr: int, attack: float, decay: float, sustain: float, release: float
) -> F64:
    """An ADSR envelope of ``n`` samples whose key is held for ``gate`` samples."""
    t = np.arange(n) / sr
    env = np.where(
        t < attack,
        t / max(attack, 1e-6),
        sustain + (1 - sustain) * np.exp(-(t - attack) / max(decay, 1e-6)),
    )
    if gate < n:
        level = env[max(gate - 1, 0)]
        tail = np.arange(n - gate) / sr
        env[gate:] = level * np.exp(-tail / max(release / 5, 1e-6))
    return env


def _additive(f0: float, t: F64, amps: Iterable[float], sr: int, detune: float = 0.0) -> F64:
    """A band-limited sum of harmonics (no aliasing: partials above 18 kHz are dropped)."""
    out = np.zeros_like(t)
    f = f0 * (1 + detune)
    for k, a in enumerate(amps, start=1):
        if k * f > min(18_000.0, sr / 2.2):
            break
        out += a * np.sin(2 * np.pi * k * f * t)
    return out


class _Voices:
    """Synthesizes one note of an instrument; deterministic, cached per piece."""

    def __init__(self, sr: int, brightness: float = 0.7, tonic_pc: int | None = None) -> None:
        self.sr = sr
        self.brightness = brightness
        # Drums tuned to the key: the kick settles on the tonic (E1-D#2) and the
        # snare's body rings on it (E3-D#4), so they reinforce the key instead of
        # adding a stray pitch class of their own.
        pc = 9 if tonic_pc is None else tonic_pc % 12
        self.kick_hz = _hz(28 + (pc - 4) % 12)
        self.snare_hz = _hz(52 + (pc - 4) % 12)
        self._cache: dict[tuple[str, int, int], F32] = {}
        self._noise = np.random.default_rng(7).standard_normal(sr * 2)

    def get(self, instrument: str, pitch: int, gate: int) -> F32:
        key = (instrument, pitch, gate if instrument != "drums" else 0)
        wave_ = self._cache.get(key)
        if wave_ is None:
            wave_ = self._cache[key] = self._make(instrument, pitch, gate).astype(np.float32)
        return wave_

    def _make(self, instrument: str, pitch: int, gate: int) -> F64:
        if instrument == "drums":
            return self._drum(pitch)
        sr = self.sr
        f0 = _hz(pitch)
        release = {"pad": 0.35, "keys": 0.25, "bass": 0.05}.get(instrument, 0.08)
        n = gate + int(release * sr)
        t = np.arange(n) / sr
        nh = int(4 + 8 * self.brightness)
        if instrument == "bass":
            # Octave and twelfth only: a bass's 5th harmonic is a major third above
            # the root, which would pull a minor key towards its parallel major.
            body = _additive(f0, t, [1.0, 0.5, 0.18], sr)
            return body * _adsr(n, gate, sr, 0.004, 0.18, 0.6, release)
        if instrument == "pad":
            amps = [1 / k**1.6 for k in range(1, nh + 1)]
            body = _additive(f0, t, amps, sr, 0.004) + _additive(f0, t, amps, sr, -0.004)
            return 0.5 * body * _adsr(n, gate, sr, 0.12, 0.6, 0.75, release)
        if instrument in ("keys", "stabs"):
            # Two-operator FM electric piano: the bell fades faster than the tone.
            index = (1.2 + self.brightness) * np.exp(-t / 0.35)
            mod = np.sin(2 * np.pi * f0 * t)
            body = np.sin(2 * np.pi * f0 * t + index * mod)
            decay = 0.25 if instrument == "stabs" else 1.0
            return body * np.exp(-t / decay) * _adsr(n, gate, sr, 0.003, 10, 1.0, release)
        if instrument == "pluck":
            out = np.zeros_like(t)
            for k in range(1, nh + 1):
                if k * f0 > sr / 2.2:
                    break
                out += np.sin(2 * np.pi * k * f0 * t) * np.exp(-t * (2.0 + 2.5 * k)) / k
            return out * _adsr(n, gate, sr, 0.002, 10, 1.0, release)
        # Delayed vibrato, as phase modulation: time runs a little fast, then slow.
        vibrato = 0.004 * np.sin(2 * np.pi * 5.5 * t) * np.clip(t / 0.3 - 0.3, 0, 1)
        tv = np.cumsum(1.0 + vibrato) / sr
        if instrument == "square":
            amps = [1 / k if k % 2 else 0.0 for k in range(1, 2 * nh)]
        elif instrument == "saw":
            amps = [1 / k for k in range(1, nh + 1)]
        else:
            amps = [1.0]
        body = _additive(f0, tv, amps, sr)
        return 0.7 * body * _adsr(n, gate, sr, 0.01, 0.3, 0.7, release)

    def _drum(self, pitch: int) -> F64:
        sr = self.sr
        if pitch == KICK:
            n = int(0.4 * sr)
            t = np.arange(n) / sr
            freq = self.kick_hz + 110 * np.exp(-t / 0.035)
            phase = 2 * np.pi * np.cumsum(freq) / sr
            click = self._noise[:n] * np.exp(-t / 0.002) * 0.3
            return np.asarray(np.sin(phase) * np.exp(-t / 0.16) + click)
        if pitch == SNARE:
            n = int(0.3 * sr)
            t = np.arange(n) / sr
            noise = np.diff(self._noise[: n + 1]) * 0.5 * np.exp(-t / 0.07)
            tone = 0.6 * np.sin(2 * np.pi * self.snare_hz * t) * np.exp(-t / 0.05)
            return np.asarray(noise + tone)
        if pitch in (CLOSED_HAT, OPEN_HAT, CRASH):
            length, tau = {CLOSED_HAT: (0.09, 0.018), OPEN_HAT: (0.45, 0.12), CRASH: (1.8, 0.5)}[
                pitch
            ]
            n = int(length * sr)
            t = np.arange(n) / sr
            # Second difference of white noise: a cheap, steep high-pass.
            noise = np.diff(self._noise[: n + 2], n=2) * 0.25
            return np.asarray(noise * np.exp(-t / tau))
        # Any other GM drum: a short tom-like thump at its own pitch.
        n = int(0.25 * sr)
        t = np.arange(n) / sr
        return np.asarray(np.sin(2 * np.pi * _hz(pitch - 12) * t) * np.exp(-t / 0.08))


def _place(
    buf: F32, notes: Iterable[Note], voice: Callable[[int, int], F32], sr: int, gain: float = 1.0
) -> None:
    total = buf.shape[0]
    for note in notes:
        start = round(note.start_s * sr)
        if start >= total:
            continue
        gate = max(1, round((note.end_s - note.start_s) * sr))
        w = voice(note.pitch, gate)
        end = min(total, start + w.shape[0])
        buf[start:end] += np.float32(gain * note.velocity / 127.0) * w[: end - start]


def _instrument_for(part: str, program: int | None, chord_style: str | None = None) -> str:
    if part == "drums":
        return "drums"
    if part == "bass":
        return "bass"
    if program is None:
        return "keys" if part == "chords" else "pluck"
    if 88 <= program <= 95 or 48 <= program <= 55:
        return "pad"
    if program in (80, 84):
        return "square"
    if program in (81, 87, 38, 39):
        return "saw"
    if part == "chords" and chord_style == "stabs":
        return "stabs"
    if 4 <= program <= 7 or part == "chords":
        return "keys"
    return "pluck"


def render_notes(
    notes: list[Note],
    instrument: str,
    sample_rate: int = 44100,
    duration_s: float | None = None,
    brightness: float = 0.7,
) -> Audio:
    """One part as mono float32, unnormalized (drums: GM drum pitches)."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument '{instrument}'; one of {', '.join(INSTRUMENTS)}")
    end = duration_s if duration_s is not None else max((n.end_s for n in notes), default=0.0)
    buf = np.zeros(round(end * sample_rate), dtype=np.float32)
    voices = _Voices(sample_rate, brightness)
    _place(buf, notes, lambda p, g: voices.get(instrument, p, g), sample_rate)
    return buf


def render_arrangement(arrangement: Arrangement, sample_rate: int = 44100) -> Audio:
    """The mixed, mastered arrangement: float32 stereo, exactly ``duration_s`` long,
    peaks at about -1 dBFS."""
    sr = sample_rate
    n = round(arrangement.duration_s * sr)
    profile = mood_profile(arrangement.mood)
    voices = _Voices(sr, 0.35 + 0.6 * profile.energy, parse_key(arrangement.key)[0])
    # float32 and in-place throughout: at 50x+ real time the cost is memory
    # traffic over whole-length buffers, not synthesis.
    center = np.zeros(n, dtype=np.float32)  # drums and bass: mono, so the beat and root are clear
    left = np.zeros(n, dtype=np.float32)
    right = np.zeros(n, dtype=np.float32)
    for part, notes in arrangement.tracks.items():
        if not notes:
            continue
        program = arrangement.programs.get(part)
        instrument = _instrument_for(part, program, profile.chord_style)
        gain = _MIX.get(part, (0.3, 0.0))[0]
        if part == "melody":
            gain *= 1.0 if instrument in ("pluck", "keys") else 0.55
        elif part == "chords" and instrument == "pad":
            gain *= 0.8

        def voice(p: int, g: int, i: str = instrument) -> F32:
            return voices.get(i, p, g)

        if part not in ("chords", "melody"):
            _place(center, notes, voice, sr, gain)
            continue
        buf = np.zeros(n, dtype=np.float32)
        _place(buf, notes, voice, sr, gain)
        # The harmonic parts get width: a short delay (chords) or a dotted-eighth
        # echo (melody) on the right only.
        d = int((0.012 if part == "chords" else 0.375 * 60 / arrangement.bpm) * sr)
        left += buf
        buf *= 0.75
        right += buf
        if 0 < d < n:
            buf *= 0.35 / 0.75
            right[d:] += buf[: n - d]
    left += center
    right += center
    return _master(np.stack([left, right], axis=1), sr)


def _master(x: F32, sr: int) -> Audio:
    peak = float(np.max(np.abs(x))) or 1.0
    x *= np.float32(1.4 / peak)
    np.tanh(x, out=x)  # soft clip: tames the kick's peaks, adds a little density
    peak = float(np.max(np.abs(x))) or 1.0
    x *= np.float32(0.89 / peak)
    fade_in = min(int(0.005 * sr), x.shape[0])
    x[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)[:, None]
    fade_out = min(int(min(2.0, 0.1 * x.shape[0] / sr) * sr), x.shape[0])
    if fade_out:
        x[-fade_out:] *= (np.linspace(1, 0, fade_out, dtype=np.float32) ** 2)[:, None]
    return x


_CODECS: dict[str, list[str]] = {
    "wav": ["-c:a", "pcm_s16le"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    "flac": ["-c:a", "flac"],
}


async def encode(
    source: Path, out_path: Path, fmt: Format, *, duration_s: float | None = None
) -> Path:
    """``source`` (anything ffmpeg reads) as ``fmt`` at ``out_path``. With
    ``duration_s`` the result is cut or padded with silence to exactly that long."""
    if fmt not in _CODECS:
        raise ValueError(f"unknown format '{fmt}'")
    if fmt == "wav" and duration_s is None and source.suffix.lower() == ".wav":
        shutil.copyfile(source, out_path)
        return out_path
    trim = (
        ["-af", f"apad=whole_dur={duration_s:.6f}", "-t", f"{duration_s:.6f}"] if duration_s else []
    )
    await run_ffmpeg(
        ["-i", str(source), *trim, "-ar", "44100", *_CODECS[fmt], str(out_path)],
        duration_s=duration_s,
    )
    return out_path
