"""The chapter rules on small hand-written manuscripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from soundstage.audiobooks.manuscript import Manuscript, parse_manuscript, parse_text

BODY = "It was a bright cold day in April, and the clocks were striking thirteen."


def titles(book: Manuscript) -> list[str]:
    return [c.title for c in book.chapters]


def test_contents_lines_that_look_like_headings_are_not_chapters() -> None:
    text = (
        "MY BOOK\n\nCONTENTS\n\n"
        "CHAPTER I. THE START\n\nCHAPTER II. THE MIDDLE\n\nCHAPTER III. THE END OF IT\n\n"
        f"CHAPTER I.\n\nTHE START\n\n{BODY}\n\n"
        f"CHAPTER II.\n\nTHE MIDDLE\n\n{BODY}\n\n"
        f"CHAPTER III.\n\nTHE END OF IT\n\n{BODY}\n"
    )
    book = parse_text(text)
    assert titles(book) == [
        "CHAPTER I. THE START",
        "CHAPTER II. THE MIDDLE",
        "CHAPTER III. THE END OF IT",
    ]
    assert all(c.text == BODY for c in book.chapters)


def test_contents_with_page_numbers_and_synopses_are_not_chapters() -> None:
    synopsis = "In which our hero sets out."
    text = (
        "Chapter 1 The Start 3\n\nChapter 2 The Middle 17\n\n"
        f"CHAPTER ONE\n\n{synopsis}\n\nCHAPTER TWO\n\n{synopsis}\n\n"
        f"Chapter One\n\n{BODY}\n\n{BODY}\n\nChapter Two\n\n{BODY}\n\n{BODY}\n"
    )
    book = parse_text(text)
    assert titles(book) == ["Chapter One", "Chapter Two"]


def test_parts_that_restart_the_numbering_keep_their_chapters() -> None:
    text = (
        f"PART ONE\n\nChapter 1\n\n{BODY}\n\nChapter 2\n\n{BODY}\n\n"
        f"PART TWO\n\nChapter 1\n\n{BODY} {BODY}\n\nChapter 2\n\n{BODY}\n"
    )
    assert titles(parse_text(text)) == [
        "PART ONE. Chapter 1",
        "Chapter 2",
        "PART TWO. Chapter 1",
        "Chapter 2",
    ]


def test_subtitle_only_when_the_next_line_looks_like_a_title() -> None:
    text = (
        f"Chapter 1\n\nThe Boy Who Lived\n\n{BODY}\n\n"
        "Chapter 2\n\nIt was not a title at all.\n\n"
        f'Chapter 3\n\n"Run!"\n\n{BODY}\n'
    )
    book = parse_text(text)
    assert titles(book) == ["Chapter 1: The Boy Who Lived", "Chapter 2", "Chapter 3"]
    assert book.chapters[1].text == "It was not a title at all."
    assert book.chapters[2].text.startswith('"Run!"')


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("CHAPTER IV. THE STORM", "CHAPTER IV. THE STORM"),
        ("Chapter 5 \u2014 The Calm", "Chapter 5 \u2014 The Calm"),
        ("Chapter Twenty-One: Home", "Chapter Twenty-One: Home"),
        ("BOOK THE FIRST", "BOOK THE FIRST"),
        ("Chap. XII", "Chap. XII"),
        ("PROLOGUE", "PROLOGUE"),
        ("Epilogue: Ten Years Later", "Epilogue: Ten Years Later"),
    ],
)
def test_heading_forms(heading: str, title: str) -> None:
    book = parse_text(f"{heading}\n{BODY}\n\nChapter 99\n\n{BODY}\n")
    assert titles(book) == [title, "Chapter 99"]
    assert book.chapters[0].text == BODY


@pytest.mark.parametrize(
    "line",
    [
        "Chapter 12 was the hardest one to write.",
        "Part of the problem was the weather.",
        "Book two of the saga is better.",
        "Partial success, they said.",
    ],
)
def test_sentences_that_start_like_headings_are_text(line: str) -> None:
    book = parse_text(f"{line}\n\n{BODY}\n")
    assert len(book.chapters) == 1
    assert book.chapters[0].text.startswith(line)


def test_part_titles_are_folded_into_the_next_chapter() -> None:
    text = (
        f"PART ONE\n\nCHAPTER 1\n\n{BODY}\n\nCHAPTER 2\n\n{BODY}\n\n"
        f"PART TWO: THE RETURN\n\nCHAPTER 3\n\n{BODY}\n"
    )
    assert titles(parse_text(text)) == [
        "PART ONE. CHAPTER 1",
        "CHAPTER 2",
        "PART TWO: THE RETURN. CHAPTER 3",
    ]


def test_back_matter_after_the_end_is_not_read() -> None:
    text = (
        f"CHAPTER I\n\n{BODY}\n\nCHAPTER II\n\n{BODY}\n\nTHE END.\n\n"
        "ALSO BY THE AUTHOR\n\nA Long List Of Other Books\n"
    )
    book = parse_text(text)
    assert [c.text for c in book.chapters] == [BODY, BODY]


def test_old_gutenberg_header_and_footer_are_stripped() -> None:
    text = (
        "The Project Gutenberg EBook of Old Tales, by Jane Doe\r\n\r\n"
        "Title: Old Tales\r\n\r\nAuthor: Jane Doe\r\n\r\nLanguage: French\r\n\r\n"
        "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\r\n\r\n"
        "This etext was produced by a volunteer.\r\n\r\n"
        f"CHAPTER I\r\n\r\n{BODY}\r\n\r\nCHAPTER II\r\n\r\n{BODY}\r\n\r\n"
        "End of Project Gutenberg's Old Tales, by Jane Doe\r\n\r\n"
        "*** END OF THIS PROJECT GUTENBERG EBOOK OLD TALES ***\r\n\r\nLicence text.\r\n"
    )
    book = parse_text(text)
    assert (book.title, book.author, book.language) == ("Old Tales", "Jane Doe", "fr")
    assert [c.text for c in book.chapters] == [BODY, BODY]


def test_indented_paragraphs_without_blank_lines() -> None:
    lines = ["CHAPTER I"]
    for n in range(12):
        lines += [
            f"    Paragraph {n} starts here and runs on",
            "to a second line of the same paragraph.",
        ]
    book = parse_text("\n".join(lines) + "\n")
    assert titles(book) == ["CHAPTER I"]
    paragraphs = book.chapters[0].text.split("\n\n")
    assert len(paragraphs) == 12
    assert (
        paragraphs[0]
        == "Paragraph 0 starts here and runs on to a second line of the same paragraph."
    )


def test_html_headings_metadata_and_markup(tmp_path: Path) -> None:
    html = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Ignored when meta says otherwise</title>
<meta name="dc.title" content="Caf\u00e9 Stories"><meta name="author" content="Ana Lima">
<script>var x = "CHAPTER 9";</script><style>h1 {color: red}</style></head>
<body><nav><a href="#c1">Chapter 1</a><a href="#c2">Chapter 2</a></nav>
<h1>Caf\u00e9 Stories</h1>
<h2 id="c1">Chapter 1<br/>The \u201cFirst\u201d Visit</h2>
<p>She said, \u201cHello&nbsp;there.\u201d<sup class="fnanchor">[1]</sup></p>
<div class="figcenter"><img src="a.png" alt="x"/><p class="caption">A picture.</p></div>
<p>Second   paragraph<br/>on two lines.</p>
<h2 id="c2">Chapter 2</h2><h3>Coffee</h3>
<ul><li>One cup.</li><li>Two cups.</li></ul>
<table><tr><td>Espresso</td><td>1.50</td></tr></table>
</body></html>"""
    path = tmp_path / "book.html"
    path.write_bytes(html.encode("utf-8"))
    book = parse_manuscript(path, "html")
    assert (book.title, book.author, book.language) == ("Caf\u00e9 Stories", "Ana Lima", "en-GB")
    assert titles(book) == ["Chapter 1: The \u201cFirst\u201d Visit", "Chapter 2: Coffee"]
    assert book.chapters[0].text == (
        "She said, \u201cHello there.\u201d\n\nSecond paragraph on two lines."
    )
    assert book.chapters[1].text == "One cup.\n\nTwo cups.\n\nEspresso 1.50"


