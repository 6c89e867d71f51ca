"""Manuscripts: from an uploaded file or pasted text to titled chapters of
plain text, with the book's title, author, language and cover.

Formats (as named by :func:`soundstage.sniff.detect`): ``txt``,
``md``, ``html``, ``epub``, ``docx``, ``pdf``. Everything runs locally and
offline. Chapters come from the EPUB's navigation (nav document or NCX) or
the PDF's outline when there is one, otherwise from headings; see
``_structure`` for the rules, and :class:`Chapter` for what a title and a
chapter's text look like. Project Gutenberg's header, licence and footer are
recognised in every format and left out.
"""

from __future__ import annotations

from pathlib import Path

from soundstage.audiobooks.manuscript._html import (
    decode_html,
    html_blocks,
    html_meta,
    parse_html,
    strip_gutenberg_blocks,
)
from soundstage.audiobooks.manuscript._markdown import markdown_blocks
from soundstage.audiobooks.manuscript._model import Chapter, Manuscript, ManuscriptError, Meta
from soundstage.audiobooks.manuscript._plain import text_blocks
from soundstage.audiobooks.manuscript._structure import build_chapters
from soundstage.audiobooks.manuscript._text import decode_text, strip_gutenberg

__all__ = [
    "FORMATS",
    "MAX_PASTED_CHARS",
    "Chapter",
    "Manuscript",
    "ManuscriptError",
    "decode_text",
    "parse_manuscript",
    "parse_text",
]

FORMATS = frozenset({"txt", "md", "html", "epub", "docx", "pdf"})
MAX_PASTED_CHARS = 2_000_000
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
_NAMES = {
    "txt": "text",
    "md": "Markdown file",
    "html": "HTML file",
    "epub": "EPUB",
    "docx": "Word document",
    "pdf": "PDF",
}


def parse_manuscript(path: Path, fmt: str) -> Manuscript:
    """Read the manuscript file at *path*, whose format the upload sniffer
    decided. Raises :class:`ManuscriptError` for a file that cannot be used."""
    if fmt not in FORMATS:
        raise ManuscriptError(f"{fmt!r} is not a manuscript format")
    meta = Meta()
    if fmt in _TEXT_FORMATS:
        data = path.read_bytes()
        text = decode_html(data) if fmt == "html" else decode_text(data)
        return _from_text(text, fmt, meta)
    # The container readers (lxml, python-docx, pypdf) load on first use: the
    # API imports this package at start-up, and most books are plain text.
    if fmt == "epub":
        from soundstage.audiobooks.manuscript._epub import epub_chapters

        chapters = epub_chapters(path, meta)
    elif fmt == "docx":
        from soundstage.audiobooks.manuscript._docx import docx_blocks

        chapters = build_chapters(docx_blocks(path, meta), meta)
    else:
        from soundstage.audiobooks.manuscript._pdf import pdf_chapters

        chapters = pdf_chapters(path, meta)
    return _finish(chapters, meta, fmt)


def parse_text(text: str, *, fmt: str = "txt") -> Manuscript:
    """Read pasted text (``txt``, ``md`` or ``html``) of at most
    :data:`MAX_PASTED_CHARS` characters."""
    if fmt not in _TEXT_FORMATS:
        raise ManuscriptError(f"pasted text must be txt, md or html, not {fmt!r}")
    if len(text) > MAX_PASTED_CHARS:
        raise ManuscriptError(
            f"the text is {len(text):,} characters long; the limit is {MAX_PASTED_CHARS:,}"
        )
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _from_text(text, fmt, Meta())


def _from_text(text: str, fmt: str, meta: Meta) -> Manuscript:
    if fmt == "html":
        root = parse_html(text)
        blocks = strip_gutenberg_blocks(html_blocks(root), meta)
        html_meta(root, meta)
    elif fmt == "md":
        blocks = markdown_blocks(strip_gutenberg(text, meta), meta)
    else:
        blocks = text_blocks(strip_gutenberg(text, meta))
    return _finish(build_chapters(blocks, meta), meta, fmt)


def _finish(chapters: list[Chapter], meta: Meta, fmt: str) -> Manuscript:
    if not chapters:
        raise ManuscriptError(f"the {_NAMES[fmt]} has no readable text")
    return Manuscript(
        title=meta.title,
        author=meta.author,
        language=meta.language,
        cover=meta.cover,
        cover_type=meta.cover_type,
        chapters=chapters,
        warnings=meta.warnings,
    )
