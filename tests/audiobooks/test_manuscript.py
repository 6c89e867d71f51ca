"""Manuscript parsing on the corpus book (plain text in two encodings and
HTML), text decoding, and pasted text."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from soundstage.audiobooks.manuscript import (
    MAX_PASTED_CHARS,
    Manuscript,
    ManuscriptError,
    decode_text,
    parse_manuscript,
    parse_text,
)

BOOK = "little-colonels-hero"
TITLES = [
    "CHAPTER I. HER TWELFTH BIRTHDAY",
    "CHAPTER II. THE WONDER-BALL BEGINS TO UNWIND",
    "CHAPTER III. LLOYD MEETS HERO",
    "CHAPTER IV. HERO'S STORY",
    "CHAPTER V. THE RED CROSS OF GENEVA",
    "CHAPTER VI. THE WONDER-BALL'S BEST GIFT",
    "CHAPTER VII. IN TOURS",
    "CHAPTER VIII. WITH BETTY AND EUGENIA",
    "CHAPTER IX. AT THE GATE OF THE GIANT SCISSORS",
    "CHAPTER X. ON THE WING",
    "CHAPTER XI. HOMEWARD BOUND",
    "CHAPTER XII. HOME AGAIN",
    'CHAPTER XIII. "THE RESCUE OF THE PRINCESS WINSOME"',
    "CHAPTER XIV. IN CAMP",
    "CHAPTER XV. THE SENTRY'S MISTAKE",
    'CHAPTER XVI. "TAPS"',  # no full stop in its heading: the book's usual one,
]
# The first words of a few chapters, as the book has them.
OPENINGS = {
    0: '"Oh, Tarbaby! Everybody has forgotten that it is my birthday!',
    2: "It was July when they reached Switzerland.",
    9: '"Who is going away?" asked Lloyd,',
    15: "The corporal of the guard went running",
}
ENDINGS = {
    0: 'nobody in all Kentucky is as happy as I am now."',
    15: "under the shade of the friendly old locusts.",
}

EDITIONS = [
    pytest.param("15122-8.txt", "txt", id="iso-8859-1-crlf"),
    pytest.param("15122.txt", "txt", id="ascii"),
    pytest.param("15122-h/15122-h.htm", "html", id="html"),
]


@pytest.fixture(scope="module")
def editions(corpus: Path) -> dict[str, Manuscript]:
    root = corpus / BOOK
    return {
        name: parse_manuscript(root / name, fmt)
        for name, fmt in (
            ("15122-8.txt", "txt"),
            ("15122.txt", "txt"),
            ("15122-h/15122-h.htm", "html"),
        )
    }


# --- the corpus book ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), EDITIONS)
def test_corpus_book_has_its_sixteen_chapters(
    editions: dict[str, Manuscript], name: str, fmt: str
) -> None:
    book = editions[name]
    assert [c.title for c in book.chapters] == TITLES
    assert [c.index for c in book.chapters] == list(range(16))
    assert book.title == "The Little Colonel's Hero"
    assert book.author == "Annie Fellows Johnston"
    assert book.language == "en"
    assert book.cover is None


@pytest.mark.parametrize(("name", "fmt"), EDITIONS)
def test_corpus_chapters_start_and_end_with_the_books_words(
    editions: dict[str, Manuscript], name: str, fmt: str
) -> None:
    chapters = editions[name].chapters
    for n, opening in OPENINGS.items():
        assert chapters[n].text.startswith(opening), chapters[n].text[:80]
    for n, ending in ENDINGS.items():
        assert chapters[n].text.endswith(ending), chapters[n].text[-80:]
    for c in chapters:
        assert len(c.text) > 10_000
        # Plain text: no heading line, no emphasis marks, single spaces.
        assert not c.text.startswith(("CHAPTER", "HER TWELFTH"))
        assert "_" not in c.text and "<" not in c.text
        assert "  " not in c.text and "\n\n\n" not in c.text
        for paragraph in c.text.split("\n\n"):
            assert paragraph == paragraph.strip() and "\n" not in paragraph


@pytest.mark.parametrize(("name", "fmt"), EDITIONS)
def test_corpus_front_matter_licence_and_captions_are_not_read(
    editions: dict[str, Manuscript], name: str, fmt: str
) -> None:
    chapters = editions[name].chapters
    everything = "\n".join(c.text for c in chapters)
    assert "Project Gutenberg" not in everything
    assert "gutenberg" not in everything.lower()
    # The contents page's lines are not chapters and are not in chapter 1.
    assert "CONTENTS" not in chapters[0].text
    assert "THE WONDER-BALL BEGINS TO UNWIND" not in chapters[0].text
    # Title page, dedication, the publisher's advertisements.
    assert "Copyright" not in everything
    assert "THE LITTLE COLONEL BOOKS" not in everything
    assert "Selections from" not in everything
    assert "THE END" not in everything
    assert "Illustration" not in everything
    assert "SPIN, WHEEL, REEL OUT THY GOLDEN THREAD" not in everything
    # The HTML edition's transcriber's notes about the music files.
    assert "MIDI" not in everything


def test_corpus_latin1_characters_survive(editions: dict[str, Manuscript]) -> None:
    latin1 = editions["15122-8.txt"].chapters
    ascii_only = editions["15122.txt"].chapters
    assert "château" in latin1[7].text
    assert "chateau" in ascii_only[7].text


def test_corpus_text_and_html_editions_agree(editions: dict[str, Manuscript]) -> None:
    text = editions["15122-8.txt"].chapters
    html = editions["15122-h/15122-h.htm"].chapters
    for a, b in zip(text, html, strict=True):
        # The editions differ in dashes and in how verse is broken into lines.
        a_words = a.text.replace("--", "—").split()
        b_words = b.text.split()
        assert abs(len(a_words) - len(b_words)) < len(a_words) * 0.02, a.title


def test_parsing_the_corpus_is_fast(corpus: Path) -> None:
    root = corpus / BOOK
    started = time.perf_counter()
    parse_manuscript(root / "15122-8.txt", "txt")
    parse_manuscript(root / "15122-h" / "15122-h.htm", "html")
    assert time.perf_counter() - started < 2.0


def test_corpus_pasted_as_text_gives_the_same_chapters(corpus: Path) -> None:
    text = (corpus / BOOK / "15122-8.txt").read_bytes().decode("latin-1")
    book = parse_text(text)
    assert [c.title for c in book.chapters] == TITLES
    assert book.title == "The Little Colonel's Hero"


# --- decode_text ------------------------------------------------------------------------

SAMPLE = "“Café” — naïve résumé\nsecond line\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SAMPLE.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), id="utf-16le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), id="utf-16be-bom"),
        pytest.param(SAMPLE.encode("utf-16-le"), id="utf-16le-no-bom"),
        pytest.param(SAMPLE.encode("cp1252"), id="cp1252"),
        pytest.param(SAMPLE.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(SAMPLE.replace("\n", "\r").encode("utf-8"), id="cr"),
    ],
)
def test_decode_text(data: bytes) -> None:
    assert decode_text(data) == SAMPLE


def test_decode_text_latin1_and_cp1252() -> None:
    # 0x81 is undefined in cp1252: such a file can only be ISO-8859-1.
    assert decode_text(b"caf\xe9 \x81 na\xefve") == "café \x81 naïve"
    # Smart quotes and the euro sign exist only in cp1252.
    assert decode_text(b"\x93quoted\x94 \x80 5") == "“quoted” € 5"
    assert decode_text(b"Caf\xe9\r\nSecond\r\n") == "Café\nSecond\n"


def test_decode_text_keeps_utf8_with_a_damaged_byte() -> None:
    data = "“Hello,” she said — “café.”".encode() + b"\xff"
    assert decode_text(data).startswith("“Hello,” she said — “café.”")


# --- pasted text -----------------------------------------------------------------------


def test_pasted_text_without_headings_is_one_chapter() -> None:
    text = "It was a dark and stormy night.\n\nThe rain fell in torrents.\n"
    book = parse_text(text)
    assert len(book.chapters) == 1
    only = book.chapters[0]
    assert only.title == "Chapter 1"
    assert only.text == "It was a dark and stormy night.\n\nThe rain fell in torrents."
    assert any("no chapter headings" in w for w in book.warnings)


def test_pasted_markdown_without_chapters_is_titled_by_the_book() -> None:
    book = parse_text("# A Short Story\n\nOnce upon a time.\n\nThe end came soon.\n", fmt="md")
    assert book.title == "A Short Story"
    assert [(c.title, c.text) for c in book.chapters] == [
        ("A Short Story", "Once upon a time.\n\nThe end came soon.")
    ]


def test_pasted_text_over_the_limit_is_refused() -> None:
    with pytest.raises(ManuscriptError, match="limit"):
        parse_text("a" * (MAX_PASTED_CHARS + 1))


def test_pasted_text_at_the_limit_is_accepted() -> None:
    paragraph = "word " * 199 + "end.\n\n"
    text = (paragraph * (MAX_PASTED_CHARS // len(paragraph) + 1))[:MAX_PASTED_CHARS]
    started = time.perf_counter()
    book = parse_text(text)
    assert time.perf_counter() - started < 5
    assert len(book.chapters) == 1


def test_empty_pasted_text_is_refused() -> None:
    with pytest.raises(ManuscriptError, match="no readable text"):
        parse_text(" \n\n * * * \n")


def test_pasted_text_one_paragraph_per_line() -> None:
    long_line = "This paragraph was typed in a word processor and never wrapped. " * 4
    text = f"Chapter 1\n{long_line}\n{long_line}\nChapter 2\n{long_line}\n"
    book = parse_text(text)
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert book.chapters[0].text.count("\n\n") == 1


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ManuscriptError):
        parse_manuscript(tmp_path / "x.odt", "odt")
    with pytest.raises(ManuscriptError):
        parse_text("hello", fmt="pdf")
