"""Assembly and mastering for long-form speech, on files, through ffmpeg.

Nothing here holds a whole book in memory: pieces are joined with ffmpeg's
concat demuxer, loudness is measured by streaming the chapters through
``ebur128``/``astats``, and encoders read from disk.

Loudness targets:
* ``acx`` (Audible's ACX rules): every chapter between -23 and -18 dB RMS,
  peaks at most -3 dB, noise floor at most -60 dB.
* ``podcast``: -16 LUFS integrated, true peak at most -1 dBTP.
The gain is computed once from the whole book (pass one) and the same gain
is applied to every chapter with a peak limiter (pass two), so chapters keep
their relative levels.
"""

from __future__ import annotations

import asyncio
import math
import re
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from soundstage.audio.ffmpeg import ffmpeg_exe, ffmpeg_log, killed_if_interrupted, run_ffmpeg
from soundstage.errors import PermanentError

SAMPLE_RATE = 44100
Target = Literal["acx", "podcast"]

# The sample of the book the limiter's loudness loss is estimated on
# (plan_gain): about this much audio, from at least REFINE_MIN_PIECES pieces
# spread over the book.
REFINE_SECONDS = 600.0
REFINE_MIN_PIECES = 20

# Room tone: quiet pink noise, not digital silence (ACX rejects dead silence),
# far below the -60 dB noise-floor limit.
ROOM_TONE_AMPLITUDE = 0.0004


@dataclass(frozen=True)
class Piece:
    """One rendered chunk and the pause that follows it."""

    path: Path
    pause_after: float


@dataclass(frozen=True)
class Placed:
    """Where a piece ended up in the assembled chapter (seconds)."""

    start: float
    end: float


@dataclass(frozen=True)
class Levels:
    integrated_lufs: float
    true_peak_db: float
    rms_db: float
    peak_db: float


@dataclass(frozen=True)
class TargetSpec:
    name: Target
    rms_range: tuple[float, float] | None
    peak_max_db: float
    noise_floor_max_db: float | None
    integrated_lufs: float | None


TARGETS: dict[str, TargetSpec] = {
    "acx": TargetSpec("acx", (-23.0, -18.0), -3.0, -60.0, None),
    "podcast": TargetSpec("podcast", None, -1.0, None, -16.0),
}


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


@dataclass(frozen=True)
class PcmStats:
    """Sample statistics of one 16-bit mono PCM WAV. Sums of squares add up, so
    the RMS of a whole book is exact from its pieces' statistics, without
    streaming hours of audio through ffmpeg again."""

    frames: int
    sum_squares: float  # of samples scaled to [-1, 1)
    peak: float  # largest absolute sample, [0, 1]


def pcm_stats(path: Path) -> PcmStats:
    """Statistics of a 16-bit PCM WAV, read in blocks (a few ms per minute)."""
    frames, total, peak = 0, 0, 0
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path.name}: expected 16-bit PCM")
        while block := w.readframes(1 << 20):
            x = np.frombuffer(block, dtype="<i2")
            wide = x.astype(np.int64)  # exact, and a third of float64's time
            frames += x.size
            total += int(np.dot(wide, wide))
            if x.size:
                peak = max(peak, int(x.max()), -int(x.min()))
    return PcmStats(frames, total / 32768.0**2, peak / 32768.0)


def rms_db(stats: Sequence[PcmStats]) -> float:
    """The RMS level (dB, as ffmpeg's astats reports it) of pieces played in turn."""
    frames = sum(s.frames for s in stats)
    total = sum(s.sum_squares for s in stats)
    if frames == 0 or total <= 0:
        return -math.inf
    return 10 * math.log10(total / frames)