def test_html_in_a_legacy_encoding(tmp_path: Path) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "</head><body><h1>Chapter 1</h1><p>\u201cCaf\u00e9,\u201d she said.</p>"
        "<h1>Chapter 2</h1><p>Fin de l\u2019histoire.</p></body></html>"
    )
    path = tmp_path / "book.htm"
    path.write_bytes(html.encode("cp1252"))
    book = parse_manuscript(path, "html")
    assert [c.text for c in book.chapters] == [
        "\u201cCaf\u00e9,\u201d she said.",
        "Fin de l\u2019histoire.",
    ]


def test_text_file_in_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "book.txt"
    text = f"Chapter 1\r\n\r\n\u201c{BODY}\u201d\r\n\r\nChapter 2\r\n\r\n{BODY}\r\n"
    path.write_bytes(text.encode("utf-16"))
    book = parse_manuscript(path, "txt")
    assert titles(book) == ["Chapter 1", "Chapter 2"]
    assert book.chapters[0].text == f"\u201c{BODY}\u201d"


def test_contents_as_one_block_of_heading_lines() -> None:
    contents = "\n".join(f"CHAPTER {n}. A LONG TITLE NUMBER {n}" for n in range(1, 80))
    chapters = "".join(f"CHAPTER {n}.\n{BODY}\n\n" for n in range(1, 4))
    book = parse_text(f"CONTENTS\n\n{contents}\n\n{chapters}")
    assert titles(book) == ["CHAPTER 1", "CHAPTER 2", "CHAPTER 3"]
    assert all(c.text == BODY for c in book.chapters)


