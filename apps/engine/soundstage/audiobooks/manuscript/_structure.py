"""From a stream of paragraphs and headings to chapters.

Every reader turns its format into :class:`Block`s; this module decides which
of them start chapters. The rules, in order of preference:

1. Headings that *name* a chapter: "CHAPTER IV.", "Chapter 12", "PART TWO",
   "Book the First", "Prologue", "Epilogue". Marked-up headings (HTML h1-h6,
   Markdown ``#``, docx heading styles) are preferred; plain text has no markup,
   so there a paragraph that is only such a line counts.
2. Otherwise the top heading level that is used at least twice (a Markdown
   manuscript with ``# The Storm``, ``# The Calm``).
3. Otherwise the whole text is one chapter, with a warning.

A numbered heading without a title of its own takes the next line as its
subtitle when that line looks like a title (capitalised, short, not a
sentence). Text before the first chapter (title page, copyright, dedication,
contents) is front matter and is not read. Headings with no text before the
next one are a table of contents when two or more come in a row (dropped),
or a part title that is folded into the next chapter's title. A chapter
number seen again later with little text the first time was a contents entry.
After the last chapter, "THE END" and back-matter headings ("About the
Author", a publisher's catalogue) end the book.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from soundstage.audiobooks.manuscript._model import Block, Chapter, Kind, Meta
from soundstage.audiobooks.manuscript._text import collapse

# --- heading patterns -------------------------------------------------------------

_ROMAN = r"(?=[MDCLXVI]+\b)M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_WORD_NUMBER = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_TEENS}|{_UNITS}|hundred)"
_ORDINAL = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|last"
_NUMBERED = re.compile(
    r"(?P<label>(?P<word>chapter|chap\.|part|book|volume|vol\.|"
    r"chapitre|kapitel|cap[i\u00ed]tulo|capitolo|hoofdstuk|partie|teil)(?:\s+|(?<=\.)\s*)"
    rf"(?:the\s+(?:{_ORDINAL})|{_ROMAN}|\d{{1,4}}|{_WORD_NUMBER}))"
    r"(?![\w'\u2019])(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_NAMED = re.compile(
    r"(?P<label>prologue|epilogue|preface|foreword|introduction|afterword|interlude)"
    r"(?![\w'\u2019])(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_PART_WORDS = ("part", "book", "volume", "vol.", "partie", "teil")
# A line that is only a chapter number: "IV", "IV.", "12".
_BARE_NUMBER = re.compile(r"(?P<label>(?=[MDCLXVI]+\.?$)" + _ROMAN + r"|\d{1,3})\.?")
_SEPARATORS = " \t.:;,-\u2013\u2014_|"

# Sections that are never read: front and back matter that sometimes gets a
# heading of its own, and the table of contents.
_SKIPPED = re.compile(
    r"(?:table of )?contents|list of (?:illustrations|plates|figures)|illustrations|"
    r"(?:title|copyright|half[- ]title) page|copyright|cover|colophon|imprint|"
    r"about the (?:author|authors|publisher)|also by .*|other (?:books|titles|works) by .*|"
    r"books by .*|by the same author|acknowledge?ments?|transcriber'?s? notes?|"
    r"index|bibliography|selections from .*|advertisements?|the full project gutenberg .*",
    re.IGNORECASE,
)
_THE_END = re.compile(r"the end|finis|fin|end of (?:the )?(?:book|volume)", re.IGNORECASE)
_TRIM = " \t.:;,!*_-\u2013\u2014\"'\u201c\u201d\u2018\u2019()[]"

_SMALL_WORDS = frozenset(
    "a an and as at but by de for from in into la le nor of on or over per the to "
    "upon via von with without".split()
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")

# What a contents entry has under it, if anything: page numbers, dot leaders.
_FILLER = re.compile(r"[\d\sIVXLCDMivxlcdm.,:;\u00b7\u2026_\-\u2013\u2014]*")
_REPEATED_SHORT = 2000  # a repeated chapter number with less text than this was in a contents


@dataclass(frozen=True, slots=True)
class Heading:
    label: str
    rest: str
    is_part: bool
    sep: str = ""  # what the book wrote between the number and its title (".", ":", "-")


def match_heading(text: str, *, strict: bool) -> Heading | None:
    """Parse a chapter heading. *strict* is for unmarked lines of plain text:
    the line must be short and anything after the number must look like a
    title, so "Chapter 12 was the hardest to write." is not a heading."""
    if len(text) > (100 if strict else 200):
        return None
    m = _NUMBERED.match(text) or _NAMED.match(text)
    if m is None:
        return None
    sep = m.group("rest").strip(" \t")[:1]
    sep = sep if sep and sep in _SEPARATORS else ""
    rest = m.group("rest").strip(_SEPARATORS)
    rest = collapse(rest)
    if strict and rest and not looks_like_title(rest):
        return None
    label = collapse(m.group("label")).rstrip(".:")
    word = (m.groupdict().get("word") or "").lower()
    return Heading(label, rest, word in _PART_WORDS, sep)


def looks_like_title(text: str) -> bool:
    """True for a short capitalised line that is not a sentence."""
    text = text.strip()
    if not text or len(text) > 100:
        return False
    core = text.strip(" \"'\u201c\u201d\u2018\u2019()[]")
    if not core or core[-1] in ",;:":
        return False
    if not any(ch.isalpha() for ch in core):
        return False
    if not any(ch.islower() for ch in core):
        return True  # "HER TWELFTH BIRTHDAY", '"TAPS"'
    words = _WORD.findall(core)
    if not words or len(words) > 12 or core[-1] in ".!?":
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised * 4 >= len(significant) * 3


def _is_all_caps_title(text: str) -> bool:
    return looks_like_title(text) and not any(ch.islower() for ch in text)


def is_skipped(text: str) -> bool:
    return _SKIPPED.fullmatch(text.strip(_TRIM)) is not None


def is_the_end(text: str) -> bool:
    return len(text) < 40 and _THE_END.fullmatch(text.strip(_TRIM)) is not None


def format_title(label: str, rest: str, sep: str = "") -> str:
    """A chapter's title as the book writes it: "CHAPTER I. Down the
    Rabbit-Hole" keeps its full stop, "Chapter 3: The Storm" its colon,
    "Chapter 5 \u2014 The Calm" its dash; a number with nothing after it and a
    title on the next line ("Chapter 1" / "The Boy Who Lived") is joined with
    a colon."""
    if not rest:
        return label
    if sep in (".", ":", ";", ","):
        return f"{label}{sep} {rest}"
    if sep:
        return f"{label} {sep} {rest}"
    return f"{label}: {rest}"


# --- sections -----------------------------------------------------------------------


@dataclass(slots=True)
class Section:
    title: str
    key: str  # the chapter label in upper case, for spotting repeats; "" if none
    is_part: bool
    body: list[Block] = field(default_factory=list)
    # a number and a title the book wrote with nothing between them
    # ("CHAPTER XVI" / "TAPS"): (label, title), joined the book's usual way
    unjoined: tuple[str, str] | None = None

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.body)

    @property
    def empty(self) -> bool:
        return all(_FILLER.fullmatch(b.text) for b in self.body)


def build_chapters(blocks: Sequence[Block], meta: Meta) -> list[Chapter]:
    """Chapters from a whole document's blocks (see the module docstring)."""
    content: list[Block] = []
    for b in blocks:
        if b.kind is Kind.TITLE:
            meta.offer(title=b.text)
        elif b.kind is not Kind.ANCHOR and b.text:
            content.append(b)
    if not content:
        return []
    sections, front = _sections(content)
    chapters = finish_sections(sections, meta)
    if chapters:
        if front >= 200:
            meta.warnings.append(
                f"{front:,} characters before the first chapter heading (title page, contents, "
                "front matter) are not read"
            )
        return chapters
    return single_chapter(content, meta)


