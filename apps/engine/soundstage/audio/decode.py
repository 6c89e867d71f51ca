"""Decoding audio: probing, checks, and reading samples.

The upload service calls :func:`check_audio` (and ``audio.midi.check_midi``) before it
accepts a file, so a corrupt or over-long file is refused in the request
(422) instead of failing a job later. Both are synchronous and CPU-bound;
callers run them in a thread.

imageio-ffmpeg ships ``ffmpeg`` but not ``ffprobe``: stream facts come from the
header ffmpeg prints for ``-i`` and decoding is checked by actually decoding
(into the ``null`` muxer), stopping shortly after the duration cap.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from soundstage.audio.ffmpeg import ffmpeg_exe, run_ffmpeg


class UndecodableError(ValueError):
    """The file cannot be decoded, or breaks a limit; the message is for users."""


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float  # from the container; 0.0 when it does not say
    sample_rate: int
    channels: int
    codec: str


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+.*?: Audio: ([^,\s]+)[^,]*, (\d+) Hz, ([^,]+)")
_N_CHANNELS = re.compile(r"(\d+) channels")
_LAYOUT_CHANNELS = {
    "mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "3.0(back)": 3, "4.0": 4, "quad": 4,
    "quad(side)": 4, "3.1": 4, "5.0": 5, "5.0(side)": 5, "4.1": 5, "5.1": 6, "5.1(side)": 6,
    "6.0": 6, "6.1": 7, "7.0": 7, "7.1": 8, "7.1(wide)": 8, "7.1(wide-side)": 8,
}  # fmt: skip
_OUT_TIME = re.compile(rb"out_time_us=(\d+)")

# Decoding time is bounded by the cap; this bounds a stuck or pathological file.
_TIMEOUT_S = 120.0


def parse_header(stderr: str) -> AudioInfo | None:
    """The first audio stream described in ffmpeg's ``-i`` output, or None."""
    stream = _AUDIO_STREAM.search(stderr)
    if stream is None:
        return None
    layout = stream.group(3).strip()
    if (n := _N_CHANNELS.match(layout)) is not None:
        channels = int(n.group(1))
    else:
        channels = _LAYOUT_CHANNELS.get(layout.split()[0], 2)
    duration = 0.0
    if (d := _DURATION.search(stderr)) is not None:
        duration = int(d.group(1)) * 3600 + int(d.group(2)) * 60 + float(d.group(3))
    return AudioInfo(duration, int(stream.group(2)), channels, stream.group(1))


def probe_audio(path: Path) -> AudioInfo:
    """Header facts without decoding (fast: ffmpeg reads only the header)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        timeout=30,
        check=False,
    )  # exits 1 ("no output file"): that is expected, the header is on stderr
    info = parse_header(proc.stderr.decode(errors="replace"))
    if info is None:
        raise UndecodableError("the file has no audio stream ffmpeg can read")
    return info


def decoded_seconds(path: Path, limit_s: float) -> float:
    """Decode the first audio stream up to ``limit_s`` and return how much
    decoded. Raises :class:`UndecodableError` if ffmpeg fails."""
    try:
        proc = subprocess.run(
            [
                ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-nostats",
                "-t", f"{limit_s:.3f}", "-i", str(path),
                "-map", "0:a:0", "-vn", "-sn", "-dn",
                "-progress", "pipe:1", "-f", "null", "-",
            ],
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise UndecodableError("the audio took too long to decode") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        why = lines[-1] if lines else f"ffmpeg exit code {proc.returncode}"
        raise UndecodableError(f"the audio does not decode: {why}")
    times = _OUT_TIME.findall(proc.stdout)
    return int(times[-1]) / 1e6 if times else 0.0


def check_audio(path: Path, max_seconds: float) -> AudioInfo:
    """Accept only audio that decodes and lasts at most ``max_seconds``.

    The header's duration refuses an obviously long file without decoding it;
    the decode (stopped just past the cap) catches a header that lies or a
    body that is damaged.
    """
    info = probe_audio(path)
    if info.duration_s > max_seconds + 0.5:
        raise UndecodableError(
            f"the audio lasts {info.duration_s:.1f} s; at most {max_seconds:g} s is allowed"
        )
    seconds = decoded_seconds(path, max_seconds + 1.0)
    if seconds <= 0.0:
        raise UndecodableError("the audio does not decode: no samples")
    if seconds > max_seconds + 0.5:
        raise UndecodableError(f"the audio lasts more than {max_seconds:g} s, the maximum allowed")
    return AudioInfo(seconds, info.sample_rate, info.channels, info.codec)


async def decode_to_wav(
    source: Path, target: Path, *, sample_rate: int, max_seconds: float, mono: bool = False
) -> Path:
    """Any audio ffmpeg reads -> a float WAV at ``sample_rate``, mono or stereo
    (a mono file stays mono: upmixing would make everything look centred), at
    most ``max_seconds`` long."""
    layouts = "mono" if mono else "mono|stereo"
    await run_ffmpeg(
        [
            "-i", str(source),
            "-map", "0:a:0", "-vn",
            "-af", f"aformat=channel_layouts={layouts}",
            "-t", str(max_seconds),
            "-ar", str(sample_rate),
            "-c:a", "pcm_f32le",
            str(target),
        ]
    )  # fmt: skip
    return target
