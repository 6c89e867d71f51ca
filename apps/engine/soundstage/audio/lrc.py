"""LRC lyrics: ``[mm:ss.xx] words`` lines, with errors that name the line.

Accepted: one timestamp per line (``[mm:ss]``, ``[mm:ss.x]``, ``[mm:ss.xx]`` or
``[mm:ss.xxx]``), empty lines (skipped), metadata tags such as ``[ar:...]`` or
``[ti:...]`` (ignored), and a timestamp with no words (an instrumental gap).
Timestamps must not go backwards: a song is sung in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE_CHARS = 500

_TIMESTAMP = re.compile(r"^\[(\d{1,3}):(\d{2})(?:[.:](\d{1,3}))?\]")
_METADATA = re.compile(r"^\[([A-Za-z#]+):[^\]]*\]\s*$")


class LrcError(ValueError):
    """Malformed LRC; the message starts with ``line N:``."""


@dataclass(frozen=True)
class LyricLine:
    number: int  # 1-based line number in the source text
    start_s: float
    text: str


def format_timestamp(seconds: float) -> str:
    minutes, rest = divmod(round(seconds * 100), 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def parse_lrc(text: str) -> list[LyricLine]:
    lines: list[LyricLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or _METADATA.match(line):
            continue
        match = _TIMESTAMP.match(line)
        if match is None:
            raise LrcError(f"line {number}: expected [mm:ss.xx] timestamp, got {line[:40]!r}")
        minutes, seconds, fraction = match.groups()
        if int(seconds) >= 60:
            raise LrcError(f"line {number}: seconds must be below 60 in {match.group(0)}")
        start = (
            int(minutes) * 60
            + int(seconds)
            + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)
        )
        words = line[match.end() :].strip()
        if _TIMESTAMP.match(words):
            raise LrcError(f"line {number}: one timestamp per line, please (repeat the words)")
        if len(words) > MAX_LINE_CHARS:
            raise LrcError(f"line {number}: longer than {MAX_LINE_CHARS} characters")
        if lines and start < lines[-1].start_s:
            prev = lines[-1]
            raise LrcError(
                f"line {number}: timestamp {format_timestamp(start)} is earlier than "
                f"line {prev.number}'s {format_timestamp(prev.start_s)}"
            )
        lines.append(LyricLine(number, start, words))
    if not any(line.text for line in lines):
        raise LrcError("no timestamped lyric lines found")
    return lines
