"""PDF text through pypdf.

A PDF has lines, not paragraphs: paragraphs are rebuilt from blank lines and
from short lines that end a sentence, words hyphenated across lines are
rejoined, and page numbers and running heads are left out. Chapters come
from the PDF's outline (bookmarks) when it has one, otherwise from heading
lines as in plain text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

from soundstage.audiobooks.manuscript._model import Block, Chapter, Kind, ManuscriptError, Meta
from soundstage.audiobooks.manuscript._structure import (
    Section,
    build_chapters,
    finish_sections,
    format_title,
    is_skipped,
    looks_like_title,
    match_heading,
)
from soundstage.audiobooks.manuscript._text import clean_paragraph, collapse, language_code

_PAGE_NUMBER = re.compile(r"(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s+of\s+\d{1,4})?", re.I)
_SENTENCE_END = ".!?\"'\u201d\u2019:)\u00bb"
_NOT_ALNUM = re.compile(r"[\W_]+")


def pdf_chapters(path: Path, meta: Meta) -> list[Chapter]:
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ManuscriptError("the PDF is password-protected")
        _metadata(reader, meta)
        pages = [_page_lines(page.extract_text() or "") for page in reader.pages]
        outline = _outline(reader)
    except ManuscriptError:
        raise
    except LimitReachedError as exc:
        raise ManuscriptError("the PDF inflates beyond what can be read") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ManuscriptError("the PDF is damaged and cannot be read") from exc
    _drop_running_heads(pages)
    lines: list[str] = []
    page_start: list[int] = []
    for page in pages:
        page_start.append(len(lines))
        lines.extend(page)
        lines.append("")  # a page break may end a paragraph; blank lines do
    if not any(line.strip() for line in lines):
        raise ManuscriptError("the PDF has no readable text (it may be a scanned image)")
    if len(outline) >= 2:
        chapters = _from_outline(lines, page_start, outline, meta)
        if len(chapters) >= 2:
            return chapters
    return build_chapters(line_blocks(lines), meta)


def _metadata(reader: PdfReader, meta: Meta) -> None:
    info = reader.metadata
    if info is not None:
        meta.offer(title=info.title, author=info.author)
    lang = reader.root_object.get("/Lang")
    if isinstance(lang, str):
        meta.offer(language=language_code(lang))


def _page_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    # Page numbers open or close a page.
    while lines and (not lines[0] or _PAGE_NUMBER.fullmatch(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1] or _PAGE_NUMBER.fullmatch(lines[-1])):
        lines.pop()
    return lines


def _drop_running_heads(pages: list[list[str]]) -> None:
    """A line that opens (or closes) many pages is a running head (or foot)."""
    if len(pages) < 4:
        return
    for edge in (0, -1):
        counts = Counter(_key(page[edge]) for page in pages if page)
        repeated = {k for k, c in counts.items() if k and c >= 3 and c * 10 >= len(pages) * 3}
        for page in pages:
            if page and _key(page[edge]) in repeated and not match_heading(page[edge], strict=True):
                page.pop(edge)


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower()).strip()


# --- paragraphs ---------------------------------------------------------------------------


def line_blocks(lines: list[str]) -> list[Block]:
    """Rebuild paragraphs from extracted lines."""
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[int(len(lengths) * 0.8)] if lengths else 0
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            text = clean_paragraph(_join(para))
            if text:
                blocks.append(Block(Kind.PARA, text))
            para.clear()

    after_heading = False
    for line in lines:
        if not line:
            flush()
            after_heading = False
            continue
        if match_heading(line, strict=True) or (after_heading and looks_like_title(line)):
            flush()
            para.append(line)
            flush()
            after_heading = not after_heading
            continue
        after_heading = False
        para.append(line)
        if line[-1] in _SENTENCE_END and len(line) < full * 0.75:
            flush()
    flush()
    return blocks


def _join(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if len(out) > 1 and out[-1] == "-" and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line  # a word hyphenated at the end of a line
        else:
            out = f"{out} {line}"
    return out


# --- outline ------------------------------------------------------------------------------


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page index) of the top outline entries; a single top entry
    (the book itself) is replaced by its children."""
    try:
        items: list[Any] = list(reader.outline)
    except (PdfReadError, PyPdfError, KeyError, ValueError, TypeError):
        return []
    top = [i for i in items if not isinstance(i, list)]
    if len(top) == 1:
        children = next((i for i in items if isinstance(i, list)), [])
        top = [i for i in children if not isinstance(i, list)]
    entries: list[tuple[str, int]] = []
    for dest in top:
        try:
            page = reader.get_destination_page_number(dest)
        except (PdfReadError, PyPdfError, KeyError, ValueError, TypeError):
            continue
        title = collapse(str(getattr(dest, "title", "") or ""))
        if page is not None and page >= 0 and title:
            entries.append((title, page))
    return entries


def _from_outline(
    lines: list[str], page_start: list[int], outline: list[tuple[str, int]], meta: Meta
) -> list[Chapter]:
    starts: list[tuple[int, str]] = []
    for title, page in outline:
        if page >= len(page_start):
            continue
        begin = page_start[page]
        end = page_start[page + 1] if page + 1 < len(page_start) else len(lines)
        starts.append((_find_heading(lines, begin, end, title), title))
    starts.sort()
    sections: list[Section] = []
    for n, (start, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if is_skipped(title) or end <= start:
            continue
        sections.append(_outline_section(title, lines[start:end]))
    return finish_sections(sections, meta)


def _find_heading(lines: list[str], begin: int, end: int, title: str) -> int:
    want = _NOT_ALNUM.sub("", title.lower())
    for i in range(begin, min(end, begin + 40)):
        have = _NOT_ALNUM.sub("", lines[i].lower())
        if have and (want.startswith(have) or have.startswith(want)):
            return i
    return begin


def _outline_section(title: str, lines: list[str]) -> Section:
    """The outline entry names the chapter; the heading lines that open its
    text are not read, though a subtitle among them completes the title."""
    want = _NOT_ALNUM.sub("", title.lower())
    heading = match_heading(title, strict=False)
    rest = heading.rest if heading else ""
    skip = 0
    while skip < min(3, len(lines)):
        line = lines[skip]
        have = _NOT_ALNUM.sub("", line.lower())
        if not line:
            skip += 1
        elif have and have in want:
            skip += 1
        elif heading and not rest and skip > 0 and looks_like_title(line):
            rest = line
            skip += 1
        else:
            break
    body = line_blocks(lines[skip:])
    if heading is None:
        return Section(title, "", False, body)
    label = heading.label
    return Section(format_title(label, rest, heading.sep), label.upper(), heading.is_part, body)
