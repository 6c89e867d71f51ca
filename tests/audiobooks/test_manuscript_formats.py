"""EPUB, Word, Markdown and PDF manuscripts built in the test from the corpus
book give the same chapters as its HTML edition."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Inches
from ebooklib import epub
from pypdf import PdfReader, PdfWriter

from soundstage.audiobooks.manuscript import Manuscript, ManuscriptError, parse_manuscript

BOOK = "little-colonels-hero"
TITLE = "The Little Colonel's Hero"
AUTHOR = "Annie Fellows Johnston"
LABELS = [f"CHAPTER {n}" for n in "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI".split()]


def _label_sep(title: str) -> str:
    """A title with the separator after its number unified (the heading's own
    separator is kept: "CHAPTER XVI." and "CHAPTER XVI" differ in the source)."""
    return re.sub(r"^(\S+ [IVXLC]+)[.:] ", r"\1 ", title)


@pytest.fixture(scope="module")
def reference(corpus: Path) -> Manuscript:
    """The HTML edition, parsed: what every other format must give back."""
    book = parse_manuscript(corpus / BOOK / "15122-h" / "15122-h.htm", "html")
    assert len(book.chapters) == 16
    return book


@pytest.fixture(scope="module")
def chapter_html(corpus: Path) -> list[str]:
    """The HTML edition cut into its chapters' markup, headings included.
    The last one runs on to the Gutenberg footer: "THE END." and the
    publisher's catalogue must still not be read."""
    raw = (corpus / BOOK / "15122-h" / "15122-h.htm").read_bytes().decode("cp1252")
    starts = [m.start() for m in re.finditer(r'<h2><a name="CHAPTER_', raw)]
    end = raw.index("<pre>", starts[-1])
    return [raw[s:e] for s, e in zip(starts, [*starts[1:], end], strict=True)]


def _subtitle(title: str) -> str:
    return re.split(r"[.:] ", title, maxsplit=1)[1]


# --- EPUB ---------------------------------------------------------------------------------


def _epub(
    path: Path,
    corpus: Path,
    chapter_html: list[str],
    *,
    nav: bool = True,
    one_file: bool = False,
) -> Path:
    book = epub.EpubBook()
    book.set_identifier("soundstage-test-15122")
    book.set_title(TITLE)
    book.set_language("en")
    book.add_author(AUTHOR)
    book.set_cover("cover.png", (corpus / BOOK / "cover.png").read_bytes())
    title_page = epub.EpubHtml(title="Title Page", file_name="title.xhtml", lang="en")
    title_page.content = (
        "<html><body><h1>THE LITTLE COLONEL'S HERO</h1><p>By ANNIE FELLOWS JOHNSTON</p>"
        "<p>Copyright, 1902, by L.C. Page &amp; Company. All rights reserved.</p></body></html>"
    )
    book.add_item(title_page)
    contents = epub.EpubHtml(title="Contents", file_name="contents.xhtml", lang="en")
    contents.content = (
        "<html><body><h2>CONTENTS</h2>"
        + "".join(f"<p>{label}.</p>" for label in LABELS)
        + "</body></html>"
    )
    book.add_item(contents)
    toc: list[epub.Link | epub.EpubHtml] = [
        epub.Link("title.xhtml", "Title Page", "title"),
        epub.Link("contents.xhtml", "Contents", "contents"),
    ]
    docs: list[epub.EpubHtml] = []
    if one_file:
        whole = epub.EpubHtml(title=TITLE, file_name="text/book.xhtml", lang="en")
        whole.content = "<html><body>" + "".join(chapter_html) + "</body></html>"
        docs.append(whole)
        toc += [
            epub.Link(f"text/book.xhtml#{label.replace(' ', '_')}", label, label)
            for label in LABELS
        ]
    else:
        for n, (label, markup) in enumerate(zip(LABELS, chapter_html, strict=True), 1):
            doc = epub.EpubHtml(title=label, file_name=f"text/chap_{n:02}.xhtml", lang="en")
            doc.content = f"<html><body>{markup}</body></html>"
            docs.append(doc)
        toc += docs
    for doc in docs:
        book.add_item(doc)
    book.toc = toc
    book.add_item(epub.EpubNcx())
    spine: list[str | epub.EpubHtml] = ["cover", title_page, contents, *docs]
    if nav:
        book.add_item(epub.EpubNav())
        spine.insert(1, "nav")
    book.spine = spine
    epub.write_epub(str(path), book)
    return path


