"""Word documents (.docx) through python-docx.

Headings are paragraphs whose style is, or is based on, "Heading 1".."Heading
6" or carries an outline level; the "Title" style is the book's title.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table
from docx.text.paragraph import Paragraph

from soundstage.audiobooks.manuscript._epub import set_cover
from soundstage.audiobooks.manuscript._model import Block, Kind, ManuscriptError, Meta
from soundstage.audiobooks.manuscript._text import clean_paragraph, language_code

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_HEADING_NAME = re.compile(r"heading\s*([1-6])", re.IGNORECASE)
_TITLE = -1
# What python-docx's and Word's templates put in the author field when
# nobody set it: not an author.
_DEFAULT_AUTHORS = frozenset({"python-docx", "microsoft office user", "unknown", "administrator"})


_MAX_UNCOMPRESSED = 200 * 1024 * 1024  # python-docx inflates every part in memory
# Any one part, inflated (a budget may lower it: manuscript.budget).
_MAX_MEMBER = 32 * 1024 * 1024


def docx_blocks(path: Path, meta: Meta) -> list[Block]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > _MAX_UNCOMPRESSED:
                raise ManuscriptError("the Word document is too large to read")
            if any(i.file_size > _MAX_MEMBER for i in infos):
                raise ManuscriptError("a part of the Word document is too large to read")
        document = docx.Document(str(path))
    except ManuscriptError:
        raise
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise ManuscriptError("the Word document is damaged and cannot be read") from exc
    except MemoryError:
        raise  # a parse budget's memory limit (manuscript.budget), not a bad file
    # python-docx raises a variety of its own types for a bad package.
    except Exception as exc:
        raise ManuscriptError("the Word document cannot be read") from exc

    props = document.core_properties
    author = props.author or ""
    meta.offer(
        title=props.title,
        author=None if author.strip().lower() in _DEFAULT_AUTHORS else author,
        language=language_code(props.language),
    )

    levels: dict[str, int] = {}
    blocks: list[Block] = []
    seen_heading = False
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    # Merged cells come back once per grid column.
                    if not cells or cells[-1] != cell.text:
                        cells.append(cell.text)
                _add(blocks, Kind.PARA, " ".join(cells), 0)
            continue
        level = _level(item, document, levels)
        if level:
            seen_heading = True
        elif not seen_heading and meta.cover is None:
            _cover(item, document, meta)
        if level == _TITLE:
            _add(blocks, Kind.TITLE, item.text, 0)
        elif level:
            _add(blocks, Kind.HEADING, item.text, level)
        else:
            _add(blocks, Kind.PARA, item.text, 0)
    return blocks


def _add(blocks: list[Block], kind: Kind, text: str, level: int) -> None:
    cleaned = clean_paragraph(text)
    if cleaned:
        blocks.append(Block(kind, cleaned, level))


def _level(p: Paragraph, document: Any, cache: dict[str, int]) -> int:
    """1-6 for a heading, _TITLE for the title, 0 for body text."""
    ppr = p._p.pPr
    if ppr is not None:
        outline = ppr.find(f"{_W}outlineLvl")
        if outline is not None:
            return _outline(outline)
    style_id = p._p.style or ""
    if style_id not in cache:
        cache[style_id] = _style_level(document, style_id)
    return cache[style_id]


def _style_level(document: Any, style_id: str) -> int:
    try:
        style = document.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH) if style_id else None
    except (KeyError, ValueError):
        style = None
    for _ in range(10):  # a style chain deeper than this is a loop
        if style is None:
            return 0
        name = (style.name or "").strip()
        m = _HEADING_NAME.fullmatch(name)
        if m:
            return int(m.group(1))
        if name.lower() == "title":
            return _TITLE
        ppr = style.element.pPr
        if ppr is not None:
            outline = ppr.find(f"{_W}outlineLvl")
            if outline is not None:
                return _outline(outline)
        style = style.base_style
    return 0


def _outline(el: Any) -> int:
    try:
        value = int(el.get(f"{_W}val", "9"))
    except ValueError:
        return 0
    return value + 1 if value < 6 else 0  # 9 means body text


def _cover(p: Paragraph, document: Any, meta: Meta) -> None:
    """A picture before the first heading is the cover."""
    for blip in p._p.iter(_BLIP):
        rel = blip.get(_EMBED)
        part = document.part.related_parts.get(rel) if rel else None
        blob = getattr(part, "blob", None)
        if isinstance(blob, bytes):
            set_cover(meta, blob)
            return
