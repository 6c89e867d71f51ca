"""Story-video compositing with ffmpeg: stills with pan and zoom, crossfades,
burned-in ASS subtitles, narration with music ducked under it, H.264 High +
AAC in an MP4 with ``+faststart``.

Pan and zoom. ``zoompan`` is the usual tool, but it works on integer crop
windows of a very large upscale (the common anti-jitter recipe scales each
still to 8000 px first) or jitters. Here each still is decoded once, held in
memory by ``loop`` and, per frame, scaled by ``scale`` with ``eval=frame``
(swscale, bilinear, on yuv420p) from a source 1.12x the frame to the frame
times the zoom of that moment, then cropped by ``crop`` whose x/y are
expressions of the frame number: one small scale per frame and no giant
intermediate (bench/video.py measures both). Scenes are joined by ``xfade``;
each scene's segment is cut so the crossfade's midpoint sits on the scene's
cut point, so the video is exactly as long as the narration.

Everything here works on files and spawns ffmpeg through
:mod:`soundstage.audio.ffmpeg`, whose runner kills the child when the job is
cancelled.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from soundstage.audio.ffmpeg import ffmpeg_log, run_ffmpeg
from soundstage.audio.master import EBUR_INTEGRATED, Cue, gain_chain, measure
from soundstage.errors import PermanentError

FPS = 30
# The still is prepared this much larger than the frame: the most a shot zooms in.
ZOOM_MAX = 1.12
SHORT_SIDE = {"480p": 480, "720p": 720, "1080p": 1080}
ASPECTS = {"9:16": (9, 16), "16:9": (16, 9), "1:1": (1, 1)}
LOUDNESS_TARGET = -16.0
MUSIC_BELOW_VOICE_LU = 16.0
TRANSITIONS = {
    "scary_horror": "fadeblack",
    "mystery": "fade",
    "bedtime": "fade",
    "documentary": "fade",
    "motivational": "smoothleft",
    "sci_fi": "slideleft",
    "fairy_tale": "circleopen",
}


def frame_size(aspect: str, resolution: str) -> tuple[int, int]:
    """Width and height (even numbers) for an aspect and a short side."""
    short = SHORT_SIDE[resolution]
    a, b = ASPECTS[aspect]
    w: float
    h: float
    if a <= b:
        w, h = short, short * b / a
    else:
        w, h = short * a / b, short
    return int(round(w / 2) * 2), int(round(h / 2) * 2)


@dataclass(frozen=True)
class Shot:
    """One scene on screen: its still (as :func:`prepare_still` made it) and the
    cut points (seconds) where it takes over and hands over."""

    still: Path
    start: float
    end: float


def prepare_still(source: Path, target: Path, width: int, height: int) -> Path:
    """Any picture -> an RGB PNG covering the frame times ZOOM_MAX, centre-cropped
    (a photo in the wrong orientation is cropped, never letterboxed)."""
    size = (round(width * ZOOM_MAX / 2) * 2, round(height * ZOOM_MAX / 2) * 2)
    try:
        with Image.open(source) as img:
            upright = ImageOps.exif_transpose(img)
            fitted = ImageOps.fit(upright.convert("RGB"), size, Image.Resampling.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PermanentError(f"an image could not be read: {exc}") from exc
    fitted.save(target, compress_level=1)
    return target


def poster(still: Path, target: Path, width: int, height: int) -> Path:
    """The first scene's still at the frame size, as a JPEG."""
    with Image.open(still) as img:
        ImageOps.fit(img.convert("RGB"), (width, height), Image.Resampling.LANCZOS).save(
            target, quality=88, optimize=True, progressive=True
        )
    return target


def _motion(index: int, n: int, w: int, h: int) -> tuple[str, str, str, str]:
    """scale w/h and crop x/y expressions for shot ``index`` of ``n`` frames.
    Shots alternate: zoom in, pan right, zoom out, pan left (then again)."""
    p = f"(n/{max(1, n - 1)})"
    kind = index % 4
    if kind == 0:
        zoom = f"(1+{ZOOM_MAX - 1:.3f}*{p})"
        fx, fy = "0.5", "0.45"
    elif kind == 2:
        zoom = f"({ZOOM_MAX:.3f}-{ZOOM_MAX - 1:.3f}*{p})"
        fx, fy = "0.5", "0.55"
    else:
        zoom = f"{ZOOM_MAX - 0.02:.3f}"
        fx = p if kind == 1 else f"(1-{p})"
        fy = "0.5"
    sw = f"trunc({w}*{zoom}/2)*2"
    sh = f"trunc({h}*{zoom}/2)*2"
    return sw, sh, f"(iw-{w})*{fx}", f"(ih-{h})*{fy}"


