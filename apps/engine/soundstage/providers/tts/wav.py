"""16-bit PCM WAV files from float samples or raw PCM bytes (stdlib ``wave``)."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def write_pcm16_from_float(path: Path, samples: npt.NDArray[np.float32], sample_rate: int) -> None:
    """Mono float samples in [-1, 1] to a 16-bit WAV (clipped, never wrapped around)."""
    import numpy as np

    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    write_pcm16_bytes(path, pcm.tobytes(), sample_rate)


def write_pcm16_bytes(path: Path, pcm: bytes, sample_rate: int, channels: int = 1) -> None:
    """Raw little-endian 16-bit PCM (ElevenLabs' ``pcm_*`` formats) to a WAV file."""
    if len(pcm) % 2:
        pcm = pcm[:-1]  # a torn last sample; dropping it beats a shifted stream
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