def test_markdown_sections_are_indexed_from_zero() -> None:
    book = parse_text("## One\n\nFirst.\n\n## Two\n\nSecond.\n", fmt="md")
    assert [(c.index, c.title, c.text) for c in book.chapters] == [
        (0, "One", "First."),
        (1, "Two", "Second."),
    ]


def test_chapters_headed_by_bare_numbers() -> None:
    text = (
        "CONTENTS\n\nI\n\nThe Start\n\nII\n\nThe Middle\n\nIII\n\nThe End Of It\n\n"
        f"I\n\nThe Start\n\n{BODY}\n\nHe counted to 1.\n\n2.\n\n{BODY}\n\n"
        f"II\n\nThe Middle\n\n{BODY}\n\nI\n\n{BODY}\n\nIII.\n\n{BODY}\n"
    )
    book = parse_text(text)
    assert titles(book) == ["I: The Start", "II: The Middle", "III"]
    assert book.chapters[0].text == f"{BODY}\n\nHe counted to 1.\n\n2.\n\n{BODY}"
    # A stray "I" (a one-word reply) neither heads a chapter nor ends the run.
    assert book.chapters[1].text == f"{BODY}\n\nI\n\n{BODY}"


def test_chapter_words_in_other_languages() -> None:
    book = parse_text(f"Chapitre 1\n\n{BODY}\n\nCAP\u00cdTULO II\n\n{BODY}\n")
    assert titles(book) == ["Chapitre 1", "CAP\u00cdTULO II"]


def test_titles_keep_the_books_own_separator() -> None:
    text = (
        f"CHAPTER I.\n\nDown the Rabbit-Hole\n\n{BODY}\n\n"
        f"CHAPTER II.\n\nThe Pool of Tears\n\n{BODY}\n\n"
        f"CHAPTER III\n\nA Caucus-Race and a Long Tale\n\n{BODY}\n"
    )
    assert titles(parse_text(text)) == [
        "CHAPTER I. Down the Rabbit-Hole",  # not "CHAPTER I: Down the Rabbit-Hole"
        "CHAPTER II. The Pool of Tears",
        "CHAPTER III. A Caucus-Race and a Long Tale",  # no stop written: the book's usual one
    ]
    mixed = f"Chapter 1: The Start\n\n{BODY}\n\nChapter 2 \u2014 The End\n\n{BODY}\n"
    assert titles(parse_text(mixed)) == ["Chapter 1: The Start", "Chapter 2 \u2014 The End"]
