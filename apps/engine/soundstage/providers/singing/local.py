"""``local``: a local TTS voice, shaped onto the notes. Draft quality, offline.

Each *word* is spoken once by a local TTS voice (hibari by default) and cut into
its syllables at energy dips (:func:`~soundstage.audio.singing.split_word`):
a word spoken whole is pronounced like a word, where "beau", "ti", "ful" spoken
one by one would each get the stress and the falling pitch of a sentence. Each
syllable is then levelled and sung onto its notes with WORLD
(:func:`~soundstage.audio.singing.shape_syllable`: formant-preserving pitch,
consonants kept, vowel stretched) and the syllables are overlap-added with
crossfades.

What it is not: a singing voice. It is speech held on pitch, without breath,
dynamics or a sung timbre; reports label it a draft.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundstage.audio import singing
from soundstage.audio.wav import write_wav
from soundstage.providers.singing.base import (
    SingingRequest,
    SingingResult,
    SungSyllable,
    new_output_path,
)
from soundstage.providers.tts.base import TTSProvider


@dataclass(frozen=True)
class _Word:
    text: str
    path: Path


class LocalSingingProvider:
    name = "local"
    draft = True

    def __init__(self, tts: TTSProvider) -> None:
        self.tts = tts
        self.concurrency = tts.concurrency

    def __repr__(self) -> str:
        return f"LocalSingingProvider(tts={self.tts!r})"

    async def sing(self, request: SingingRequest, out_dir: Path) -> SingingResult:
        words: dict[int, str] = {}
        for a in request.assignments:
            words.setdefault(a.syllable.word_index, a.syllable.word)
        # The same word is spoken once per job ("la la la" is one synthesis).
        unique = sorted(set(words.values()))
        spoken = await asyncio.gather(
            *(self.tts.synthesize(w, request.voice, out_dir / "words") for w in unique)
        )
        by_text = {w: _Word(w, s.path) for w, s in zip(unique, spoken, strict=True)}
        out = new_output_path(out_dir, self.name)
        syllables = await asyncio.to_thread(
            _render, request, {i: by_text[w] for i, w in words.items()}, out
        )
        return SingingResult(
            path=out,
            sample_rate=request.sample_rate,
            syllables=syllables,
            metadata={
                "provider": self.name,
                "draft": True,
                "method": "local TTS per word, cut into syllables, WORLD pitch and time "
                "shaping (formant-preserving), crossfaded",
                "tts_voice": f"local:{request.voice}",
            },
        )


def _read_mono(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1).astype(np.float32), int(sr)


def _render(request: SingingRequest, words: dict[int, _Word], out: Path) -> list[SungSyllable]:
    import librosa

    cache: dict[int, tuple[np.ndarray, int, Sequence[tuple[int, int]]]] = {}
    pieces: list[tuple[np.ndarray, float]] = []
    sung: list[SungSyllable] = []
    rate = 0
    for a in request.assignments:
        syl = a.syllable
        if syl.word_index not in cache:
            audio, sr = _read_mono(words[syl.word_index].path)
            audio = singing.trim(audio, sr)
            cache[syl.word_index] = (audio, sr, singing.split_word(audio, sr, syl.count_in_word))
        audio, sr, bounds = cache[syl.word_index]
        if rate == 0:
            rate = sr
        if sr != rate:  # one voice, one rate; a stray rate is resampled to the first
            audio = librosa.resample(audio, orig_sr=sr, target_sr=rate)
            bounds = singing.split_word(audio, rate, syl.count_in_word)
            cache[syl.word_index] = (audio, rate, bounds)
        lo, hi = bounds[min(syl.index_in_word, len(bounds) - 1)]
        shaped = singing.shape_syllable(singing.normalize_rms(audio[lo:hi]), rate, a.notes)
        start = a.start_s - shaped.lead_s
        pieces.append((shaped.audio, start))
        sung.append(SungSyllable(syl, a.note_indices, a.start_s, a.end_s, round(start, 4)))
    seconds = request.seconds + 0.5
    mono = singing.place(pieces, rate, seconds)
    if rate != request.sample_rate:
        mono = librosa.resample(mono, orig_sr=rate, target_sr=request.sample_rate).astype(
            np.float32
        )
    peak = float(np.max(np.abs(mono))) if mono.size else 0.0
    if peak > 0.95:
        mono *= np.float32(0.95 / peak)
    write_wav(out, mono, request.sample_rate)
    return sung