async def to_pcm(source: Path, target: Path) -> PcmStats:
    """Any audio to 44.1 kHz mono 16-bit WAV; returns its statistics."""
    await run_ffmpeg(
        ["-i", str(source), "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(target)]
    )
    return await asyncio.to_thread(pcm_stats, target)


async def room_tone(target: Path, seconds: float, *, gain_db: float = 0.0) -> Path:
    """Room tone that lands at the intended floor once ``gain_db`` is applied
    to the chapter (quiet TTS gets a large gain; its pauses must not)."""
    amplitude = max(1e-6, min(0.01, ROOM_TONE_AMPLITUDE * 10 ** (-gain_db / 20)))
    await run_ffmpeg(
        [
            "-f", "lavfi",
            "-i", f"anoisesrc=color=pink:amplitude={amplitude:.7f}:sample_rate={SAMPLE_RATE}"
                  f":duration={seconds:.3f}:seed=7",
            "-ac", "1", "-c:a", "pcm_s16le", str(target),
        ]
    )  # fmt: skip
    return target


async def assemble(
    pieces: Sequence[Piece],
    out: Path,
    workdir: Path,
    *,
    head_seconds: float = 0.75,
    tail_seconds: float = 2.0,
    gain_db: float = 0.0,
) -> list[Placed]:
    """Join pieces (already 44.1 kHz mono PCM WAV) with room tone between them
    and at both ends; returns each piece's place in the result. ``gain_db`` is
    the mastering gain the chapter will get (see :func:`room_tone`)."""
    if not pieces:
        raise PermanentError("nothing to assemble: the chapter has no audio")
    tones: dict[int, Path] = {}

    async def tone(seconds: float) -> Path:
        ms = max(1, round(seconds * 1000))
        if ms not in tones:
            name = f"tone-{ms}ms-{gain_db:+.1f}dB.wav"
            tones[ms] = await room_tone(workdir / name, ms / 1000, gain_db=gain_db)
        return tones[ms]

    entries: list[Path] = [await tone(head_seconds)]
    placed: list[Placed] = []
    clock = wav_seconds(entries[0])
    for i, piece in enumerate(pieces):
        length = wav_seconds(piece.path)
        placed.append(Placed(clock, clock + length))
        entries.append(piece.path)
        clock += length
        gap = tail_seconds if i == len(pieces) - 1 else piece.pause_after
        if gap > 0:
            t = await tone(gap)
            entries.append(t)
            clock += wav_seconds(t)
    listing = workdir / f"{out.stem}.concat.txt"
    listing.write_text("".join(f"file '{_escape(p)}'\n" for p in entries))
    await run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(out)])
    return placed


