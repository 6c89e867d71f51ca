"""EPUB 2 and 3, read with zipfile and lxml.

ebooklib would do this, but it is AGPL-licensed, which this Apache-2.0 engine
must not depend on at run time (the tests use it only to *build* EPUBs).

container.xml names the package document (OPF); its metadata gives title,
author, language and cover, its spine the reading order, and its navigation
document (EPUB 3) or NCX (EPUB 2) the chapters.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

from lxml import etree

from soundstage.audiobooks.manuscript._html import (
    _EPUB_TYPE,
    html_blocks,
    local_name,
    parse_xhtml,
    strip_gutenberg_blocks,
)
from soundstage.audiobooks.manuscript._model import Block, Chapter, Kind, ManuscriptError, Meta
from soundstage.audiobooks.manuscript._structure import (
    Section,
    build_chapters,
    finish_sections,
    format_title,
    is_skipped,
    match_heading,
)
from soundstage.audiobooks.manuscript._text import collapse, language_code

_MAX_MEMBERS = 10_000
_MAX_TOTAL = 200 * 1024 * 1024  # zip-bomb guard on the declared sizes
_MAX_MEMBER = 32 * 1024 * 1024
_MAX_COVER = 16 * 1024 * 1024

_OPF_NS = "{http://www.idpf.org/2007/opf}"
_DC_NS = "{http://purl.org/dc/elements/1.1/}"
_NCX_NS = "{http://www.daisy.org/z3986/2005/ncx/}"
_CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_HTML_TYPES = ("application/xhtml+xml", "text/html", "application/xml")

_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)


@dataclass(frozen=True, slots=True)
class _Item:
    href: str  # path inside the zip
    media_type: str
    properties: str


@dataclass(frozen=True, slots=True)
class _NavEntry:
    label: str
    path: str
    fragment: str


def epub_chapters(path: Path, meta: Meta) -> list[Chapter]:
    try:
        with zipfile.ZipFile(path) as zf:
            return _read(zf, meta)
    except ManuscriptError:
        raise
    # zipfile reports damage through many types (see uploads/sniff.py).
    except (zipfile.BadZipFile, EOFError, zlib.error, struct.error, ValueError, OSError) as exc:
        raise ManuscriptError("the EPUB is damaged and cannot be read") from exc
    except NotImplementedError as exc:
        raise ManuscriptError("the EPUB uses an unsupported compression method") from exc


def _read(zf: zipfile.ZipFile, meta: Meta) -> list[Chapter]:
    infos = zf.infolist()
    if len(infos) > _MAX_MEMBERS or sum(i.file_size for i in infos) > _MAX_TOTAL:
        raise ManuscriptError("the EPUB is too large to read")
    if any(i.flag_bits & 0x1 for i in infos):
        raise ManuscriptError("the EPUB is encrypted")
    names = set(zf.namelist())

    opf_path = _rootfile(zf, names)
    opf = _xml(zf, opf_path, names)
    if opf is None:
        raise ManuscriptError("the EPUB has no package document")
    base = posixpath.dirname(opf_path)
    manifest: dict[str, _Item] = {}
    for item in opf.iter(f"{_OPF_NS}item"):
        ident, href = item.get("id"), item.get("href")
        if ident and href:
            manifest[ident] = _Item(
                _resolve(base, href), item.get("media-type", ""), item.get("properties", "")
            )
    _metadata(zf, opf, manifest, names, meta)

    spine_el = opf.find(f"{_OPF_NS}spine")
    spine: list[str] = []
    if spine_el is not None:
        for ref in spine_el.iter(f"{_OPF_NS}itemref"):
            item = manifest.get(ref.get("idref", ""))
            if item and ref.get("linear", "yes") != "no" and item.href not in spine:
                if item.media_type in _HTML_TYPES or item.href.endswith(
                    (".xhtml", ".html", ".htm")
                ):
                    spine.append(item.href)
    if _encrypted(zf, names) & set(spine):
        raise ManuscriptError("the EPUB is protected by DRM and its text cannot be read")
    entries = _nav_entries(zf, opf, manifest, spine_el, names)
    nav_paths = {i.href for i in manifest.values() if "nav" in i.properties.split()}

    wanted: dict[str, set[str]] = {}
    for e in entries:
        if e.fragment:
            wanted.setdefault(e.path, set()).add(e.fragment)
    blocks: list[Block] = []
    # Where each navigation target starts, as the anchor block itself: block
    # objects survive the Gutenberg stripping below, list positions do not.
    anchors: dict[tuple[str, str], Block] = {}
    for doc_path in spine:
        if doc_path in nav_paths:
            continue  # the navigation document is the table of contents itself
        data = _member(zf, doc_path, names)
        if data is None:
            continue
        root = parse_xhtml(data)
        start = Block(Kind.ANCHOR, doc_path)
        anchors[(doc_path, "")] = start
        blocks.append(start)
        body = next((el for el in root.iter() if local_name(el.tag) == "body"), root)
        for b in html_blocks(body, wanted.get(doc_path, ())):
            if b.kind is Kind.ANCHOR:
                anchors.setdefault((doc_path, b.text), b)
            blocks.append(b)
    blocks = strip_gutenberg_blocks(blocks, meta)
    if not any(b.kind is not Kind.ANCHOR for b in blocks):
        raise ManuscriptError("the EPUB has no readable text")
    chapters = _from_navigation(blocks, entries, anchors, meta)
    if len(chapters) >= 2:
        return chapters
    warned = len(meta.warnings)
    by_headings = build_chapters(blocks, meta)
    if len(by_headings) > len(chapters):
        if entries:
            meta.warnings.append(
                "the EPUB's table of contents did not list the chapters: "
                "they were found from the headings"
            )
        return by_headings
    del meta.warnings[warned:]  # about a reading that is not used
    return chapters


def _encrypted(zf: zipfile.ZipFile, names: set[str]) -> set[str]:
    """Members listed in META-INF/encryption.xml. Fonts are routinely
    obfuscated that way; encrypted text documents mean DRM."""
    root = _xml(zf, "META-INF/encryption.xml", names)
    if root is None:
        return set()
    return {
        _resolve("", uri)
        for el in root.iter()
        if local_name(el.tag) == "cipherreference" and (uri := el.get("URI"))
    }


def _rootfile(zf: zipfile.ZipFile, names: set[str]) -> str:
    container = _xml(zf, "META-INF/container.xml", names)
    if container is not None:
        for rf in container.iter(f"{_CONTAINER_NS}rootfile"):
            full = rf.get("full-path")
            if isinstance(full, str) and full in names:
                return full
    opfs = sorted(n for n in names if n.endswith(".opf"))
    if not opfs:
        raise ManuscriptError("the EPUB has no package document")
    return opfs[0]


def _member(
    zf: zipfile.ZipFile, name: str, names: set[str], limit: int | None = None
) -> bytes | None:
    if name not in names:
        return None
    if limit is None:
        limit = _MAX_MEMBER  # read at call time: a parse budget may have lowered it
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise ManuscriptError(f"the EPUB's {posixpath.basename(name)} is too large")
    with zf.open(info) as fh:
        return fh.read(limit + 1)[:limit]


def _xml(zf: zipfile.ZipFile, name: str, names: set[str]) -> Any:
    data = _member(zf, name, names)
    if not data:
        return None
    try:
        return etree.fromstring(data, parser=_XML)
    except etree.XMLSyntaxError:
        return None


def _resolve(base: str, href: str) -> str:
    path = unquote(urldefrag(href)[0])
    return posixpath.normpath(posixpath.join(base, path)).lstrip("/")


# --- metadata ----------------------------------------------------------------------------


def _metadata(
    zf: zipfile.ZipFile, opf: Any, manifest: dict[str, _Item], names: set[str], meta: Meta
) -> None:
    md = opf.find(f"{_OPF_NS}metadata")
    if md is None:
        return

    def first(tag: str) -> str | None:
        for el in md.iter(f"{_DC_NS}{tag}"):
            text = collapse("".join(el.itertext()))
            if text:
                return text
        return None

    meta.offer(title=first("title"), author=first("creator"))
    meta.offer(language=language_code(first("language")))

    cover: _Item | None = None
    for item in manifest.values():
        if "cover-image" in item.properties.split():
            cover = item
            break
    if cover is None:
        for el in md.iter(f"{_OPF_NS}meta"):
            if el.get("name") == "cover" and el.get("content") in manifest:
                cover = manifest[el.get("content")]
                break
    if cover is None:
        cover = next(
            (
                i
                for ident, i in manifest.items()
                if i.media_type.startswith("image/") and "cover" in (ident + i.href).lower()
            ),
            None,
        )
    if cover is not None:
        try:
            data = _member(zf, cover.href, names, _MAX_COVER)
        except ManuscriptError:
            data = None
        set_cover(meta, data)


def set_cover(meta: Meta, data: bytes | None) -> None:
    """Keep *data* as the cover if it is a PNG or JPEG image (by its bytes)."""
    if not data or meta.cover is not None:
        return
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        meta.cover, meta.cover_type = data, "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        meta.cover, meta.cover_type = data, "image/jpeg"
    else:
        meta.warnings.append("the cover image is not PNG or JPEG and was not used")


# --- navigation ---------------------------------------------------------------------------


def _nav_entries(
    zf: zipfile.ZipFile, opf: Any, manifest: dict[str, _Item], spine_el: Any, names: set[str]
) -> list[_NavEntry]:
    nav_item = next((i for i in manifest.values() if "nav" in i.properties.split()), None)
    if nav_item is not None:
        from_nav = _nav_document(zf, nav_item.href, names)
        if from_nav:
            return from_nav
    ncx: _Item | None = None
    if spine_el is not None and spine_el.get("toc") in manifest:
        ncx = manifest[spine_el.get("toc")]
    if ncx is None:
        ncx = next(
            (i for i in manifest.values() if i.media_type == "application/x-dtbncx+xml"), None
        )
    if ncx is None:
        return []
    root = _xml(zf, ncx.href, names)
    if root is None:
        return []
    base = posixpath.dirname(ncx.href)
    entries: list[_NavEntry] = []
    for point in root.iter(f"{_NCX_NS}navPoint"):
        label_el = point.find(f"{_NCX_NS}navLabel")
        content = point.find(f"{_NCX_NS}content")
        if label_el is None or content is None or not content.get("src"):
            continue
        entries.append(_entry(base, content.get("src"), "".join(label_el.itertext())))
    return entries


def _nav_document(zf: zipfile.ZipFile, href: str, names: set[str]) -> list[_NavEntry]:
    data = _member(zf, href, names)
    if not data:
        return []
    root = parse_xhtml(data)
    navs = [el for el in root.iter() if local_name(el.tag) == "nav"]
    toc = next(
        (n for n in navs if "toc" in (n.get(_EPUB_TYPE) or n.get("epub:type") or "").split()),
        navs[0] if navs else None,
    )
    if toc is None:
        return []
    base = posixpath.dirname(href)
    return [
        _entry(base, a.get("href"), "".join(a.itertext()))
        for a in toc.iter()
        if local_name(a.tag) == "a" and a.get("href")
    ]


def _entry(base: str, href: str, label: str) -> _NavEntry:
    fragment = unquote(urldefrag(href)[1])
    return _NavEntry(collapse(label), _resolve(base, href), fragment)


def _from_navigation(
    blocks: list[Block],
    entries: list[_NavEntry],
    anchors: dict[tuple[str, str], Block],
    meta: Meta,
) -> list[Chapter]:
    """One chapter per table-of-contents entry, from where it points to the
    next entry; entries for the cover, contents, copyright page and the like
    mark text that is not read."""
    position = {id(b): n for n, b in enumerate(blocks) if b.kind is Kind.ANCHOR}
    located: dict[int, _NavEntry] = {}
    for e in entries:
        anchor = anchors.get((e.path, e.fragment)) or anchors.get((e.path, ""))
        pos = position.get(id(anchor)) if anchor is not None else None
        if pos is not None:
            located[pos] = e  # a later entry at the same place is the more specific one
    starts = sorted(located)
    sections: list[Section] = []
    for n, start in enumerate(starts):
        e = located[start]
        if is_skipped(e.label) or "gutenberg" in e.label.lower():
            continue
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        body = [b for b in blocks[start:end] if b.kind is not Kind.ANCHOR]
        sections.append(_nav_section(e.label, body))
    return finish_sections(sections, meta)


def _nav_section(label: str, body: list[Block]) -> Section:
    """The entry's label is the title; the headings that open the document
    are that title on the page and are not read, though they may complete
    it: a "CHAPTER I" entry over "CHAPTER I." and "HER TWELFTH BIRTHDAY"."""
    lead: list[Block] = []
    while body and body[0].kind is Kind.HEADING:
        lead.append(body.pop(0))
    heading = match_heading(label, strict=False)
    if heading is None:
        return Section(label, "", False, body)
    rest, sep = heading.rest, heading.sep
    if not rest and lead:
        first = match_heading(lead[0].text, strict=False)
        if first and first.label.upper() == heading.label.upper():
            rest = first.rest or (lead[1].text if len(lead) > 1 else "")
            sep = first.sep
    title = format_title(heading.label, rest, sep)
    unjoined = (heading.label, rest) if rest and not sep else None
    return Section(title, heading.label.upper(), heading.is_part, body, unjoined)
