"""WAV files: the one writer and reader of PCM WAVs from numpy arrays, and raw
16-bit PCM bytes (ElevenLabs' ``pcm_*`` formats) to a WAV."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]


def write_wav(path: Path, audio: Audio, sample_rate: int, *, bits: Literal[16, 24] = 16) -> Path:
    """``audio`` as (frames,) or (frames, channels) in -1..1 to a PCM WAV:
    clipped, never wrapped around."""
    data = np.clip(audio, -1.0, 1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    if bits == 24:
        import soundfile as sf

        sf.write(str(path), data, sample_rate, subtype="PCM_24")
        return path
    channels = 1 if data.ndim == 1 else data.shape[1]
    pcm = (data * 32767.0).round().astype("<i2")
    write_pcm16_bytes(path, pcm.tobytes(), sample_rate, channels)
    return path


def read_wav(path: Path) -> tuple[Audio, int]:
    """A WAV/FLAC/OGG decoded by libsndfile as (channels, samples) float32 (any
    other format: ``audio.decode.read_audio``, through ffmpeg)."""
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(data.T), int(sr)


def write_pcm16_bytes(path: Path, pcm: bytes, sample_rate: int, channels: int = 1) -> None:
    """Raw little-endian 16-bit PCM to a WAV file."""
    if len(pcm) % 2:
        pcm = pcm[:-1]  # a torn last sample; dropping it beats a shifted stream
    # The file is opened first: wave.open(str) that fails to open (a cancelled
    # job's workdir removed under a worker thread) leaves a half-built
    # Wave_write whose __del__ prints a traceback.
    with open(path, "wb") as raw, wave.open(raw, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