def single_chapter(content: Sequence[Block], meta: Meta) -> list[Chapter]:
    body = _cut_back_matter(list(content), after_last=True)
    text = "\n\n".join(b.text for b in body if b.kind is not Kind.ANCHOR and b.text)
    if not text:
        return []
    meta.warnings.append("no chapter headings found: the whole text is one chapter")
    return [Chapter(0, meta.title or "Chapter 1", text)]


def _sections(content: list[Block]) -> tuple[list[Section], int]:
    """Split *content* at chapter starts; returns the sections and the
    number of characters of front matter before the first one."""
    starts: dict[int, Heading | None] = {}
    marked = {
        i: h
        for i, b in enumerate(content)
        if b.kind is Kind.HEADING and (h := match_heading(b.text, strict=False))
    }
    chapter_level = 0
    if marked:
        starts.update(marked)
        chapter_level = min(content[i].level for i in marked)
    else:
        plain = {
            i: h
            for i, b in enumerate(content)
            if b.kind is Kind.PARA and (h := match_heading(b.text, strict=True))
        }
        if plain:
            starts.update(plain)
        elif numbered := _numbered_lines(content):
            starts.update(numbered)
        else:
            chapter_level = _structural_level(content)
            if chapter_level:
                for i, b in enumerate(content):
                    if (
                        b.kind is Kind.HEADING
                        and b.level == chapter_level
                        and not is_skipped(b.text)
                    ):
                        starts[i] = None
    if not starts:
        return [], 0

    # Headings of skipped matter at the chapter level (or above) end the
    # chapter before them; what follows them is dropped up to the next start.
    stops: set[int] = set()
    if chapter_level:
        last_start = max(starts)
        for i, b in enumerate(content):
            if b.kind is Kind.HEADING and b.level <= chapter_level and i not in starts:
                if is_skipped(b.text) or (i > last_start and is_the_end(b.text)):
                    stops.add(i)

    bounds = sorted(set(starts) | stops)
    first = min(starts)
    front = sum(len(b.text) for b in content[:first])
    sections: list[Section] = []
    for n, i in enumerate(bounds):
        if i in stops:
            continue
        end = bounds[n + 1] if n + 1 < len(bounds) else len(content)
        sections.append(_section(content, i, end, starts[i]))
    return sections, front


