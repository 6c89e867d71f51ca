"""HTML and XHTML to blocks, for HTML uploads, EPUB documents and the raw
HTML that Markdown may contain."""

from __future__ import annotations

import codecs
import re
from collections.abc import Collection
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from soundstage.audiobooks.manuscript._model import Block, Kind, ManuscriptError, Meta
from soundstage.audiobooks.manuscript._text import (
    clean_paragraph,
    collapse,
    decode_text,
    gutenberg_fields,
    gutenberg_title,
    is_gutenberg_end,
    is_gutenberg_start,
    language_code,
)

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    "p div section article main header footer aside blockquote li dd dt tr pre address "
    "center body table tbody thead tfoot ul ol dl hgroup details summary caption hr".split()
)
# Not read: code, metadata, navigation, media and their captions, forms.
_DROPPED_TAGS = frozenset(
    "script style head title nav noscript svg math img figure figcaption audio video "
    "iframe object embed template button form select textarea input map canvas rt rp".split()
)
# Gutenberg and EPUB conventions for page numbers, line numbers, illustrations
# and their captions, and footnote markers.
_DROPPED_CLASSES = frozenset(
    "pagenum pageno linenum caption illustration figcenter figleft figright figure fig "
    "image fnanchor noteref".split()
)
_DROPPED_EPUB_TYPES = frozenset(
    "pagebreak toc landmarks page-list noteref footnote endnote rearnote".split()
)
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DECLARED_CHARSET = re.compile(
    rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)|"""
    rb"""<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)

