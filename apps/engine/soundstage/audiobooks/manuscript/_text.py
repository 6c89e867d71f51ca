"""Text-level helpers shared by every reader: decoding, paragraph cleaning,
Project Gutenberg boilerplate and the few metadata lines it carries."""

from __future__ import annotations

import codecs
import re

from soundstage.audiobooks.manuscript._model import Meta

# --- decoding --------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode a text file whatever its encoding, with LF line endings.

    A BOM decides (UTF-8, UTF-16, UTF-32). Otherwise UTF-8 is tried, then
    UTF-16 without a BOM (betrayed by its NUL bytes), then cp1252 (the usual
    "ANSI" of Windows, a superset of ISO-8859-1's printable range), then
    ISO-8859-1, which decodes anything.
    """
    text: str
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        # Checked before UTF-16: the UTF-32 LE BOM starts with UTF-16 LE's.
        text = data.decode("utf-32", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        text = _decode_unmarked(data)
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decode_unmarked(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    # Mostly-UTF-8 text with a few damaged bytes is still UTF-8: reading it as
    # cp1252 would turn every accent and curly quote into mojibake.
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F) - damaged
    if multibyte > 0 and damaged * 3 < multibyte:
        return lenient
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    # ASCII-heavy UTF-16 has a NUL in (nearly) every other byte.
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


# --- paragraph cleaning ------------------------------------------------------------

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")  # soft hyphen, zero-width space/joiner
_ILLUSTRATION = re.compile(r"\[\s*illustration\b[^\]]*\]", re.IGNORECASE)
# Gutenberg plain text marks italics as _word_ and bold as =word=.
_GUTENBERG_ITALIC = re.compile(r"(?<![\w_])_([^_\n]*?[^_\s])_(?![\w_])")
_GUTENBERG_BOLD = re.compile(r"(?<![\w=])=([^=\n\s][^=\n]*?)=(?![\w=])")
# An emphasis mark whose partner is in another paragraph.
_LONE_UNDERSCORE = re.compile(r"(?<!\w)_(?=\w)|(?<=[^\s_])_(?!\w)")
_ALNUM = re.compile(r"[^\W_]")
_NOTE = re.compile(r"\bclick|\btranscriber", re.IGNORECASE)


def collapse(text: str) -> str:
    """Single spaces, no invisible characters, no surrounding space."""
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


def clean_paragraph(text: str, *, plain_markup: bool = False) -> str:
    """The spoken form of one paragraph, or "" if nothing in it is read out.

    Illustration captions, scene-break ornaments (no letter or digit) and
    bracketed transcriber's notes ("[click here to play the music]") are not
    read. *plain_markup* removes Gutenberg plain-text emphasis marks.
    """
    if "[" in text:
        text = _ILLUSTRATION.sub(" ", text)
    if plain_markup:
        if "_" in text:
            text = _LONE_UNDERSCORE.sub("", _GUTENBERG_ITALIC.sub(r"\1", text))
        if "=" in text:
            text = _GUTENBERG_BOLD.sub(r"\1", text)
    text = collapse(text)
    if not _ALNUM.search(text):
        return ""
    if text.startswith("[") and text.endswith("]") and _NOTE.search(text):
        return ""
    return text


# --- Project Gutenberg ---------------------------------------------------------------

_PG_START = re.compile(
    r"^[^\n]*\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG[^\n]*$"
    r"|^\*END\*THE SMALL PRINT[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_PG_END = re.compile(
    r"^[^\n]*\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG[^\n]*$"
    r"|^[ \t]*End of (?:the )?Project Gutenberg[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_PG_FIELD = re.compile(r"^(Title|Author|Language):[ \t]*(.*)$", re.MULTILINE)
_PG_TITLE_LINE = re.compile(
    r"(?:The )?Project Gutenberg(?:'s)? e-?(?:book|text) of (.+?)(?:,? by (.+?))?\s*$|"
    r"Project Gutenberg's (.+?)(?:, by (.+?))?\s*$",
    re.IGNORECASE,
)
_PRODUCED_BY = re.compile(
    r"^\s*(?:Produced by|This e-?(?:book|text) was produced|E-?text prepared by|"
    r"Transcribed (?:from|by)|Prepared by)\b",
    re.IGNORECASE,
)

_LANGUAGES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "finnish": "fi",
    "swedish": "sv",
    "danish": "da",
    "norwegian": "no",
    "polish": "pl",
    "russian": "ru",
    "latin": "la",
    "greek": "el",
    "chinese": "zh",
    "japanese": "ja",
    "hungarian": "hu",
    "czech": "cs",
    "esperanto": "eo",
}


def language_code(name: str | None) -> str | None:
    """Map "English" to "en"; a code such as "en-US" is kept as it is."""
    if not name:
        return None
    value = name.strip()
    if not value:
        return None
    mapped = _LANGUAGES.get(value.split()[0].strip(",;").lower())
    if mapped:
        return mapped
    if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value):
        return value.replace("_", "-")
    return None


def gutenberg_fields(header: str, meta: Meta) -> None:
    """Title, author and language from a Gutenberg header's labelled lines."""
    fields: dict[str, str] = {}
    lines = header.split("\n")
    for i, line in enumerate(lines):
        m = _PG_FIELD.match(line)
        if not m or m.group(1) in fields:
            continue
        value = m.group(2).strip()
        # Long titles continue on indented lines.
        for nxt in lines[i + 1 : i + 4]:
            if nxt.startswith((" ", "\t")) and nxt.strip():
                value += " " + nxt.strip()
            else:
                break
        fields[m.group(1)] = value
    meta.offer(
        title=fields.get("Title"),
        author=fields.get("Author"),
        language=language_code(fields.get("Language")),
    )
    if meta.title and meta.author:
        return
    for line in lines[:10]:
        pm = _PG_TITLE_LINE.search(line.strip())
        if pm:
            meta.offer(title=pm.group(1) or pm.group(3), author=pm.group(2) or pm.group(4))
            return


def gutenberg_title(text: str) -> tuple[str, str | None] | None:
    """("The Little Colonel's Hero", "Annie Fellows Johnston") from an HTML
    title such as "The Project Gutenberg eBook of ..., by ..."."""
    pm = _PG_TITLE_LINE.search(collapse(text).rstrip("."))
    if not pm:
        return None
    title = pm.group(1) or pm.group(3)
    author = pm.group(2) or pm.group(4)
    return title, author


def strip_gutenberg(text: str, meta: Meta) -> str:
    """The book without the Project Gutenberg header, licence and footer.

    Text without the markers is returned unchanged.
    """
    start = 0
    # The header is near the top; the licence at the end never holds a
    # START marker, but bound the search so a stray phrase in a long book
    # cannot swallow it.
    limit = max(len(text) // 2, 20_000)
    for m in _PG_START.finditer(text, 0, limit):
        start = m.end()
    if start:
        gutenberg_fields(text[:start], meta)
        rest = text[start:]
        end = _PG_END.search(rest)
        if end:
            rest = rest[: end.start()]
        return _drop_producer_credit(rest)
    end = _PG_END.search(text)
    if end and end.start() > len(text) // 2:
        return text[: end.start()]
    return text


def _drop_producer_credit(text: str) -> str:
    body = text.lstrip("\n")
    if _PRODUCED_BY.match(body):
        cut = body.find("\n\n")
        return body[cut:] if cut >= 0 else ""
    return body


def is_gutenberg_start(text: str) -> bool:
    return _PG_START.search(text) is not None


def is_gutenberg_end(text: str) -> bool:
    return _PG_END.search(text) is not None
