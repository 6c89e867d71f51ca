"""Fixtures for the TTS provider tests: real audio bytes for the fake APIs to return."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from soundstage.audio.ffmpeg import ffmpeg_exe


@pytest.fixture(scope="session")
def mp3_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Half a second of a real MP3, as a remote API would send it."""
    out = tmp_path_factory.mktemp("fake-audio") / "speech.mp3"
    subprocess.run(
        [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=24000:duration=0.5",
            "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out.read_bytes()


@pytest.fixture
def out_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "out"


@pytest.fixture(scope="session")
def wav_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Half a second of a real WAV, as a music server would send it."""
    out = tmp_path_factory.mktemp("fake-audio") / "song.wav"
    subprocess.run(
        [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:duration=0.5",
            "-ac", "2", "-c:a", "pcm_s16le", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out.read_bytes()
