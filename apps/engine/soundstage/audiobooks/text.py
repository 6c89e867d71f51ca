"""Text for speech: normalisation, sentences, dialogue, and chunks.

Invariants the rest of the pipeline relies on:
* ``split_sentences``, ``split_dialogue`` and ``chunk_text`` only cut: joining
  their pieces gives back exactly the text they were given (no text dropped).
* Nothing is cut inside a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from soundstage.audiobooks.numbers import cardinal, decimal, ordinal, roman_to_int, year

# --------------------------------------------------------------- lexicon


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """Replace whole words or phrases (case-insensitive) with the user's spelling.

    Longest terms first, so "New York Times" wins over "New York".
    """
    if not lexicon:
        return text
    terms = sorted(lexicon, key=len, reverse=True)
    lowered = {t.lower(): lexicon[t] for t in terms}
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE
    )
    return pattern.sub(lambda m: lowered[m.group(0).lower()], text)


# ---------------------------------------------------------- normalisation

_ABBREVIATIONS = {
    "Mr.": "Mister",
    "Mrs.": "Missus",
    "Ms.": "Miz",
    "Dr.": "Doctor",
    "Prof.": "Professor",
    "Capt.": "Captain",
    "Col.": "Colonel",
    "Gen.": "General",
    "Lt.": "Lieutenant",
    "Sgt.": "Sergeant",
    "Rev.": "Reverend",
    "Hon.": "Honourable",
    "Jr.": "Junior",
    "Sr.": "Senior",
    "vs.": "versus",
    "etc.": "et cetera",
    "e.g.": "for example",
    "i.e.": "that is",
    "approx.": "approximately",
    "Mt.": "Mount",
    "Ave.": "Avenue",
}
_ABBREV_RE = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r")"
)
# "St." is Saint before a name and Street after one.
_SAINT_RE = re.compile(r"(?<!\w)St\.(?=\s+[A-Z])")
_STREET_RE = re.compile(r"(?<!\w)St\.")
_NUMBER_SIGN_RE = re.compile(r"(?<!\w)No\.(?=\s*\d)")

_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")
_CURRENCY_RE = re.compile(r"([$£€])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\b")
_CURRENCY_NAMES = {"$": ("dollar", "dollars", "cent", "cents"),
                   "£": ("pound", "pounds", "penny", "pence"),
                   "€": ("euro", "euros", "cent", "cents")}  # fmt: skip
_PERCENT_RE = re.compile(r"\b(\d+(?:\.\d+)?)\s?%")
_ORDINAL_RE = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<![\d,.$£€])\b(1[1-9]\d\d|20\d\d)\b(?![,.]?\d)")
_DECIMAL_RE = re.compile(r"(?<![\d.])(\d+\.\d+)(?![\d.]*\d)")
_INTEGER_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?![\d])")
_HEADING_ROMAN_RE = re.compile(
    r"^(chapter|part|book|volume|section|act|scene)\s+([IVXLCDM]+)\b\.?", re.IGNORECASE
)
_SPELLED_PART_RE = re.compile(r"^(chapter|part|book|volume|section)\s+(\d+)\b", re.IGNORECASE)


def _currency(m: re.Match[str]) -> str:
    one, many, sub_one, sub_many = _CURRENCY_NAMES[m.group(1)]
    whole = int(m.group(2).replace(",", ""))
    words = f"{cardinal(whole)} {one if whole == 1 else many}"
    if m.group(3):
        cents = int(m.group(3).ljust(2, "0"))
        if cents:
            words += f" and {cardinal(cents)} {sub_one if cents == 1 else sub_many}"
    return words


def _url(m: re.Match[str]) -> str:
    url = re.sub(r"^https?://", "", m.group(0))
    url = url.removeprefix("www.")
    return url.replace(".", " dot ").replace("/", " slash ").replace("-", " dash ").strip()


def normalise(text: str, lexicon: Mapping[str, str] | None = None) -> str:
    """Rewrite text the way a narrator would read it aloud.

    The lexicon comes first, so a user's entry matches what they see in their
    manuscript (an entry for "Dr. Who" beats the generic "Dr." rule).
    """
    text = apply_lexicon(text, lexicon or {})
    text = _URL_RE.sub(_url, text)
    text = _NUMBER_SIGN_RE.sub("number", text)
    text = _SAINT_RE.sub("Saint", text)
    text = _STREET_RE.sub("Street", text)
    text = _ABBREV_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
    text = _CURRENCY_RE.sub(_currency, text)
    text = _PERCENT_RE.sub(lambda m: f"{_number_words(m.group(1))} percent", text)
    text = _ORDINAL_RE.sub(lambda m: ordinal(int(m.group(1))), text)
    text = _YEAR_RE.sub(lambda m: year(int(m.group(1))), text)
    text = _DECIMAL_RE.sub(lambda m: decimal(m.group(1)), text)
    text = _INTEGER_RE.sub(lambda m: cardinal(int(m.group(1).replace(",", ""))), text)
    return text


def _number_words(token: str) -> str:
    return decimal(token) if "." in token else cardinal(int(token))


def normalise_title(title: str) -> str:
    """'CHAPTER IV.' -> 'Chapter four.'; 'PART 2' -> 'Part two'."""
    title = title.strip()
    # Capitals are a typesetting choice, and some voices spell out words in
    # capitals letter by letter: read them as ordinary words.
    shouting = title.upper() == title and any(c.isalpha() for c in title)

    def roman(m: re.Match[str]) -> str:
        value = roman_to_int(m.group(2))
        if value is None:
            return m.group(0)
        dot = "." if m.group(0).endswith(".") else ""
        return f"{m.group(1).capitalize()} {cardinal(value)}{dot}"

    title = _HEADING_ROMAN_RE.sub(roman, title)
    title = _SPELLED_PART_RE.sub(
        lambda m: f"{m.group(1).capitalize()} {cardinal(int(m.group(2)))}", title
    )
    if shouting:
        title = re.sub(r"[a-z]+(?:'[a-z]+)?", lambda m: m.group(0).capitalize(), title.lower())
    return normalise(title)


# --------------------------------------------------------------- sentences

# A sentence ends at . ! ? or … (possibly several), then closing quotes or
# brackets, then whitespace. The whitespace stays with the sentence it follows.
# (closing quotes: " ' \u201d \u2019; written as escapes, they look alike)
_CLOSE_QUOTES = "\"'\u201d\u2019"
_DASHES = "\u2014\u2013"  # em and en dash
_SENTENCE_END = re.compile(rf"[.!?…]+[{_CLOSE_QUOTES})\]]*\s+")
_PARAGRAPH = re.compile(r"\n\s*\n\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences (and paragraph breaks) with their trailing whitespace."""
    pieces: list[str] = []
    start = 0
    for m in _boundaries(text):
        if m > start:
            pieces.append(text[start:m])
            start = m
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _boundaries(text: str) -> list[int]:
    ends = {m.end() for m in _SENTENCE_END.finditer(text)}
    ends |= {m.end() for m in _PARAGRAPH.finditer(text)}
    return sorted(ends)