@pytest.mark.parametrize(
    ("nav", "one_file"),
    [
        pytest.param(True, False, id="nav-and-ncx"),
        pytest.param(False, False, id="ncx-only"),
        pytest.param(True, True, id="one-document-with-fragments"),
    ],
)
def test_epub_gives_the_html_editions_chapters(
    tmp_path: Path,
    corpus: Path,
    chapter_html: list[str],
    reference: Manuscript,
    nav: bool,
    one_file: bool,
) -> None:
    path = _epub(tmp_path / "book.epub", corpus, chapter_html, nav=nav, one_file=one_file)
    book = parse_manuscript(path, "epub")
    assert [c.title for c in book.chapters] == [c.title for c in reference.chapters]
    assert [c.text for c in book.chapters] == [c.text for c in reference.chapters]
    assert (book.title, book.author, book.language) == (TITLE, AUTHOR, "en")
    assert book.cover == (corpus / BOOK / "cover.png").read_bytes()
    assert book.cover_type == "image/png"


def test_epub_without_navigation_falls_back_to_headings(
    tmp_path: Path, corpus: Path, chapter_html: list[str], reference: Manuscript
) -> None:
    path = _epub(tmp_path / "book.epub", corpus, chapter_html)
    stripped = tmp_path / "no-toc.epub"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".opf"):
                data = re.sub(rb'<item[^>]*(?:toc\.ncx|properties="nav")[^>]*/>', b"", data)
                data = data.replace(b' toc="ncx"', b"")
            dst.writestr(info, data)
    book = parse_manuscript(stripped, "epub")
    assert [c.title for c in book.chapters] == [c.title for c in reference.chapters]
    assert book.chapters[0].text == reference.chapters[0].text


def test_epub_with_no_text_is_refused(tmp_path: Path, corpus: Path) -> None:
    book = epub.EpubBook()
    book.set_identifier("empty")
    book.set_title("Empty")
    book.set_language("en")
    book.set_cover("cover.png", (corpus / BOOK / "cover.png").read_bytes())
    page = epub.EpubHtml(title="Blank", file_name="blank.xhtml")
    page.content = '<html><body><p><img src="cover.png" alt="cover"/></p><p> </p></body></html>'
    book.add_item(page)
    book.toc = [page]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["cover", "nav", page]
    path = tmp_path / "empty.epub"
    epub.write_epub(str(path), book)
    with pytest.raises(ManuscriptError, match="the EPUB has no readable text"):
        parse_manuscript(path, "epub")


def test_damaged_epub_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.epub"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("META-INF/container.xml", "<container/>")
    with pytest.raises(ManuscriptError):
        parse_manuscript(path, "epub")
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ManuscriptError, match="damaged"):
        parse_manuscript(path, "epub")


# --- Word ---------------------------------------------------------------------------------


def _docx(path: Path, corpus: Path, reference: Manuscript) -> Path:
    document = docx.Document()
    props = document.core_properties
    props.title = TITLE
    props.author = AUTHOR
    props.language = "en-US"
    document.add_picture(str(corpus / BOOK / "cover.png"), width=Inches(3))
    document.add_paragraph("THE LITTLE COLONEL'S HERO", style="Title")
    document.add_paragraph("By ANNIE FELLOWS JOHNSTON")
    document.add_paragraph("Copyright, 1902, by L.C. Page & Company. All rights reserved.")
    document.add_heading("CONTENTS", level=1)
    table = document.add_table(rows=0, cols=2)
    for chapter in reference.chapters:
        label, subtitle = re.split(r"[.:] ", chapter.title, maxsplit=1)
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, subtitle
    for chapter in reference.chapters:
        label = re.split(r"[.:] ", chapter.title, maxsplit=1)[0]
        document.add_heading(f"{label}.", level=1)
        document.add_heading(_subtitle(chapter.title), level=2)
        for paragraph in chapter.text.split("\n\n"):
            document.add_paragraph(paragraph)
    document.add_paragraph("THE END.")
    document.add_heading("About the Author", level=1)
    document.add_paragraph("Annie Fellows Johnston wrote the Little Colonel books.")
    document.save(str(path))
    return path


