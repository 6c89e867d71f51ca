"""hibari-tts (Apache-2.0): tiny English voices, 24 kHz, offline.

The wheel ships one voice, ``heart`` (American English, female), which we call
``hibari-us-female``. hibari can download four more on first use; we never
download at run time, but voices already in hibari's cache (``HIBARI_HOME``) are
offered too, as ``hibari-<name>``.

Everything here is synchronous and CPU-bound: call it from a worker thread.
Models load lazily, once per process and thread setting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soundstage.audio.wav import write_wav
from soundstage.providers.idle import IdleModels
from soundstage.providers.tts.onnx import cpu_session

BUNDLED_VOICE_ID = "hibari-us-female"
_BUNDLED_NAME = "heart"
# hibari's five voices, as it describes them in hibari/assets/voices.json.
_DISPLAY = {
    "heart": "Hibari Heart",
    "kore": "Hibari Kore",
    "fenrir": "Hibari Fenrir",
    "emma": "Hibari Emma",
    "fable": "Hibari Fable",
}
# Silence for text with nothing speakable ("* * *"): a chunk must still have audio.
_EMPTY_SECONDS = 0.25


@dataclass(frozen=True)
class HibariVoice:
    voice_id: str  # ours, without the "local:" prefix
    hibari_name: str  # hibari's own name, e.g. "heart"
    name: str
    language: str
    gender: str
    model_path: Path


def available() -> list[HibariVoice]:
    """The voices usable offline: the bundled one, then any already downloaded."""
    try:
        from hibari import voices as hv
    except ImportError:
        return []
    out: list[HibariVoice] = []
    for hibari_name, meta in hv.VOICES.items():
        try:
            # download_missing=False: a cache miss raises instead of fetching.
            path = Path(hv.voice_path(hibari_name, download_missing=False))
        except (FileNotFoundError, ValueError):
            continue
        voice_id = BUNDLED_VOICE_ID if hibari_name == _BUNDLED_NAME else f"hibari-{hibari_name}"
        accent = "US" if meta.get("language") == "en-US" else "UK"
        label = _DISPLAY.get(hibari_name, f"Hibari {hibari_name.title()}")
        out.append(
            HibariVoice(
                voice_id=voice_id,
                hibari_name=hibari_name,
                name=f"{label} ({accent} {meta['gender']})",
                language=str(meta.get("language", "en-US")),
                gender=str(meta["gender"]),
                model_path=path,
            )
        )
    out.sort(key=lambda v: v.voice_id != BUNDLED_VOICE_ID)  # the bundled voice first
    return out


# One model per (voice, threads), dropped when idle (SOUNDSTAGE_MODEL_IDLE_SECONDS).
_models: IdleModels[tuple[str, int], tuple[Any, threading.Lock]] = IdleModels("hibari")


def _load(voice: HibariVoice, threads: int) -> tuple[Any, threading.Lock]:
    from hibari import Hibari

    # model= points at the file we found, so hibari never tries a download.
    tts = Hibari(voice=voice.hibari_name, model=str(voice.model_path), threads=threads)
    # hibari takes no session options; its model is 8 MB, so loading it
    # once more for a session made the engine's way costs little.
    tts.sess = cpu_session(voice.model_path, threads)
    _ = tts.g2p  # load the phonemizer now rather than racing on first use
    return tts, threading.Lock()


def synthesize_to(path: Path, text: str, voice: HibariVoice, threads: int) -> int:
    """Speak ``text`` into a 16-bit mono WAV at ``path``; return its sample rate."""
    with _models.use((voice.hibari_name, threads), lambda: _load(voice, threads)) as (tts, lock):
        return _speak(path, text, tts, lock)


def _speak(path: Path, text: str, tts: Any, lock: threading.Lock) -> int:
    import numpy as np

    # What ``tts(text, seed=0)`` does, with only the G2P under the lock: it
    # keeps Python state and is not documented as thread-safe, while the ONNX
    # session (thread-safe; it releases the GIL) and the vocoder's numpy are
    # most of the time. Locking the whole call serialised the provider's
    # threads, so a second core did nothing. The fixed noise seed makes a
    # retried chunk sound the same.
    with lock:
        phonemes = tts.phonemize(text)
    rng = np.random.default_rng(0)
    parts = [tts.from_ids(tts.ids(ps), 1.0, rng) for ps in phonemes]
    audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    rate = int(tts.sample_rate)
    if audio.size == 0:
        audio = np.zeros(int(rate * _EMPTY_SECONDS), dtype=np.float32)
    write_wav(path, audio, rate)
    return rate
