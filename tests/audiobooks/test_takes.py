"""Checked takes: a take far off its voice's learned rate, with a long inner
silence or clipped is made again with its text cut differently, then flagged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from soundstage.audio.longform import TakeAudio
from soundstage.audio.master import PcmStats
from soundstage.audiobooks.pipeline import _Book
from soundstage.audiobooks.plan import PlannedChapter, Unit
from soundstage.audiobooks.takes import (
    LEARN_CHARS,
    RateModel,
    fault,
    split_for_retry,
)

RATE = 22050
CPS = 15.0  # the fake voice reads 15 characters a second


def _take(seconds: float, *, silence: float = 0.0, clipped: int = 0) -> TakeAudio:
    frames = int(seconds * 44100)
    return TakeAudio(PcmStats(frames, frames * 0.01, 0.5), seconds, silence, clipped)


def test_rate_is_learned_per_voice_and_judges_takes() -> None:
    rates = RateModel()
    text = "x" * 100
    low, high = rates.band("local:a", text)
    assert low < 100 / 25 and high > 100 / 8  # the prior: any narrator's pace
    for _ in range(LEARN_CHARS // 100 + 1):
        rates.learn("local:a", text, _take(100 / CPS))
    low, high = rates.band("local:a", text)
    assert low < 100 / CPS < high
    assert fault(_take(100 / CPS), text, low, high) is None
    assert "too long" in (fault(_take(4 * 100 / CPS), text, low, high) or "")
    assert "too short" in (fault(_take(0.3 * 100 / CPS), text, low, high) or "")
    assert "silence" in (fault(_take(100 / CPS, silence=2.5), text, low, high) or "")
    assert "clipped" in (fault(_take(100 / CPS, clipped=3), text, low, high) or "")
    # another voice is not judged by this one's pace
    assert rates.band("local:b", text) != (low, high)


def test_split_for_retry_cuts_at_clause_boundaries() -> None:
    text = "The mill stood by the river, as it had since 1850. Nobody minded it; nobody came."
    two = split_for_retry(text, 2)
    assert len(two) == 2 and " ".join(two) == text
    assert two[0].endswith((".", ",", ";"))
    assert split_for_retry("Yes.", 2) == ["Yes."]
    assert split_for_retry(text, 1) == [text]


@dataclass
class _Result:
    path: Path


class _BabblingProvider:
    """Speaks at CPS, except that any text in ``babble`` comes out four times
    too long (a model that runs on), and ``clip`` comes out clipped."""

    name = "local"
    concurrency = 1

    def __init__(self, babble: set[str], clip: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.babble, self.clip = babble, clip
        self.calls: list[str] = []

    async def synthesize(self, text: str, voice: str, out_dir: Path, **_: Any) -> _Result:
        self.calls.append(text)
        seconds = len(text) / CPS * (4 if text in self.babble else 1)
        t = np.arange(int(seconds * RATE)) / RATE
        loud = 3.0 if text in self.clip else 0.3
        x = np.clip(loud * np.sin(2 * np.pi * 140 * t) * (np.sin(2 * np.pi * 4 * t) > -0.5), -1, 1)
        return _Result(_write(out_dir / f"{len(self.calls)}.wav", x))


def _write(path: Path, x: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), x.astype(np.float32), RATE, subtype="PCM_16")
    return path


class _Ctx:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir


class _Providers:
    def __init__(self, provider: _BabblingProvider) -> None:
        self.provider = provider

    def for_voice(self, voice: str) -> _BabblingProvider:
        return self.provider


def _book(tmp_path: Path, provider: _BabblingProvider, units: list[Unit]) -> _Book:
    book = _Book.__new__(_Book)
    book.ctx = _Ctx(tmp_path)  # type: ignore[assignment]
    book.providers = _Providers(provider)  # type: ignore[assignment]
    book.chapters = [PlannedChapter(1, "One", units)]
    book.dir = tmp_path / "units"
    book.dir.mkdir(parents=True)
    book.rates = RateModel()
    for _ in range(5):  # the voice's pace, learned from earlier takes of the book
        book.rates.learn("local:v", "x" * 100, _take(100 / CPS))
    return book


def _unit(i: int, text: str) -> Unit:
    return Unit(f"c001-{i:05d}", 1, i, text, text, "local:v", 0.4)


TEXT = "The mill stood by the river, as it had since the old days. Nobody minded it at all."


async def test_a_babbling_take_is_made_again_with_the_text_cut(tmp_path: Path) -> None:
    provider = _BabblingProvider(babble={TEXT})
    book = _book(tmp_path, provider, [_unit(0, TEXT)])
    take = await book._render(book.chapters[0].units[0])
    assert take.flag is None and take.attempts == 2
    assert provider.calls[0] == TEXT and len(provider.calls) == 3  # the whole, then two halves
    assert abs(take.audio.seconds - len(TEXT) / CPS) < 1.5


async def test_a_take_that_stays_bad_is_flagged_after_the_retries(tmp_path: Path) -> None:
    halves = split_for_retry(TEXT, 2)
    thirds = split_for_retry(TEXT, 3)
    provider = _BabblingProvider(babble=set(), clip={TEXT, *halves, *thirds})
    book = _book(tmp_path, provider, [_unit(0, TEXT)])
    take = await book._render(book.chapters[0].units[0])
    assert take.attempts == 3 and take.flag is not None and "clipped" in take.flag


async def test_a_bad_take_that_cannot_be_cut_is_flagged_after_one_try(tmp_path: Path) -> None:
    text = "Oh, yes; very well indeed, thank you kindly, Mister Sherman"
    provider = _BabblingProvider(babble={text, *split_for_retry(text, 2)})
    provider.babble |= set(split_for_retry(text, 3))
    book = _book(tmp_path, provider, [_unit(0, text)])
    take = await book._render(book.chapters[0].units[0])
    assert take.flag is not None and "too long" in take.flag
    assert take.attempts == 3 and len(provider.calls) == 1 + 2 + 3
    single = "Indeed"
    provider = _BabblingProvider(babble={single})
    book = _book(tmp_path / "b", provider, [_unit(0, single)])
    take = await book._render(book.chapters[0].units[0])
    assert provider.calls == [single] and take.attempts == 1
