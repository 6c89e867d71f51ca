"""Reading finished videos back with the bundled ffmpeg (no ffprobe is shipped)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundstage.audio.ffmpeg import ffmpeg_exe


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int
    height: int
    video_codec: str
    audio_codec: str | None


def probe(path: Path) -> Probe:
    log = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    d = re.search(r"Duration: (\d+):(\d+):([\d.]+)", log)
    v = re.search(r"Video: (\w+ \(\w+\)|\w+).*?, (\d{2,5})x(\d{2,5})", log)
    a = re.search(r"Audio: (\w+)", log)
    assert d and v, log
    seconds = int(d.group(1)) * 3600 + int(d.group(2)) * 60 + float(d.group(3))
    return Probe(seconds, int(v.group(2)), int(v.group(3)), v.group(1), a.group(1) if a else None)


def frame_rgb(path: Path, at: float) -> np.ndarray:
    """The mean colour of the frame at ``at`` seconds (0-255 floats)."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{at:.3f}", "-i", str(path), "-frames:v", "1",
         "-vf", "scale=32:32", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.float64).mean(axis=0)


def audio_envelope(path: Path, hop: float = 0.02) -> np.ndarray:
    """RMS per ``hop`` seconds of the audio track, mono."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "16000",
         "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0
    n = int(16000 * hop)
    frames = x[: len(x) // n * n].reshape(-1, n)
    env: np.ndarray = np.sqrt((frames**2).mean(axis=1))
    return env


def vtt_cues(text: str) -> list[tuple[float, float, str]]:
    def secs(ts: str) -> float:
        h, m, s = ts.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "-->" in line:
            a, b = (p.strip() for p in line.split("-->"))
            cues.append((secs(a), secs(b), lines[i + 1]))
    return cues