def _numbered_lines(content: list[Block]) -> dict[int, Heading]:
    """Paragraphs that are only a number, counting up from one (or I): many
    older books head their chapters so. Of several such runs (a contents
    page, then the chapters) the longest, and then the last, wins; fewer
    than three is no run, so a stray "1." in the text is not a chapter."""
    runs: list[tuple[bool, dict[int, Heading]]] = []  # (arabic?, headings)
    for i, b in enumerate(content):
        m = _BARE_NUMBER.fullmatch(b.text) if b.kind is Kind.PARA and len(b.text) < 12 else None
        if m is None:
            continue
        label = m.group("label")
        arabic = label.isdigit()
        value = int(label) if arabic else _roman_value(label)
        if value == 1:
            runs.append((arabic, {}))
        # The latest run this number continues, in the same style of numeral
        # (a stray "I" in the text must not break the run of chapters).
        for style, run in reversed(runs):
            if style == arabic and value == len(run) + 1:
                run[i] = Heading(label, "", False)
                break
    longest = max((len(run) for _, run in runs), default=0)
    if longest < 3:
        return {}
    return [run for _, run in runs if len(run) == longest][-1]


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for ch, nxt in zip(numeral, [*numeral[1:], ""], strict=True):
        v = values[ch]
        total += -v if nxt and values[nxt] > v else v
    return total


def _structural_level(content: list[Block]) -> int:
    levels = Counter(
        b.level for b in content if b.kind is Kind.HEADING and b.level and not is_skipped(b.text)
    )
    for level in sorted(levels):
        if levels[level] >= 2:
            return level
    return 0


