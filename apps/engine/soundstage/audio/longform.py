"""Long-form speech in process: takes converted and checked, chapters
assembled, levelled, limited and floored with room tone while they stream
into one encoder process.

Why in process: the previous path ran one ffmpeg process per take to
resample it, one per room-tone length, one to join a chapter and one to
limit, meter and encode it (the limiter ran over every sample of the book).
Here a take is read and resampled once (soxr) and analysed on the same
array; a chapter is streamed unit by unit, as 16-bit PCM, into a single
ffmpeg that only encodes (and meters loudness for ``podcast``). The limiter
runs only over the takes whose peak, after gain, would pass the ceiling. No
chapter is ever held whole in memory: a unit at a time.

Room tone: every chapter carries a constant pink-noise floor at
``ROOM_TONE_DB`` (RMS, after gain), under the speech and in every pause,
head and tail: no stretch of digital silence anywhere (ACX's QA rejects
it), and the noise floor a checker measures in the head is exactly that.
"""

from __future__ import annotations

import asyncio
import math
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from soundstage.audio.ffmpeg import ffmpeg_exe, killed_if_interrupted
from soundstage.audio.master import (
    AAC_ARGS,
    SAMPLE_RATE,
    TARGETS,
    ChapterReport,
    Levels,
    PcmStats,
    Target,
    _levels,
    chapter_report,
    mp3_args,
    to_pcm,
)
from soundstage.audio.wav import write_pcm16_bytes
from soundstage.errors import PermanentError

Float = npt.NDArray[np.float32]

# The room tone's level in the delivered chapter (dB RMS, full scale = 0):
# inside ACX's expected -75..-65 dB band for a treated booth, far under its
# -60 dB noise-floor limit.
ROOM_TONE_DB = -70.0
# A take's silence: frames (10 ms) quieter than this below the take's loudest
# frame, and never louder than SILENCE_FLOOR_DB.
SILENCE_BELOW_PEAK_DB = 38.0
SILENCE_FLOOR_DB = -50.0
FRAME = SAMPLE_RATE // 100
# Kept around a take's speech when its leading/trailing silence is trimmed
# (soft onsets such as "f" and "s" sit near the threshold).
TRIM_MARGIN_S = 0.06
# Three full-scale samples in a row: the model's output was clipped.
CLIP_LEVEL = 32700
CLIP_RUN = 3


@dataclass(frozen=True)
class TakeAudio:
    """A converted take: its statistics for levelling and for the take check."""

    stats: PcmStats
    seconds: float
    longest_silence_s: float  # the longest pause inside the speech
    clipped_runs: int  # runs of CLIP_RUN or more full-scale samples


def _read_any(source: Path) -> tuple[Float, int] | None:
    """Mono float32 and its rate through libsndfile; None when it cannot read
    the format (then ffmpeg decodes it)."""
    import soundfile as sf

    try:
        data, rate = sf.read(str(source), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError):
        return None
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    return np.ascontiguousarray(mono, dtype=np.float32), int(rate)


