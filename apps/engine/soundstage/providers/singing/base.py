"""The singing contract every provider meets.

Public API (stable; the ``vocals`` and ``song`` pipelines use it)::

    SingingRequest(assignments, voice, sample_rate=44100, seed=0)
    SungSyllable(syllable, note_indices, start_s, end_s, audio_start_s)
    SingingResult(path, sample_rate, syllables, metadata)
    SingingProvider: name, concurrency, draft, async sing(request, out_dir) -> SingingResult

The pipeline syllabifies and aligns (:mod:`soundstage.audio.singing`), so every
provider sings the same syllable on the same note and ``alignment.json`` means
the same thing whoever sang. A provider writes one new mono WAV under
``out_dir`` starting at time 0 of the melody. Failures are
:class:`~soundstage.errors.RetryableError` or :class:`~soundstage.errors.PermanentError`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from soundstage.audio.singing import Assignment, Syllable


@dataclass(frozen=True)
class SingingRequest:
    assignments: list[Assignment]
    voice: str  # the provider's own voice name, without "<provider>:"
    sample_rate: int = 44100
    seed: int = 0

    @property
    def seconds(self) -> float:
        """The melody's length: the last sung note's end."""
        return max(a.end_s for a in self.assignments)


@dataclass(frozen=True)
class SungSyllable:
    syllable: Syllable
    note_indices: tuple[int, ...]
    start_s: float  # the first note's start (the vowel's onset)
    end_s: float  # the last note's end
    # Where this syllable's sound begins: before start_s when an onset consonant
    # is sung ahead of the beat (the local voice reports it; remote servers do not).
    audio_start_s: float


@dataclass(frozen=True)
class SingingResult:
    path: Path
    sample_rate: int
    syllables: list[SungSyllable]
    metadata: dict[str, Any] = field(default_factory=dict)


class SingingProvider(Protocol):
    name: str
    concurrency: int
    # True for a voice that is speech shaped onto notes (reports say "draft").
    draft: bool

    async def sing(self, request: SingingRequest, out_dir: Path) -> SingingResult:
        """Sing ``request`` into a new mono WAV under ``out_dir``."""
        ...


def new_output_path(out_dir: Path, provider: str, suffix: str = "wav") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"vocals-{provider}-{uuid.uuid4().hex[:12]}.{suffix.lstrip('.')}"


def default_syllables(request: SingingRequest) -> list[SungSyllable]:
    """The alignment as asked, for providers that report no timing of their own."""
    return [
        SungSyllable(a.syllable, a.note_indices, a.start_s, a.end_s, a.start_s)
        for a in request.assignments
    ]
