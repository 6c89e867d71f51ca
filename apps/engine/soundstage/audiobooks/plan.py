"""From chapters of text to the units a TTS provider renders.

A unit is one request to a provider: at most its character limit, never cut
inside a word, one voice. Joining the units' ``raw`` text of a chapter gives
back exactly its normalised text: nothing is dropped on the way to speech.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from soundstage.audiobooks.manuscript import Chapter
from soundstage.audiobooks.schemas import Replacement
from soundstage.audiobooks.text import chunk_text, normalise, normalise_title, split_dialogue

# Pauses after a unit, by how it ends (seconds).
PAUSE_TITLE = 1.5
PAUSE_PARAGRAPH = 0.9
PAUSE_SENTENCE = 0.4
PAUSE_CLAUSE = 0.12
_SENTENCE_END = re.compile(r"[.!?…][\"'\u201d\u2019)\]]*\s*$")


@dataclass(frozen=True)
class Unit:
    id: str  # "c003-00012": chapter 3, unit 12 (0 is the spoken title)
    chapter: int
    index: int
    raw: str  # exactly as cut from the normalised text, whitespace included
    text: str  # what is sent to the provider
    voice: str  # a full voice id, "local:hibari"
    pause_after: float
    take: int = 0  # bumped by each regeneration of this unit
    is_title: bool = False

    @property
    def speaks(self) -> bool:
        return any(c.isalnum() for c in self.text)

    def fingerprint(self) -> dict[str, object]:
        """What a stored rendering must match to be reused."""
        return {"text": self.text, "voice": self.voice, "take": self.take}


@dataclass
class PlannedChapter:
    number: int
    title: str
    units: list[Unit] = field(default_factory=list)

    @property
    def characters(self) -> int:
        return sum(len(u.text) for u in self.units if u.speaks)


def _pause(raw: str) -> float:
    if "\n\n" in raw[len(raw.rstrip()) :]:
        return PAUSE_PARAGRAPH
    return PAUSE_SENTENCE if _SENTENCE_END.search(raw) else PAUSE_CLAUSE


def plan_chapter(
    chapter: Chapter,
    number: int,
    *,
    narrator: str,
    dialogue: str | None,
    max_chars: int,
    preferred_chars: int,
    lexicon: Mapping[str, str],
    replacements: Sequence[Replacement] = (),
    voiced: Sequence[tuple[str, str]] | None = None,
) -> PlannedChapter:
    """``voiced``: the normalised body already cut into (text, voice) pieces
    (a cast of voices, :mod:`soundstage.audiobooks.cast`); they must join back
    to ``normalise(chapter.text, lexicon)``."""
    planned = PlannedChapter(number, chapter.title)
    spoken_title = normalise_title(chapter.title) if chapter.title else ""
    units: list[Unit] = []
    if spoken_title.strip():
        units.append(
            Unit(f"c{number:03d}-00000", number, 0, spoken_title, spoken_title.strip(),
                 narrator, PAUSE_TITLE, is_title=True)
        )  # fmt: skip
    body = normalise(chapter.text, lexicon)
    segments = split_dialogue(body) if dialogue and voiced is None else []
    if voiced is not None:
        assert "".join(t for t, _ in voiced) == body, "voiced pieces must join to the body"
        segments_voices = list(voiced)
    elif not segments:
        segments_voices = [(body, narrator)]
    else:
        segments_voices = [(s.text, dialogue if s.dialogue else narrator) for s in segments]  # type: ignore[misc]
    for text, voice in segments_voices:
        for raw in chunk_text(text, max_chars=max_chars, preferred_chars=preferred_chars):
            index = len(units)
            units.append(
                Unit(f"c{number:03d}-{index:05d}", number, index, raw, " ".join(raw.split()),
                     voice, _pause(raw))
            )  # fmt: skip
    for r in replacements:
        if r.chapter != number:
            continue
        if not 0 <= r.chunk < len(units):
            continue  # validated by the API; a stale replacement is ignored
        u = units[r.chunk]
        text = " ".join(r.text.split()) if r.text else u.text
        units[r.chunk] = Unit(
            u.id, u.chapter, u.index, u.raw, text, r.voice or u.voice, u.pause_after,
            u.take + 1, u.is_title,
        )  # fmt: skip
    planned.units = units
    return planned


def body_raw(planned: PlannedChapter) -> str:
    """The chapter body as the units carry it (title unit excluded)."""
    return "".join(u.raw for u in planned.units if not u.is_title)
