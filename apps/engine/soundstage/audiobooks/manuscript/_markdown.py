"""Markdown to blocks (CommonMark plus tables, through markdown-it-py)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from soundstage.audiobooks.manuscript._html import html_blocks, parse_html
from soundstage.audiobooks.manuscript._model import Block, Kind, ManuscriptError, Meta
from soundstage.audiobooks.manuscript._structure import match_heading
from soundstage.audiobooks.manuscript._text import clean_paragraph, language_code

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_FIELD = re.compile(r"^(title|author|lang|language)\s*:\s*(.+?)\s*$", re.I | re.M)
_PANDOC_TITLE = re.compile(r"\A%[ \t]*(.+)\n(?:%[ \t]*(.*)\n)?")


def markdown_blocks(text: str, meta: Meta) -> list[Block]:
    text = _front_matter(text, meta)
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(text)
    blocks: list[Block] = []
    row: list[str] | None = None
    heading_level = 0
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1:])
        elif t == "heading_close":
            heading_level = 0
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            if row is not None:
                _add(blocks, Kind.PARA, " ".join(row))
            row = None
        elif t == "inline":
            content = _inline_text(tok)
            if row is not None:
                row.append(content)
            elif heading_level:
                _add(blocks, Kind.HEADING, content, heading_level)
            else:
                _add(blocks, Kind.PARA, content)
        elif t in ("fence", "code_block"):
            for part in re.split(r"\n[ \t]*\n", tok.content):
                _add(blocks, Kind.PARA, part)
        elif t == "html_block":
            try:
                blocks.extend(html_blocks(parse_html(tok.content)))
            except ManuscriptError:
                pass  # only a comment or an empty tag: nothing to read
    return _title_heading(blocks, meta)


def _inline_text(tok: Token) -> str:
    parts: list[str] = []
    for child in tok.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        # Images are illustrations and inline HTML is markup: not read.
    return "".join(parts)


def _add(blocks: list[Block], kind: Kind, text: str, level: int = 0) -> None:
    cleaned = clean_paragraph(text)
    if cleaned:
        blocks.append(Block(kind, cleaned, level))


def _front_matter(text: str, meta: Meta) -> str:
    m = _FRONT_MATTER.match(text)
    if m:
        fields = {k.lower(): v.strip("\"' ") for k, v in _FRONT_FIELD.findall(m.group(1))}
        meta.offer(
            title=fields.get("title"),
            author=fields.get("author"),
            language=language_code(fields.get("lang") or fields.get("language")),
        )
        return text[m.end() :]
    p = _PANDOC_TITLE.match(text)
    if p:
        meta.offer(title=p.group(1), author=p.group(2))
        return text[p.end() :]
    return text


def _title_heading(blocks: list[Block], meta: Meta) -> list[Block]:
    """A lone top-level heading that opens the file is the book's title."""
    top = [b for b in blocks if b.kind is Kind.HEADING and b.level == 1]
    if (
        len(top) == 1
        and blocks
        and blocks[0] is top[0]
        and not match_heading(top[0].text, strict=False)
    ):
        blocks[0] = Block(Kind.TITLE, top[0].text)
    return blocks