def _escape(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


EBUR_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_EBUR_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")
_ASTATS_RMS = re.compile(r"Overall.*?RMS level dB: (-?[\d.]+|-inf)", re.S)
_ASTATS_PEAK = re.compile(r"Overall.*?Peak level dB: (-?[\d.]+|-inf)", re.S)


def _num(m: re.Match[str] | None) -> float:
    if m is None:
        raise PermanentError("could not measure the audio's loudness")
    return -math.inf if m.group(1) == "-inf" else float(m.group(1))


async def measure(
    paths: Sequence[Path],
    *,
    seconds: float | None = None,
    pre_filter: str | None = None,
    true_peak: bool = True,
) -> Levels:
    """Loudness of the given files played one after another (streamed), after
    ``pre_filter`` (an ffmpeg filter chain) when given. ``true_peak=False``
    skips ebur128's 4x oversampling (two thirds of the cost) and reports the
    sample peak as the true peak."""
    if len(paths) == 1:
        inputs = ["-i", str(paths[0])]
    else:
        listing = paths[0].parent / f".measure-{id(paths)}.txt"
        listing.write_text("".join(f"file '{_escape(p)}'\n" for p in paths))
        inputs = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    # an input option: as an output option the filters would see more than that
    limit = ["-t", f"{seconds:.3f}"] if seconds else []
    chain = f"{pre_filter + ',' if pre_filter else ''}{_METER}{':peak=true' if true_peak else ''}"
    text = await ffmpeg_log(
        [*limit, *inputs, "-af", chain, "-f", "null", "-"], what="measure the audio's loudness"
    )
    return _levels(text, true_peak=true_peak)


# astats for RMS and sample peak, ebur128 for integrated loudness (and true peak)
# (per-frame lines at verbose: ten log lines per second of audio otherwise)
_METER = "astats=metadata=0,ebur128=framelog=verbose"


def _levels(log: str, *, true_peak: bool) -> Levels:
    summary = log[log.rfind("Summary:") :]
    peak = _num(_ASTATS_PEAK.search(log))
    return Levels(
        integrated_lufs=_num(EBUR_INTEGRATED.search(summary)),
        true_peak_db=_num(_EBUR_PEAK.search(summary)) if true_peak else peak,
        rms_db=_num(_ASTATS_RMS.search(log)),
        peak_db=peak,
    )


def book_gain_db(book: Levels, target: Target) -> float:
    """The one gain for the whole book, from the levels of all its speech
    (pass one): RMS to -20 dB (the middle of ACX's range), or integrated
    loudness to -16 LUFS."""
    if target == "acx":
        return -20.0 - book.rms_db
    spec = TARGETS[target]
    assert spec.integrated_lufs is not None
    return spec.integrated_lufs - book.integrated_lufs


def gain_chain(gain_db: float, target: Target) -> str:
    """Gain, then a look-ahead limiter with headroom under the peak limit
    (sample peaks are limited; true peaks can sit a little above them)."""
    ceiling = 10 ** ((TARGETS[target].peak_max_db - 1.0) / 20)
    return f"volume={gain_db:.2f}dB,alimiter=limit={ceiling:.4f}:level=false:attack=5:release=50"


def _measured(levels: Levels, target: Target) -> float:
    return levels.rms_db if target == "acx" else levels.integrated_lufs


async def plan_gain(
    speech: Sequence[Path], target: Target, *, stats: Sequence[PcmStats] | None = None
) -> float:
    """The one gain for the whole book (pass one, over all of its speech).

    For ``acx`` the level is RMS, which ``stats`` (the pieces' statistics,
    taken when they were rendered) give exactly without reading the book
    again; integrated loudness (``podcast``) has gating, so it is measured.
    The limiter that keeps peaks legal also takes a little loudness off
    speech with a high crest factor (TTS often has one), so the gain is
    refined by measuring the book through the same gain and limiter, at most
    twice, until it lands within 0.2 dB of the target.
    """
    wanted = -20.0 if target == "acx" else TARGETS[target].integrated_lufs
    assert wanted is not None
    if target == "acx" and stats is not None:
        gain = wanted - rms_db(stats)
    else:
        gain = book_gain_db(await measure(speech, true_peak=False), target)
    # The limiter's effect is estimated on an even sample of the book: the
    # loss is a property of the voice, and a full pass per refinement would
    # cost as much as encoding the whole book again.
    seconds = (
        sum(s.frames for s in stats) / SAMPLE_RATE
        if stats is not None
        else sum(wav_seconds(p) for p in speech)
    )
    step = min(
        max(1, math.ceil(seconds / REFINE_SECONDS)), max(1, len(speech) // REFINE_MIN_PIECES)
    )
    sample = list(speech[::step])
    for _ in range(2):
        after = await measure(sample, pre_filter=gain_chain(gain, target), true_peak=False)
        error = wanted - _measured(after, target)
        if abs(error) < 0.2:
            break
        gain += error
    return gain


@dataclass(frozen=True)
class ChapterReport:
    index: int
    title: str
    duration_seconds: float
    rms_db: float
    peak_db: float
    integrated_lufs: float
    true_peak_db: float
    noise_floor_db: float
    passed: bool
    problems: list[str]


def chapter_report(
    index: int, title: str, seconds: float, levels: Levels, floor_db: float, target: Target
) -> ChapterReport:
    """A chapter's levels judged against the target."""
    spec = TARGETS[target]
    problems: list[str] = []
    if spec.rms_range and not spec.rms_range[0] <= levels.rms_db <= spec.rms_range[1]:
        problems.append(f"RMS {levels.rms_db:.1f} dB outside {spec.rms_range}")
    peak = levels.true_peak_db if target == "podcast" else levels.peak_db
    if peak > spec.peak_max_db:
        problems.append(f"peak {peak:.1f} dB above {spec.peak_max_db} dB")
    if spec.noise_floor_max_db is not None and floor_db > spec.noise_floor_max_db:
        problems.append(f"noise floor {floor_db:.1f} dB above {spec.noise_floor_max_db} dB")
    if (
        spec.integrated_lufs is not None
        and abs(levels.integrated_lufs - spec.integrated_lufs) > 1.0
    ):
        problems.append(
            f"loudness {levels.integrated_lufs:.1f} LUFS, target {spec.integrated_lufs}"
        )
    return ChapterReport(
        index=index,
        title=title,
        duration_seconds=round(seconds, 3),
        rms_db=round(levels.rms_db, 2),
        peak_db=round(levels.peak_db, 2),
        integrated_lufs=round(levels.integrated_lufs, 2),
        true_peak_db=round(levels.true_peak_db, 2),
        noise_floor_db=round(floor_db, 2),
        passed=not problems,
        problems=problems,
    )


async def master_chapter(
    raw: Path,
    gain_db: float,
    target: Target,
    *,
    index: int,
    title: str,
    head_seconds: float,
    mp3: tuple[Path, dict[str, str | int | None]] | None = None,
    aac: Path | None = None,
) -> ChapterReport:
    """Pass two for one assembled chapter, in one ffmpeg process: the book's
    gain and the limiter, then the same mastered signal split to the meters
    (the quality report), the MP3 encoder and the AAC encoder. One decode and
    no mastered WAV on disk; the encoders are most of the cost, and each runs
    once."""
    outputs = [("meter", ["-f", "null", "-"])]
    if mp3 is not None:
        outputs.append(("mp3", [*mp3_args(mp3[1]), str(mp3[0])]))
    if aac is not None:
        outputs.append(("aac", [*AAC_ARGS, str(aac)]))
    labels = "".join(f"[{name}]" for name, _ in outputs)
    meter = f"{_METER}{':peak=true' if target == 'podcast' else ''}"
    graph = f"[0:a]{gain_chain(gain_db, target)},{meter},asplit={len(outputs)}{labels}"
    args = ["-i", str(raw), "-filter_complex", graph]
    for name, out_args in outputs:
        args += ["-map", f"[{name}]", *out_args]
    log = await ffmpeg_log(args, what="master the chapter")
    levels = _levels(log, true_peak=target == "podcast")
    # The head is room tone only: its RMS (after the same gain) is the noise
    # floor a checker hears.
    head = await measure(
        [raw], seconds=head_seconds, pre_filter=gain_chain(gain_db, target), true_peak=False
    )
    return chapter_report(index, title, wav_seconds(raw), levels, head.rms_db, target)


def _meta(tags: dict[str, str | int | None]) -> list[str]:
    args: list[str] = []
    for key, value in tags.items():
        if value is not None and str(value) != "":
            args += ["-metadata", f"{key}={value}"]
    return args


# LAME's -q 5 ("good speed, reasonable quality"): at 192 kbps CBR mono speech
# it is indistinguishable from the default -q 3 and a quarter cheaper.
_MP3_QUALITY = "5"


def mp3_args(tags: dict[str, str | int | None]) -> list[str]:
    return [
        "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", "192k",
        "-compression_level", _MP3_QUALITY, "-id3v2_version", "3", *_meta(tags), "-f", "mp3",
    ]  # fmt: skip


def _ffmeta_escape(text: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", text)


# AAC, mono 64 kbps, in an MP4 container ready to be joined into an M4B
# without encoding again. The "fast" coder: two thirds of the default
# (twoloop) coder's CPU, and at 64 kbps for one voice channel its quality is
# close; the AAC encode was the largest single cost of a book.
AAC_ARGS = [
    "-c:a", "aac", "-aac_coder", "fast", "-b:a", "64k", "-ac", "1", "-ar", str(SAMPLE_RATE),
    "-f", "mp4",
]  # fmt: skip


async def join_m4b(
    chapters: Sequence[tuple[Path, str, float]],
    out: Path,
    workdir: Path,
    *,
    tags: dict[str, str | int | None],
    cover: Path | None = None,
) -> None:
    """Join AAC chapters ``(file, title, seconds)`` into one audiobook with a
    chapter marker per chapter, tags and cover; the audio is copied, not
    encoded again, so this costs about as much as copying the file."""
    listing = workdir / "m4b.concat.txt"
    listing.write_text("".join(f"file '{_escape(p)}'\n" for p, _, _ in chapters))
    lines = [";FFMETADATA1"]
    for key, value in tags.items():
        if value is not None and str(value) != "":
            lines.append(f"{key}={_ffmeta_escape(str(value))}")
    start_ms = 0
    for _, title, seconds in chapters:
        end_ms = start_ms + round(seconds * 1000)
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start_ms}", f"END={end_ms}",
                  f"title={_ffmeta_escape(title)}"]  # fmt: skip
        start_ms = end_ms
    metadata = workdir / "m4b.ffmeta"
    metadata.write_text("\n".join(lines) + "\n")
    inputs = ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(metadata)]
    maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
    if cover is not None:
        inputs += ["-i", str(cover)]
        maps += ["-map", "2:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
    await run_ffmpeg(
        [*inputs, *maps, "-c:a", "copy", "-movflags", "+faststart", "-f", "mp4", str(out)]
    )


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _ts(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def write_vtt(cues: Sequence[Cue], out: Path) -> None:
    lines = ["WEBVTT", ""]
    for i, cue in enumerate(cues, 1):
        text = " ".join(cue.text.split()).replace("-->", "->")
        if not text:
            continue
        lines += [str(i), f"{_ts(cue.start)} --> {_ts(cue.end)}", text, ""]
    out.write_text("\n".join(lines))


async def read_chapters(path: Path) -> list[tuple[float, float, str]]:
    """Chapter markers of a file, read back through ffmpeg's metadata muxer
    (used by tests and the quality report; ffprobe is not shipped)."""
    proc = await asyncio.create_subprocess_exec(
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-f", "ffmetadata", "-",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    async with killed_if_interrupted(proc):
        out, _ = await proc.communicate()
    chapters: list[tuple[float, float, str]] = []
    current: dict[str, str] | None = None  # None until the first [CHAPTER]
    for line in [*out.decode(errors="replace").splitlines(), "[CHAPTER]"]:
        if line == "[CHAPTER]":
            if current is not None:
                num, den = current.get("TIMEBASE", "1/1000").split("/")
                scale = int(num) / int(den)
                chapters.append(
                    (int(current["START"]) * scale, int(current["END"]) * scale,
                     current.get("title", ""))
                )  # fmt: skip
            current = {}
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            current[key] = value
    return chapters