def resample(audio: Float, rate: int) -> Float:
    """To SAMPLE_RATE, once, in process: soxr when installed (the ``soxr``
    extra, LGPL; 0.6 ms of CPU per second of audio here), else scipy's
    polyphase filter (1.6 ms): either is far cheaper than an ffmpeg process
    per take."""
    if rate == SAMPLE_RATE:
        return audio
    try:
        import soxr
    except ImportError:
        from math import gcd

        from scipy.signal import resample_poly

        k = gcd(rate, SAMPLE_RATE)
        poly: Float = resample_poly(audio, SAMPLE_RATE // k, rate // k).astype(np.float32)
        return poly
    out: Float = soxr.resample(audio, rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return out


def _frame_db(pcm: npt.NDArray[np.int16]) -> npt.NDArray[np.float64]:
    n = pcm.size // FRAME
    if n == 0:
        return np.full(1, -120.0)
    # float32, one copy: a take's frames are summed in blocks of 441, far
    # within float32's precision, and a 30 s take costs 5 MB instead of 10
    x = pcm[: n * FRAME].astype(np.float32).reshape(n, FRAME)
    x *= np.float32(1 / 32768.0)
    power = np.einsum("ij,ij->i", x, x, dtype=np.float64) / FRAME
    db: npt.NDArray[np.float64] = 10 * np.log10(np.maximum(power, 1e-12))
    return db


def _silent(db: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    threshold = min(SILENCE_FLOOR_DB, float(db.max()) - SILENCE_BELOW_PEAK_DB)
    silent: npt.NDArray[np.bool_] = db < threshold
    return silent


def _longest_run(flags: npt.NDArray[np.bool_]) -> int:
    if not flags.any():
        return 0
    padded = np.concatenate(([0], flags.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max())


def clipped_runs(x: npt.NDArray[np.int16] | Float) -> int:
    """Runs of CLIP_RUN or more full-scale samples, counted at the model's own
    rate (resampling turns a flat top into ringing that hides it)."""
    scale = 1.0 if x.dtype == np.int16 else 32768.0
    loud = np.abs(x.astype(np.float32)) * scale >= CLIP_LEVEL
    if not loud.any():
        return 0
    padded = np.concatenate(([0], loud.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return int(((edges[1::2] - edges[::2]) >= CLIP_RUN).sum())


def analyse(pcm: npt.NDArray[np.int16], clipped: int | None = None) -> TakeAudio:
    # the exact sum of squares in int64 blocks: no whole-take int64 copy
    total = 0
    for start in range(0, pcm.size, 1 << 18):
        block = pcm[start : start + (1 << 18)].astype(np.int64)
        total += int(np.dot(block, block))
    stats = PcmStats(
        int(pcm.size),
        total / 32768.0**2,
        (max(int(pcm.max()), -int(pcm.min())) / 32768.0) if pcm.size else 0.0,
    )
    db = _frame_db(pcm)
    silent = _silent(db)
    voiced = np.flatnonzero(~silent)
    inner = silent[voiced[0] : voiced[-1] + 1] if voiced.size else silent[:0]
    runs = clipped_runs(pcm) if clipped is None else clipped
    return TakeAudio(
        stats=stats,
        seconds=pcm.size / SAMPLE_RATE,
        longest_silence_s=_longest_run(inner) * FRAME / SAMPLE_RATE,
        clipped_runs=runs,
    )


def trim(pcm: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """Leading and trailing silence cut to TRIM_MARGIN_S: the planned pauses
    and the chapter's head and tail set the spacing, not the model's padding."""
    db = _frame_db(pcm)
    voiced = np.flatnonzero(~_silent(db))
    if voiced.size == 0:
        return pcm
    margin = round(TRIM_MARGIN_S * SAMPLE_RATE)
    start = max(0, int(voiced[0]) * FRAME - margin)
    end = min(pcm.size, (int(voiced[-1]) + 1) * FRAME + margin)
    return pcm[start:end]


def write_pcm16(path: Path, pcm: npt.NDArray[np.int16]) -> None:
    write_pcm16_bytes(path, pcm.astype("<i2").tobytes(), SAMPLE_RATE)


def read_pcm16(path: Path) -> npt.NDArray[np.int16]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path.name}: expected 16-bit mono PCM")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)


def _convert(source: Path, target: Path) -> TakeAudio | None:
    read = _read_any(source)
    if read is None:
        return None
    audio, rate = read
    clipped = clipped_runs(audio)
    audio = resample(audio, rate)
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).round().astype(np.int16)
    pcm = trim(pcm)
    write_pcm16(target, pcm)
    return analyse(pcm, clipped)


async def convert_take(source: Path, target: Path) -> TakeAudio:
    """Any take to a trimmed 44.1 kHz mono 16-bit WAV, analysed on the way."""
    take = await asyncio.to_thread(_convert, source, target)
    if take is not None:
        return take
    # A format libsndfile cannot read (AAC, say): ffmpeg decodes, then the same.
    await to_pcm(source, target)
    pcm = await asyncio.to_thread(read_pcm16, target)
    pcm = trim(pcm)
    await asyncio.to_thread(write_pcm16, target, pcm)
    return analyse(pcm)


# --- room tone and the limiter ----------------------------------------------------


class RoomTone:
    """An endless, seeded pink-noise floor at ``level_db`` RMS: one second of
    it is made once (white noise shaped to 1/f in the frequency domain, numpy
    only) and read round-robin (a second of noise repeating is not audible at
    -70 dB; its level is exact)."""

    def __init__(self, level_db: float = ROOM_TONE_DB, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        spectrum = np.fft.rfft(rng.standard_normal(SAMPLE_RATE))
        f = np.fft.rfftfreq(SAMPLE_RATE, 1 / SAMPLE_RATE)
        spectrum[1:] /= np.sqrt(np.maximum(f[1:], 20.0))  # pink above 20 Hz, no DC
        spectrum[0] = 0
        pink = np.fft.irfft(spectrum, n=SAMPLE_RATE)
        pink *= 10 ** (level_db / 20) / math.sqrt(float(np.mean(pink * pink)))
        self.noise = pink.astype(np.float32)
        self.pos = 0

    def take(self, n: int) -> Float:
        out = np.empty(n, dtype=np.float32)
        filled = 0
        while filled < n:
            step = min(n - filled, self.noise.size - self.pos)
            out[filled : filled + step] = self.noise[self.pos : self.pos + step]
            filled += step
            self.pos = (self.pos + step) % self.noise.size
        return out


LIMIT_ATTACK_S = 0.005
LIMIT_RELEASE_S = 0.05


def limit(x: Float, ceiling: float) -> tuple[Float, bool]:
    """A look-ahead peak limiter: the gain each sample needs, held over the
    attack and release window and smoothed, so no sample passes ``ceiling``
    and the gain never steps. Untouched (and free) when no peak needs it."""
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak <= ceiling:
        return x, False
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x), 1e-9)).astype(np.float32)
    smooth = max(1, round(LIMIT_ATTACK_S * SAMPLE_RATE))
    hold = 2 * smooth + round(LIMIT_RELEASE_S * SAMPLE_RATE)
    # the minimum over a window wider than the smoothing: the smoothed gain at
    # a peak averages values that are all at most what the peak needs.
    held = minimum_filter1d(need, size=hold, mode="nearest")
    gain = uniform_filter1d(held, size=smooth, mode="nearest")
    out: Float = x * gain.astype(np.float32)
    # rounding of the smoothing can leave a sample a hair over: clip those
    np.clip(out, -ceiling, ceiling, out=out)
    return out, True


# --- chapters --------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    path: Path
    pause_after: float
    stats: PcmStats


@dataclass(frozen=True)
class StreamedChapter:
    report: ChapterReport
    seconds: float
    placed: list[tuple[float, float]]
    limited_units: int


def chapter_frames(parts: Sequence[Part], head_s: float, tail_s: float) -> int:
    """How long the assembled chapter is, in frames, before it is made."""
    frames = round(head_s * SAMPLE_RATE) + round(tail_s * SAMPLE_RATE)
    for i, p in enumerate(parts):
        frames += p.stats.frames
        if i < len(parts) - 1:
            frames += round(p.pause_after * SAMPLE_RATE)
    return frames


def acx_gain_db(
    parts: Sequence[Part], head_s: float, tail_s: float, wanted_db: float = -20.0
) -> float:
    """The gain that puts the assembled chapter (pauses, head and tail
    included, as ACX measures the file) at ``wanted_db`` RMS, exactly, from
    the takes' statistics: no pass over the audio."""
    frames = chapter_frames(parts, head_s, tail_s)
    energy = sum(p.stats.sum_squares for p in parts)
    if energy <= 0 or frames == 0:
        return 0.0
    return wanted_db - 10 * math.log10(energy / frames)


def book_acx_gain_db(
    chapters: Sequence[Sequence[Part]], head_s: float, tail_s: float, wanted_db: float = -20.0
) -> float:
    frames = sum(chapter_frames(c, head_s, tail_s) for c in chapters)
    energy = sum(p.stats.sum_squares for c in chapters for p in c)
    if energy <= 0 or frames == 0:
        return 0.0
    return wanted_db - 10 * math.log10(energy / frames)


async def stream_chapter(
    parts: Sequence[Part],
    gain_db: float,
    target: Target,
    *,
    index: int,
    title: str,
    head_s: float,
    tail_s: float,
    mp3: tuple[Path, dict[str, str | int | None]] | None = None,
    aac: Path | None = None,
    wav: Path | None = None,
) -> StreamedChapter:
    """Assemble, level, limit and floor a chapter, a unit at a time, into one
    ffmpeg process that encodes the MP3 and the AAC (and meters integrated
    loudness). ``wav`` also keeps the lossless master (tests, benchmarks)."""
    if not parts:
        raise PermanentError("nothing to assemble: the chapter has no audio")
    ceiling = 10 ** ((TARGETS[target].peak_max_db - 1.0) / 20)
    g = 10 ** (gain_db / 20)
    outputs: list[tuple[str, list[str]]] = [("meter", ["-f", "null", "-"])]
    if mp3 is not None:
        outputs.append(("mp3", [*mp3_args(mp3[1]), str(mp3[0])]))
    if aac is not None:
        outputs.append(("aac", [*AAC_ARGS, str(aac)]))
    if wav is not None:
        outputs.append(("wav", ["-c:a", "pcm_s16le", "-f", "wav", str(wav)]))
    labels = "".join(f"[{name}]" for name, _ in outputs)
    meter = "ebur128=framelog=verbose" + (":peak=true" if target == "podcast" else "")
    graph = f"[0:a]{meter},asplit={len(outputs)}{labels}"
    args = ["-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"]
    args += ["-filter_complex", graph]
    for name, out_args in outputs:
        args += ["-map", f"[{name}]", *out_args]
    proc = await asyncio.create_subprocess_exec(
        ffmpeg_exe(), "-hide_banner", "-nostats", "-y", *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stderr is not None
    err_task = asyncio.create_task(proc.stderr.read())
    tone = RoomTone()
    clock = 0
    energy = 0.0
    peak = 0.0
    limited = 0
    placed: list[tuple[float, float]] = []
    head_n = round(head_s * SAMPLE_RATE)
    head_energy = 0.0

    async def send(x: Float) -> None:
        nonlocal clock, energy, peak
        y = np.clip(x, -1.0, 1.0)
        y *= np.float32(32767.0)
        np.rint(y, out=y)
        pcm = y.astype("<i2")
        # float32 BLAS dot: a relative error near 1e-6, far under the 0.01 dB reported
        energy += float(np.dot(y, y)) / 32768.0**2
        if pcm.size:
            peak = max(peak, max(int(pcm.max()), -int(pcm.min())) / 32768.0)
        clock += pcm.size
        proc.stdin.write(pcm.tobytes())  # type: ignore[union-attr]
        await proc.stdin.drain()  # type: ignore[union-attr]

    try:
        async with killed_if_interrupted(proc):
            head = tone.take(head_n)
            head_energy = float(np.dot(head.astype(np.float64), head.astype(np.float64)))
            await send(head)
            for i, part in enumerate(parts):
                pcm = await asyncio.to_thread(read_pcm16, part.path)
                x = pcm.astype(np.float32) * np.float32(g / 32768.0)
                x, was_limited = limit(x, ceiling)
                limited += was_limited
                x += tone.take(x.size)
                start = clock
                await send(x)
                placed.append((start / SAMPLE_RATE, clock / SAMPLE_RATE))
                gap = tail_s if i == len(parts) - 1 else part.pause_after
                n = round(gap * SAMPLE_RATE)
                if n > 0:
                    await send(tone.take(n))
            proc.stdin.close()
            code = await proc.wait()
    except BaseException:
        err_task.cancel()
        raise
    log = (await err_task).decode(errors="replace")
    if code != 0:
        last = log.strip().splitlines()[-1] if log.strip() else code
        raise PermanentError(f"could not master the chapter: {last}")
    loud = _levels_from(log, target, energy, clock, peak)
    floor = 10 * math.log10(max(head_energy / max(head_n, 1), 1e-20))
    seconds = clock / SAMPLE_RATE
    return StreamedChapter(
        report=chapter_report(index, title, seconds, loud, floor, target),
        seconds=seconds,
        placed=placed,
        limited_units=limited,
    )


def _levels_from(log: str, target: Target, energy: float, frames: int, peak: float) -> Levels:
    """RMS and sample peak from the samples sent; integrated loudness (and the
    true peak, for ``podcast``) from ffmpeg's meter."""
    rms = 10 * math.log10(energy / frames) if energy > 0 and frames else -math.inf
    peak_db = 20 * math.log10(peak) if peak > 0 else -math.inf
    # _levels wants astats' lines too: give it ours in its format.
    fake = f"Overall\nPeak level dB: {peak_db:.2f}\nRMS level dB: {rms:.2f}\n"
    return _levels(fake + log, true_peak=target == "podcast")


Mode = Literal["chapter", "book"]


def join_takes(paths: Sequence[Path], target: Path, pause_s: float) -> TakeAudio:
    """Takes of the pieces of one unit's text, joined with a short pause (a
    retry with the text cut in two or three): one take again, analysed whole."""
    gap = np.zeros(round(pause_s * SAMPLE_RATE), dtype=np.int16)
    pieces: list[npt.NDArray[np.int16]] = []
    for i, path in enumerate(paths):
        if i:
            pieces.append(gap)
        pieces.append(read_pcm16(path))
    pcm = np.concatenate(pieces)
    write_pcm16(target, pcm)
    for path in paths:
        path.unlink(missing_ok=True)
    return analyse(pcm)