def _quote(path: Path) -> str:
    """A path as a quoted filter option value (only ' is special inside quotes)."""
    text = str(path.resolve())
    if "'" in text:
        raise PermanentError("internal: a working path contains a quote")
    return f"'{text}'"


def _font_dir() -> str | None:
    for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"):
        if os.path.isdir(d):
            return d
    return None


def write_ass(cues: Sequence[Cue], out: Path, width: int, height: int) -> Path:
    """Subtitles styled for the frame: large, outlined, bottom centre, lifted
    above the controls of vertical video players."""
    vertical = height > width
    size = round(height * (0.042 if vertical else 0.058))
    margin_v = round(height * (0.15 if vertical else 0.07))
    margin_h = round(width * 0.08)
    outline = max(2, round(size / 14))

    def ts(t: float) -> str:
        cs = max(0, round(t * 100))
        h, rest = divmod(cs, 360_000)
        m, rest = divmod(rest, 6000)
        s, c = divmod(rest, 100)
        return f"{h}:{m:02d}:{s:02d}.{c:02d}"

    lines = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height}",
        "WrapStyle: 0", "ScaledBorderAndShadow: yes", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: Default,DejaVu Sans,{size},&H00FFFFFF,&H0000FFFF,&H00000000,&H96000000,"
        f"-1,0,0,0,100,100,0,0,1,{outline},{max(1, outline // 2)},2,{margin_h},{margin_h},"
        f"{margin_v},1",
        "", "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]  # fmt: skip
    for cue in cues:
        text = " ".join(cue.text.split()).replace("\\", "").replace("{", "(").replace("}", ")")
        if text:
            lines.append(f"Dialogue: 0,{ts(cue.start)},{ts(cue.end)},Default,,0,0,0,,{text}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


async def mix_audio(voice: Path, music: Path | None, out: Path) -> float:
    """Narration with the music bed ducked under it by sidechain compression
    (the voice is the key), as 44.1 kHz mono PCM; returns the mix's integrated
    loudness (LUFS), metered in the same pass. The bed sits MUSIC_BELOW_VOICE_LU
    below the voice before ducking, whatever either's level."""
    if music is None:
        graph = "[0:a]aformat=sample_rates=44100:channel_layouts=mono[mixed]"
        inputs = ["-i", str(voice)]
    else:
        voice_lv, music_lv = await asyncio.gather(
            measure([voice], true_peak=False), measure([music], true_peak=False)
        )
        gain = voice_lv.integrated_lufs - MUSIC_BELOW_VOICE_LU - music_lv.integrated_lufs
        gain = max(-60.0, min(20.0, gain))
        graph = (
            "[0:a]aformat=sample_rates=44100:channel_layouts=mono,asplit=2[v][key];"
            f"[1:a]aformat=sample_rates=44100:channel_layouts=mono,volume={gain:.2f}dB,"
            "afade=t=in:d=1.5[bed];"
            "[bed][key]sidechaincompress=threshold=0.015:ratio=8:attack=15:release=450:"
            "makeup=1[duck];"
            "[v][duck]amix=inputs=2:duration=first:normalize=0,"
            "areverse,afade=t=in:d=1.5,areverse[mixed]"  # the bed fades out with the end
        )
        inputs = ["-i", str(voice), "-i", str(music)]
    # one pass: the mix to disk, and the same samples through the meters
    graph += ";[mixed]asplit=2[out][meter];[meter]ebur128=framelog=verbose[metered]"
    log = await ffmpeg_log(
        [*inputs, "-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_s16le", str(out),
         "-map", "[metered]", "-f", "null", "-"],
        what="mix the narration and the music",
    )  # fmt: skip
    found = EBUR_INTEGRATED.search(log[log.rfind("Summary:") :])
    if found is None or found.group(1) == "-inf":
        raise PermanentError("the narration is silent")
    return float(found.group(1))


async def loudness_gain(mix: Path, integrated_lufs: float) -> float:
    """The gain that brings the mix to -16 LUFS through the limiter: the plain
    difference, checked once through the same gain and limiter (speech with a
    high crest factor loses a little to the limiter) and corrected if off by
    0.2 LU or more, as the audiobook mastering does."""
    gain = LOUDNESS_TARGET - integrated_lufs
    after = await measure([mix], pre_filter=gain_chain(gain, "podcast"), true_peak=False)
    error = LOUDNESS_TARGET - after.integrated_lufs
    return gain + error if abs(error) >= 0.2 else gain


@dataclass(frozen=True)
class Encoding:
    width: int
    height: int
    fps: int = FPS
    preset: str = "veryfast"
    crf: int = 21
    fade: float = 0.6
    transition: str = "fade"


def _snap(seconds: float, fps: int) -> int:
    return max(0, round(seconds * fps))


def segments(shots: Sequence[Shot], total: float, enc: Encoding) -> list[tuple[int, int]]:
    """(first frame, frame count) of each shot's segment: from its cut minus half
    a crossfade to the next cut plus half (the ends are the video's ends), on
    the frame grid so the crossfades land exactly."""
    fade = _snap(enc.fade, enc.fps) // 2 * 2
    cuts = [0] + [_snap(s.start, enc.fps) for s in shots[1:]] + [_snap(total, enc.fps)]
    out: list[tuple[int, int]] = []
    for i in range(len(shots)):
        a = cuts[i] - (fade // 2 if i > 0 else 0)
        b = cuts[i + 1] + (fade // 2 if i < len(shots) - 1 else 0)
        if cuts[i + 1] - cuts[i] < max(1, fade):
            raise PermanentError(f"scene {i + 1} is shorter than its crossfade")
        out.append((a, b - a))
    return out


def filter_graph(
    shots: Sequence[Shot], total: float, enc: Encoding, subtitles: Path | None, audio_chain: str
) -> str:
    w, h, fps = enc.width, enc.height, enc.fps
    segs = segments(shots, total, enc)
    fade_frames = _snap(enc.fade, fps) // 2 * 2
    parts: list[str] = []
    for i, (_, count) in enumerate(segs):
        sw, sh, cx, cy = _motion(i, count, w, h)
        parts.append(
            f"[{i}:v]format=yuv420p,loop=loop={count - 1}:size=1:start=0,"
            f"setpts=N/({fps}*TB),"
            f"scale=w='{sw}':h='{sh}':eval=frame:flags=bilinear,"
            f"crop={w}:{h}:x='{cx}':y='{cy}',setsar=1[s{i}]"
        )
    last = "s0"
    for i in range(1, len(segs)):
        offset = (segs[i][0]) / fps
        label = f"x{i}"
        parts.append(
            f"[{last}][s{i}]xfade=transition={enc.transition}:duration={fade_frames / fps:.4f}:"
            f"offset={offset:.4f}[{label}]"
        )
        last = label
    tail = f"[{last}]"
    if subtitles is not None:
        fonts = _font_dir()
        extra = f":fontsdir='{fonts}'" if fonts else ""
        tail += f"ass=filename={_quote(subtitles)}{extra},"
    else:
        tail += "null,"
    parts.append(f"{tail}format=yuv420p[vout]")
    parts.append(f"[{len(segs)}:a]{audio_chain}[aout]")
    return ";".join(parts)


async def compose(
    shots: Sequence[Shot],
    audio: Path,
    total: float,
    out: Path,
    enc: Encoding,
    *,
    subtitles: Path | None,
    audio_gain_db: float,
    on_progress: Callable[[float], Awaitable[None]] | None = None,
) -> None:
    """Render the video: one ffmpeg process reads each still once, the mixed
    audio, and writes the MP4 (H.264 High, yuv420p, AAC 48 kHz stereo,
    ``+faststart`` so a browser plays it before it has all of it)."""
    if not shots:
        raise PermanentError("a video needs at least one scene")
    audio_chain = f"{gain_chain(audio_gain_db, 'podcast')},aresample=48000"
    graph = filter_graph(shots, total, enc, subtitles, audio_chain)
    graph_file = out.with_suffix(".filtergraph")
    graph_file.write_text(graph)  # long graphs exceed no command-line limit this way
    inputs: list[str] = []
    for shot in shots:
        inputs += ["-framerate", str(enc.fps), "-i", str(shot.still)]
    await run_ffmpeg(
        [
            # the filters (per-frame scale and crop, crossfades, subtitles) run
            # sliced across the cores, beside x264's own threads
            "-filter_complex_threads", str(os.cpu_count() or 1),
            *inputs, "-i", str(audio),
            "-/filter_complex", str(graph_file),
            "-map", "[vout]", "-map", "[aout]",
            "-c:v", "libx264", "-preset", enc.preset, "-profile:v", "high", "-crf", str(enc.crf),
            "-pix_fmt", "yuv420p", "-r", str(enc.fps), "-g", str(enc.fps * 2),
            "-c:a", "aac", "-b:a", "160k", "-ac", "2", "-ar", "48000",
            "-t", f"{_snap(total, enc.fps) / enc.fps:.4f}",
            "-movflags", "+faststart", str(out),
        ],
        duration_s=total,
        on_progress=on_progress,
    )  # fmt: skip