def test_docx_gives_the_same_chapters(tmp_path: Path, corpus: Path, reference: Manuscript) -> None:
    book = parse_manuscript(_docx(tmp_path / "book.docx", corpus, reference), "docx")
    # these documents write every number with a full stop ("CHAPTER XVI."), the text not
    assert [_label_sep(c.title) for c in book.chapters] == [
        _label_sep(c.title) for c in reference.chapters
    ]
    assert [c.text for c in book.chapters] == [c.text for c in reference.chapters]
    assert (book.title, book.author, book.language) == (TITLE, AUTHOR, "en-US")
    assert book.cover == (corpus / BOOK / "cover.png").read_bytes()
    assert book.cover_type == "image/png"


def test_docx_heading_and_title_on_one_line_and_default_author(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("My Novel", style="Title")
    for n in (1, 2):
        document.add_heading(f"Chapter {n}: The Part {n}", level=1)
        document.add_paragraph(f"Text of part {n}.")
    path = tmp_path / "novel.docx"
    document.save(str(path))
    book = parse_manuscript(path, "docx")
    # python-docx's template says the author is "python-docx": nobody is.
    assert (book.title, book.author, book.cover) == ("My Novel", None, None)
    assert [(c.title, c.text) for c in book.chapters] == [
        ("Chapter 1: The Part 1", "Text of part 1."),
        ("Chapter 2: The Part 2", "Text of part 2."),
    ]


def test_damaged_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<nope")
    with pytest.raises(ManuscriptError):
        parse_manuscript(path, "docx")


# --- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&])")


def _md_escape(paragraph: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", paragraph)
    # Line-start markers: headings, quotes, lists ("2." is escaped as "2\.").
    escaped = re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)
    return re.sub(r"^([#>+\-])", r"\\\1", escaped)


def test_markdown_gives_the_same_chapters(tmp_path: Path, reference: Manuscript) -> None:
    parts = [
        "---",
        f'title: "{TITLE}"',
        f"author: {AUTHOR}",
        "lang: en",
        "---",
        "",
        "![Cover](cover.png)",
        "",
        "THE LITTLE COLONEL'S HERO",
        "",
        "## Contents",
        "",
    ]
    parts += [f"1. {c.title}" for c in reference.chapters]
    for c in reference.chapters:
        label, subtitle = re.split(r"[.:] ", c.title, maxsplit=1)
        parts += ["", f"# {label}. {subtitle}", ""]
        parts += [_md_escape(p) + "\n" for p in c.text.split("\n\n")]
    parts += ["", "* * *", "", "THE END", ""]
    path = tmp_path / "book.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    book = parse_manuscript(path, "md")
    # these documents write every number with a full stop ("CHAPTER XVI."), the text not
    assert [_label_sep(c.title) for c in book.chapters] == [
        _label_sep(c.title) for c in reference.chapters
    ]
    assert [c.text for c in book.chapters] == [c.text for c in reference.chapters]
    assert (book.title, book.author, book.language) == (TITLE, AUTHOR, "en")


def test_markdown_sections_without_chapter_words(tmp_path: Path) -> None:
    text = (
        "# The Book\n\n## Contents\n\n- The Storm\n- The Calm\n\n"
        "## The Storm\n\nRain, *wind* and [thunder](https://example.com).\n\n"
        "> She said so.\n\n## The Calm\n\nThen `silence`.\n"
    )
    path = tmp_path / "b.md"
    path.write_text(text, encoding="utf-8")
    book = parse_manuscript(path, "md")
    assert book.title == "The Book"
    assert [(c.title, c.text) for c in book.chapters] == [
        ("The Storm", "Rain, wind and thunder.\n\nShe said so."),
        ("The Calm", "Then silence."),
    ]


# --- PDF ----------------------------------------------------------------------------------


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    out = bytearray(b"(")
    for byte in raw:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte >= 0x80:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def _wrap(paragraph: str, width: int = 80) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return lines


def _pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF, one text object per page in Helvetica, one line per Tj."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (A Test Book) /Author (Test Author) >>",
    ]
    kids: list[int] = []
    for n, lines in enumerate(pages, 1):
        ops = [b"BT /F1 10 Tf 12 TL 50 780 Td"]
        ops += [_pdf_string(line) + b" Tj T*" for line in lines]
        ops.append(b"ET")
        # A page number at the foot of each page, as printed books have.
        ops.append(b"BT /F1 9 Tf 300 30 Td " + _pdf_string(str(n)) + b" Tj ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_pages(reference: Manuscript) -> list[list[str]]:
    pages = [["THE LITTLE COLONEL'S HERO", "", "CONTENTS", *LABELS]]
    for chapter in reference.chapters:
        label, subtitle = re.split(r"[.:] ", chapter.title, maxsplit=1)
        lines = ["THE LITTLE COLONEL'S HERO", f"{label}.", subtitle]
        for paragraph in chapter.text.split("\n\n")[:3]:
            lines += _wrap(paragraph)
        pages.append(lines)
    return pages


def test_pdf_chapters_from_heading_lines(tmp_path: Path, reference: Manuscript) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(_pdf(_pdf_pages(reference)))
    book = parse_manuscript(path, "pdf")
    # these documents write every number with a full stop ("CHAPTER XVI."), the text not
    assert [_label_sep(c.title) for c in book.chapters] == [
        _label_sep(c.title) for c in reference.chapters
    ]
    assert (book.title, book.author, book.language) == ("A Test Book", "Test Author", "en-GB")
    for got, want in zip(book.chapters, reference.chapters, strict=True):
        expected = "\n\n".join(want.text.split("\n\n")[:3])
        # Line breaks are gone; the words, page numbers and running heads
        # aside, are the book's.
        assert got.text.split() == expected.split(), got.title
        assert "LITTLE COLONEL'S HERO" not in got.text


def test_pdf_chapters_from_the_outline(tmp_path: Path, reference: Manuscript) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(_pdf(_pdf_pages(reference)))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.add_outline_item(title="Contents", page_number=0)
    for n, label in enumerate(LABELS, 1):
        writer.add_outline_item(title=label.title(), page_number=n)
    path = tmp_path / "outlined.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    book = parse_manuscript(path, "pdf")
    # Titles come from the outline ("Chapter Iv" is what str.title() made
    # of the label: proof that the outline, not the page, named it), with
    # the page's subtitle completing them.
    assert [re.split(r"[.:] ", c.title)[0] for c in book.chapters] == [
        label.title() for label in LABELS
    ]
    assert [_subtitle(c.title) for c in book.chapters] == [
        _subtitle(c.title) for c in reference.chapters
    ]
    assert book.chapters[0].text.startswith('"Oh, Tarbaby! Everybody has forgotten')


def test_pdf_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([[]]).replace(b"(1) Tj", b"() Tj"))
    with pytest.raises(ManuscriptError, match="no readable text"):
        parse_manuscript(path, "pdf")


def test_damaged_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n" + zlib.compress(b"garbage") + b"\n%%EOF\n")
    with pytest.raises(ManuscriptError):
        parse_manuscript(path, "pdf")


def test_epub_with_drm_is_refused(tmp_path: Path, corpus: Path, chapter_html: list[str]) -> None:
    path = _epub(tmp_path / "book.epub", corpus, chapter_html)
    locked = tmp_path / "locked.epub"
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:CipherData><enc:CipherReference URI="EPUB/text/chap_01.xhtml"/>'
        "</enc:CipherData></enc:EncryptedData></encryption>"
    )
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(locked, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("META-INF/encryption.xml", encryption)
    with pytest.raises(ManuscriptError, match="DRM"):
        parse_manuscript(locked, "epub")
