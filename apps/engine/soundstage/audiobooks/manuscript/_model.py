"""Public data types and the intermediate block stream every reader produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Chapter:
    """One chapter, ready for the text normaliser.

    ``title`` is the book's own heading text with its case kept and its
    whitespace collapsed. A numbered heading and its subtitle are joined by
    ": " and the label loses trailing punctuation, so ``CHAPTER I.`` followed
    by ``HER TWELFTH BIRTHDAY`` (on the same line or the next) becomes
    ``"CHAPTER I: HER TWELFTH BIRTHDAY"``; a heading without a subtitle is
    just ``"CHAPTER XVI"``. Roman numerals stay as written.

    ``text`` is the body as plain text: paragraphs joined by a blank line,
    single spaces inside them, no heading line, no markup, illustrations left
    out, typographic quotes and dashes as the book has them.
    """

    index: int
    title: str
    text: str


@dataclass(frozen=True)
class Manuscript:
    title: str | None
    author: str | None
    language: str | None
    cover: bytes | None
    cover_type: str | None
    chapters: list[Chapter]
    warnings: list[str]


class ManuscriptError(ValueError):
    """The manuscript cannot be used; the message is safe to show users."""


class Kind(Enum):
    PARA = "p"
    HEADING = "h"
    # A document title (docx "Title" style): metadata, never a chapter.
    TITLE = "t"
    # A position marker (an id in an EPUB document, or a document's start).
    ANCHOR = "a"


@dataclass(slots=True)
class Block:
    """A paragraph or heading of cleaned text (single spaces, no markup).

    ``level`` is 1-6 for headings marked up as such (HTML h1-h6, Markdown
    ``#``, docx heading styles) and 0 otherwise.
    """

    kind: Kind
    text: str
    level: int = 0


@dataclass(slots=True)
class Meta:
    """Book metadata gathered while reading; the first value found wins."""

    title: str | None = None
    author: str | None = None
    language: str | None = None
    cover: bytes | None = None
    cover_type: str | None = None
    warnings: list[str] = field(default_factory=list)

    def offer(
        self, *, title: str | None = None, author: str | None = None, language: str | None = None
    ) -> None:
        if not self.title and title and title.strip():
            self.title = " ".join(title.split())
        if not self.author and author and author.strip():
            self.author = " ".join(author.split())
        if not self.language and language and language.strip():
            self.language = language.strip()