def _section(content: list[Block], start: int, end: int, heading: Heading | None) -> Section:
    head = content[start]
    body_start = start + 1
    if heading is None:
        title, key, is_part, rest = collapse(head.text), "", False, ""
    else:
        title, key, is_part, rest = (
            heading.label,
            heading.label.upper(),
            heading.is_part,
            heading.rest,
        )
    if not rest and body_start < end:
        nxt = content[body_start]
        if _is_subtitle(head, nxt):
            rest = nxt.text
            body_start += 1
    unjoined = None
    if heading is not None:
        title = format_title(heading.label, rest, heading.sep)
        if rest and not heading.sep:
            unjoined = (heading.label, rest)
    elif rest:
        title = format_title(title, rest)
    return Section(title, key, is_part, list(content[body_start:end]), unjoined)


def _is_subtitle(head: Block, nxt: Block) -> bool:
    if match_heading(nxt.text, strict=nxt.kind is Kind.PARA) or is_skipped(nxt.text):
        return False
    if nxt.kind is Kind.HEADING:
        return len(nxt.text) <= 150 and (not head.level or nxt.level >= head.level)
    if head.kind is Kind.HEADING:
        # Marked-up documents mark their subtitles too; an unmarked line must
        # look unmistakably like one.
        return _is_all_caps_title(nxt.text)
    return looks_like_title(nxt.text)


def finish_sections(sections: list[Section], meta: Meta) -> list[Chapter]:
    """Drop contents entries and empty headings, fold part titles into the
    next chapter, end the book at its back matter, and number the chapters."""
    sections = _drop_repeated(sections)
    sections = _drop_contents_runs(sections)
    if sections:
        last = sections[-1]
        last.body = _cut_back_matter(last.body, after_last=True)
        if not last.body:
            sections.pop()
    _join_as_the_book_does(sections)
    chapters: list[Chapter] = []
    for s in sections:
        text = "\n\n".join(b.text for b in s.body if b.text)
        index = len(chapters)
        chapters.append(Chapter(index, s.title or f"Chapter {index + 1}", text))
    return chapters


def _join_as_the_book_does(sections: list[Section]) -> None:
    """A heading with no separator between its number and title takes the one
    most of the book's other headings have: "CHAPTER XVI" over "TAPS" in a book
    of "CHAPTER I." headings is "CHAPTER XVI. TAPS", as its contents write it."""
    seps = Counter(
        m.group(1)
        for s in sections
        if s.unjoined is None and s.key
        for m in [re.match(r"^.*?[IVXLCDM\d]([.:;,]) ", s.title)]
        if m
    )
    if not seps:
        return
    (sep, n), *_ = seps.most_common()
    if n * 2 <= sum(1 for s in sections if s.key and s.unjoined is None):
        return
    for s in sections:
        if s.unjoined is not None:
            s.title = format_title(*s.unjoined, sep)


def _drop_repeated(sections: list[Section]) -> list[Section]:
    """A chapter number that comes again later, with a small fraction of the
    later one's text, was a contents entry (perhaps with a synopsis). Books
    whose parts restart the numbering have chapters of comparable length."""
    last_seen: dict[str, Section] = {}
    for s in sections:
        if s.key:
            last_seen[s.key] = s
    return [
        s
        for s in sections
        if not (
            s.key
            and last_seen[s.key] is not s
            and s.chars < _REPEATED_SHORT
            and s.chars * 4 < last_seen[s.key].chars
        )
    ]


def _drop_contents_runs(sections: list[Section]) -> list[Section]:
    kept: list[Section] = []
    n = 0
    while n < len(sections):
        if not sections[n].empty:
            kept.append(sections[n])
            n += 1
            continue
        run_end = n
        while run_end < len(sections) and sections[run_end].empty:
            run_end += 1
        s = sections[n]
        if run_end - n == 1 and s.is_part and run_end < len(sections):
            nxt = sections[run_end]
            nxt.title = f"{s.title}. {nxt.title}"
        # Two or more headings in a row with nothing under them are a table
        # of contents; a single one is a chapter whose text is missing.
        n = run_end
    return kept


def _cut_back_matter(body: list[Block], *, after_last: bool) -> list[Block]:
    for n, b in enumerate(body):
        if after_last and is_the_end(b.text):
            return body[:n]
        if b.kind is Kind.HEADING and is_skipped(b.text) and n > 0:
            return body[:n]
    return body