_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def local_name(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


# --- parsing --------------------------------------------------------------------------


def decode_html(data: bytes) -> str:
    """Decode HTML by its BOM, its declared charset, or by content."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    m = _DECLARED_CHARSET.search(data[:4096])
    if m:
        declared = (m.group(1) or m.group(2)).decode("ascii").lower()
        # As browsers do: a Latin-1 declaration means Windows-1252.
        if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            declared = "cp1252"
        try:
            return decode_text(data.decode(declared).encode("utf-8"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def parse_html(text: str) -> Any:
    """An lxml tree of an HTML (or XHTML) document, parsed leniently."""
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise ManuscriptError("the HTML file has no readable text")
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ManuscriptError("the HTML could not be read") from exc


def parse_xhtml(data: bytes) -> Any:
    """An EPUB content document: strict XML first (what EPUB requires), then
    the HTML parser for the many books that are not well-formed."""
    try:
        return etree.fromstring(data, parser=_SAFE_XML)
    except etree.XMLSyntaxError:
        return parse_html(decode_html(data))


# --- blocks ----------------------------------------------------------------------------


def _dropped(el: Any, tag: str) -> bool:
    if tag in _DROPPED_TAGS:
        return True
    classes = el.get("class")
    if classes and not _DROPPED_CLASSES.isdisjoint(classes.split()):
        return True
    epub_type = el.get(_EPUB_TYPE) or el.get("epub:type") or el.get("role")
    if epub_type:
        return not _DROPPED_EPUB_TYPES.isdisjoint(epub_type.replace("doc-", "").split())
    return False


def html_blocks(root: Any, anchors: Collection[str] = ()) -> list[Block]:
    """The readable paragraphs and headings under *root*, in document order.

    An element whose id is in *anchors* leaves a :data:`Kind.ANCHOR` block
    where it starts, so an EPUB's table of contents can point into the text.
    """
    out: list[Block] = []
    buf: list[str] = []
    heading_level = 0
    heading_depth = 0  # nesting of headings inside headings
    pre_depth = 0

    def flush() -> None:
        if buf:
            text = clean_paragraph("".join(buf))
            buf.clear()
            if text:
                out.append(Block(Kind.PARA, text))

    walker = etree.iterwalk(root, events=("start", "end"))
    skipped: set[Any] = set()
    for event, el in walker:
        tag = local_name(el.tag)
        if event == "start":
            if not tag or _dropped(el, tag):
                skipped.add(el)
                walker.skip_subtree()
                continue
            if anchors:
                ident = el.get("id") or (el.get("name") if tag == "a" else None)
                if ident and ident in anchors:
                    if not heading_depth:
                        flush()
                    out.append(Block(Kind.ANCHOR, ident))
            level = _HEADINGS.get(tag)
            if tag == "br":
                buf.append("\n")
            elif level:
                if not heading_depth:
                    flush()
                    heading_level = level
                heading_depth += 1
            elif heading_depth:
                pass  # markup inside a heading is part of its text
            elif tag == "pre":
                flush()
                pre_depth += 1
            elif tag in _BLOCKS and not pre_depth:
                flush()
            elif tag in ("td", "th"):
                buf.append(" ")
            if el.text:
                buf.append(el.text)
            continue

        # end
        if el in skipped:
            skipped.discard(el)
        elif tag in _HEADINGS:
            heading_depth -= 1
            if not heading_depth:
                text = clean_paragraph("".join(buf))
                buf.clear()
                if text:
                    out.append(Block(Kind.HEADING, text, heading_level))
        elif heading_depth:
            pass
        elif tag == "pre":
            pre_depth -= 1
            if not pre_depth:
                # Preformatted text keeps its blank-line paragraphs.
                for part in re.split(r"\n[ \t]*\n", "".join(buf)):
                    text = clean_paragraph(part)
                    if text:
                        out.append(Block(Kind.PARA, text))
                buf.clear()
        elif tag in _BLOCKS and not pre_depth:
            flush()
        elif tag in ("td", "th"):
            buf.append(" ")
        if el.tail:
            buf.append(el.tail)
    flush()
    return out


def strip_gutenberg_blocks(blocks: list[Block], meta: Meta) -> list[Block]:
    """Drop a Project Gutenberg header and footer found among *blocks*,
    reading the title, author and language from the header."""
    start = -1
    for i, b in enumerate(blocks[: max(len(blocks) // 2, 200)]):
        if b.kind is not Kind.ANCHOR and is_gutenberg_start(b.text):
            start = i
    if start >= 0:
        gutenberg_fields("\n".join(b.text for b in blocks[:start]), meta)
        blocks = blocks[start + 1 :]
        while blocks and blocks[0].kind is Kind.PARA and _is_credit(blocks[0].text):
            blocks = blocks[1:]
    for i, b in enumerate(blocks):
        if b.kind is not Kind.ANCHOR and is_gutenberg_end(b.text):
            return blocks[:i]
    return blocks


_CREDIT = re.compile(r"(?:Produced by|E-?text prepared by|Transcribed (?:from|by))\b", re.I)


def _is_credit(text: str) -> bool:
    return _CREDIT.match(text) is not None


# --- metadata --------------------------------------------------------------------------

_TITLE_META = ("dc.title", "dcterms.title", "og:title", "citation_title", "title")
_AUTHOR_META = ("author", "dc.creator", "dcterms.creator", "citation_author", "book:author")
_LANG_META = ("dc.language", "dcterms.language", "language", "content-language")


def html_meta(root: Any, meta: Meta) -> None:
    """Title, author and language from an HTML document's head."""
    named: dict[str, str] = {}
    title_text = ""
    for el in root.iter():
        tag = local_name(el.tag)
        if tag == "meta":
            key = (el.get("name") or el.get("property") or el.get("http-equiv") or "").lower()
            content = el.get("content")
            if key and content and key not in named:
                named[key] = content
        elif tag == "title" and not title_text:
            title_text = collapse("".join(el.itertext()))
        elif tag == "body":
            break
    meta.offer(
        title=next((named[k] for k in _TITLE_META if k in named), None),
        author=next((named[k] for k in _AUTHOR_META if k in named), None),
    )
    if title_text:
        pg = gutenberg_title(title_text)
        if pg:
            meta.offer(title=pg[0], author=pg[1])
        else:
            meta.offer(title=title_text)
    lang = root.get("lang") or root.get(_XML_LANG)
    if not lang:
        lang = next((named[k] for k in _LANG_META if k in named), None)
    meta.offer(language=language_code(lang))
