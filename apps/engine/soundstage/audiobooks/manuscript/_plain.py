"""Plain text to blocks: paragraphs, and heading lines split off their paragraph."""

from __future__ import annotations

from soundstage.audiobooks.manuscript._model import Block, Kind
from soundstage.audiobooks.manuscript._structure import match_heading
from soundstage.audiobooks.manuscript._text import clean_paragraph

_LONG_LINE = 150


def text_blocks(text: str, *, plain_markup: bool = True) -> list[Block]:
    """Split LF-terminated text into paragraphs.

    Hard-wrapped text (Gutenberg, most editors' "save as text") separates
    paragraphs with blank lines. Text pasted from a word processor puts each
    paragraph on one long line, often with no blank line between them; and a
    few hard-wrapped texts mark paragraphs only by indenting their first line.
    """
    lines = text.strip("\n").split("\n")
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        return []
    long_lines = sum(1 for line in nonblank if len(line) > _LONG_LINE)
    blank = len(lines) - len(nonblank)
    one_per_line = long_lines * 10 > len(nonblank) * 3
    by_indent = not one_per_line and len(nonblank) > 20 and blank * 20 < len(nonblank)

    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if not para:
            return
        first = para[0].strip()
        if (
            len(para) > 1
            and match_heading(first, strict=True)
            # Several heading lines in one paragraph are a table of contents.
            and not any(match_heading(line.strip(), strict=True) for line in para[1:])
        ):
            # "CHAPTER I." directly above the chapter's first line.
            _emit(blocks, first, plain_markup)
            del para[0]
        _emit(blocks, " ".join(para), plain_markup)
        para.clear()

    for line in lines:
        if not line.strip():
            flush()
        elif one_per_line:
            para.append(line)
            flush()
        else:
            if by_indent and para and line[:1] in (" ", "\t") and para[-1][:1] not in (" ", "\t"):
                flush()
            para.append(line)
    flush()
    return blocks


def _emit(blocks: list[Block], text: str, plain_markup: bool) -> None:
    cleaned = clean_paragraph(text, plain_markup=plain_markup)
    if cleaned:
        blocks.append(Block(Kind.PARA, cleaned))
