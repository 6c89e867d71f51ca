"""Long-form mastering in process: room tone instead of digital silence, the
ACX head and tail, levels from the takes' statistics, the limiter only where
a peak needs it, and take analysis (clipping, inner silence)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import soundfile as sf

from soundstage.audio.ffmpeg import ffmpeg_log
from soundstage.audio.longform import (
    ROOM_TONE_DB,
    Part,
    acx_gain_db,
    analyse,
    convert_take,
    limit,
    read_pcm16,
    stream_chapter,
)
from soundstage.audio.master import SAMPLE_RATE

RATE = 24000  # a model's own rate: every take is resampled once


def _speechlike(seconds: float, *, seed: int, loud: float = 0.3, gap: float = 0.0) -> np.ndarray:
    """Syllable-like bursts of harmonics with digital silence around them, as
    a TTS model writes it (its padding is exact zeros)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 110 + 40 * rng.random()
    voice = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 8))
    envelope = (np.sin(2 * np.pi * 3.0 * t) > -0.3).astype(float)
    x = loud * voice / np.abs(voice).max() * envelope
    pad = np.zeros(int(0.3 * RATE))
    parts = [pad, x]
    if gap:
        parts += [np.zeros(int(gap * RATE)), x]
    return np.concatenate([*parts, pad]).astype(np.float32)


def _write(path: Path, audio: np.ndarray) -> Path:
    sf.write(str(path), audio, RATE, subtype="PCM_16")
    return path


async def _astats_rms(path: Path, start: float, seconds: float) -> float:
    log = await ffmpeg_log(
        ["-ss", f"{start:.3f}", "-t", f"{seconds:.3f}", "-i", str(path),
         "-af", "astats=metadata=0", "-f", "null", "-"]
    )  # fmt: skip
    m = re.search(r"Overall.*?RMS level dB: (-?[\d.]+)", log, re.S)
    assert m, log
    return float(m.group(1))


def _longest_zero_run(pcm: np.ndarray) -> int:
    zero = np.concatenate(([0], (pcm == 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(zero))
    return int((edges[1::2] - edges[::2]).max()) if edges.size else 0


async def test_chapter_has_room_tone_head_tail_and_the_report_agrees_with_astats(
    tmp_path: Path,
) -> None:
    parts = []
    for i in range(3):
        src = _write(tmp_path / f"src{i}.wav", _speechlike(2.0 + i, seed=i))
        take = await convert_take(src, tmp_path / f"take{i}.wav")
        assert take.stats.frames < (2.6 + i) * SAMPLE_RATE  # the model's padding trimmed
        parts.append(Part(tmp_path / f"take{i}.wav", 0.9, take.stats))
    gain = acx_gain_db(parts, 0.75, 2.0)
    mp3, wav = tmp_path / "c.mp3", tmp_path / "c.wav"
    streamed = await stream_chapter(
        parts, gain, "acx", index=1, title="CHAPTER I. Down the Rabbit-Hole",
        head_s=0.75, tail_s=2.0, mp3=(mp3, {"title": "x"}), aac=tmp_path / "c.m4a", wav=wav,
    )  # fmt: skip
    report = streamed.report
    assert report.passed, report
    assert abs(report.rms_db - -20.0) < 0.3  # exact from the takes' statistics
    assert -75 <= report.noise_floor_db <= -65
    assert abs(report.noise_floor_db - ROOM_TONE_DB) < 0.5
    # an independent measurement of the delivered MP3's head (room tone only)
    measured = await _astats_rms(mp3, 0.05, 0.6)
    assert abs(measured - report.noise_floor_db) <= 2.0, (measured, report.noise_floor_db)
    # and of the lossless master's tail
    assert abs(await _astats_rms(wav, streamed.seconds - 1.8, 1.6) - ROOM_TONE_DB) <= 2.0

    master = read_pcm16(wav)
    assert _longest_zero_run(master) < 8  # never digital silence, anywhere
    # ACX: 0.5-1 s of room tone before the first word, 1-5 s after the last
    first, last = streamed.placed[0][0], streamed.placed[-1][1]
    frame = SAMPLE_RATE // 100
    db = 10 * np.log10(
        np.maximum((master[: master.size // frame * frame].astype(float) / 32768) ** 2, 1e-12)
        .reshape(-1, frame)
        .mean(axis=1)
    )
    voiced = np.flatnonzero(db > -50)
    assert 0.5 <= voiced[0] / 100 <= 1.0, voiced[0]
    assert 1.0 <= streamed.seconds - (voiced[-1] + 1) / 100 <= 5.0
    assert first >= 0.75 and streamed.seconds - last >= 2.0


async def test_the_limiter_touches_only_takes_whose_peak_needs_it(tmp_path: Path) -> None:
    quiet = _speechlike(2.0, seed=1, loud=0.1)
    spiky = _speechlike(2.0, seed=2, loud=0.1)
    spiky[RATE : RATE + 40] = 0.95  # one loud click among quiet speech
    parts = []
    for i, audio in enumerate((quiet, spiky)):
        take = await convert_take(_write(tmp_path / f"s{i}.wav", audio), tmp_path / f"t{i}.wav")
        parts.append(Part(tmp_path / f"t{i}.wav", 0.5, take.stats))
    gain = acx_gain_db(parts, 0.75, 2.0)
    streamed = await stream_chapter(
        parts, gain, "acx", index=1, title="t", head_s=0.75, tail_s=2.0,
        wav=tmp_path / "m.wav",
    )  # fmt: skip
    assert streamed.limited_units == 1
    assert streamed.report.peak_db <= -3.0


def test_limit_is_smooth_and_holds_the_ceiling() -> None:
    x = (0.2 * np.sin(np.arange(44100) / 10)).astype(np.float32)
    x[20000:20010] = 0.9
    out, touched = limit(x, 0.5)
    assert touched and float(np.abs(out).max()) <= 0.5
    gain = out[1000:18000] / np.where(np.abs(x[1000:18000]) > 1e-3, x[1000:18000], 1)
    assert np.allclose(gain[np.abs(x[1000:18000]) > 1e-3], 1.0, atol=1e-4)  # far from the click
    same, untouched = limit(x * 0.1, 0.5)
    assert not untouched and same is not None


async def test_take_analysis_finds_clipping_and_long_inner_silence(tmp_path: Path) -> None:
    clean = await convert_take(
        _write(tmp_path / "a.wav", _speechlike(2.0, seed=3)), tmp_path / "a44.wav"
    )
    assert clean.clipped_runs == 0 and clean.longest_silence_s < 0.5
    clipped = np.clip(_speechlike(2.0, seed=3, loud=3.0), -1, 1)
    take = await convert_take(_write(tmp_path / "b.wav", clipped), tmp_path / "b44.wav")
    assert take.clipped_runs > 0
    gappy = _speechlike(1.0, seed=4, gap=2.5)
    take = await convert_take(_write(tmp_path / "c.wav", gappy), tmp_path / "c44.wav")
    assert 2.3 <= take.longest_silence_s <= 2.7
    assert math.isclose(analyse(read_pcm16(tmp_path / "c44.wav")).seconds, take.seconds)