# ---------------------------------------------------------------- dialogue


@dataclass(frozen=True)
class Segment:
    text: str
    dialogue: bool


_OPEN = {"“": "”", '"': '"'}


def split_dialogue(text: str) -> list[Segment]:
    """Narration and quoted speech, in order; the quotes belong to the speech.

    Straight and curly double quotes both count. A paragraph that opens a quote
    without closing it (a speech running on into the next paragraph) is speech
    to its end; quote state resets at every paragraph break.
    """
    segments: list[Segment] = []
    buf: list[str] = []
    in_quote: str | None = None  # the closing character we wait for
    i = 0
    n = len(text)

    def flush(dialogue: bool) -> None:
        if buf:
            segments.append(Segment("".join(buf), dialogue))
            buf.clear()

    while i < n:
        c = text[i]
        if c == "\n" and text.startswith("\n", i + 1) and in_quote is not None:
            # paragraph break inside an open quote: close the speech here
            flush(True)
            in_quote = None
        if in_quote is None and c in _OPEN:
            flush(False)
            in_quote = _OPEN[c]
            buf.append(c)
        elif in_quote is not None and c == in_quote:
            buf.append(c)
            # keep trailing punctuation like the comma in `"Yes," he said`
            flush(True)
            in_quote = None
        else:
            buf.append(c)
        i += 1
    flush(in_quote is not None)
    return _merge_trivial(segments)


def _merge_trivial(segments: list[Segment]) -> list[Segment]:
    """Fold segments with no letters (a lone space, ', ') into their neighbour,
    so a voice switch never happens just to read punctuation."""
    merged: list[Segment] = []
    for seg in segments:
        if merged and (
            not any(ch.isalnum() for ch in seg.text) or merged[-1].dialogue == seg.dialogue
        ):
            prev = merged[-1]
            merged[-1] = Segment(prev.text + seg.text, prev.dialogue)
        else:
            merged.append(seg)
    return merged


# ------------------------------------------------------------------ chunks

_CLAUSE_END = re.compile(rf"[,;:{_DASHES})\]]+[{_CLOSE_QUOTES}]*\s+|\s+[{_DASHES}]\s+")
_SPACE = re.compile(r"\s+")


def chunk_text(text: str, max_chars: int, preferred_chars: int | None = None) -> list[str]:
    """Pack whole sentences into chunks of about ``preferred_chars`` and never
    more than ``max_chars``; a sentence longer than that is split at clause
    boundaries, then between words. ``"".join(chunks) == text``."""
    if max_chars < 20:
        raise ValueError("max_chars is too small to chunk speech")
    target = min(preferred_chars or max_chars, max_chars)
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        pieces = [sentence] if len(sentence) <= max_chars else _split_long(sentence, max_chars)
        for piece in pieces:
            if current and len(current) + len(piece) > target:
                chunks.append(current)
                current = ""
            current += piece
            if len(current) >= target:
                chunks.append(current)
                current = ""
    if current:
        # a whitespace-only tail joins the previous chunk rather than standing alone
        if chunks and not current.strip() and len(chunks[-1]) + len(current) <= max_chars:
            chunks[-1] += current
        else:
            chunks.append(current)
    return chunks


def _split_long(sentence: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[: max_chars + 1]
        cut = _last_cut(_CLAUSE_END, window, max_chars) or _last_cut(_SPACE, window, max_chars)
        if not cut:
            # one "word" longer than the limit (a URL, a run of symbols): a hard cut
            cut = max_chars
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def _last_cut(pattern: re.Pattern[str], window: str, max_chars: int) -> int:
    """The furthest boundary after which at most ``max_chars`` characters came."""
    return max((m.end() for m in pattern.finditer(window) if m.end() <= max_chars), default=0)
