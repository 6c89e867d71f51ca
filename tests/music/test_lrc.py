"""LRC parsing: timestamps, ignored metadata, and errors that name the line."""

from __future__ import annotations

import pytest

from soundstage.audio.lrc import LrcError, LyricLine, format_timestamp, parse_lrc


def test_parses_timestamps_and_skips_metadata_and_empty_lines() -> None:
    text = (
        "[ar:Someone]\n[ti:A Song]\n\n[00:01.50] First line\n[00:04] Second\n"
        "[00:07.250]\n[01:02.5]Last"
    )
    assert parse_lrc(text) == [
        LyricLine(4, 1.5, "First line"),
        LyricLine(5, 4.0, "Second"),
        LyricLine(6, 7.25, ""),  # an instrumental gap
        LyricLine(7, 62.5, "Last"),
    ]


def test_equal_timestamps_are_allowed() -> None:
    assert [x.start_s for x in parse_lrc("[00:01.00] a\n[00:01.00] b")] == [1.0, 1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[00:01.00] ok\n\nno timestamp here", "line 3: expected [mm:ss.xx] timestamp"),
        ("[00:01.00] a\n[0:1.00] b", "line 2: expected [mm:ss.xx] timestamp"),
        ("[00:75.00] a", "line 1: seconds must be below 60"),
        (
            "[ti:x]\n[00:01.00] a\n[00:05.00] b\n[00:15.00] c\n[00:12.00] d",
            "line 5: timestamp 00:12.00 is earlier than line 4's 00:15.00",
        ),
        ("[00:01.00][00:30.00] chorus", "line 1: one timestamp per line"),
        ("[ar:Nobody]\n\n", "no timestamped lyric lines"),
    ],
)
def test_malformed_lyrics_name_the_line(text: str, message: str) -> None:
    with pytest.raises(LrcError) as err:
        parse_lrc(text)
    assert str(err.value).startswith(message), str(err.value)


def test_format_timestamp() -> None:
    assert format_timestamp(62.5) == "01:02.50"
    assert format_timestamp(0) == "00:00.00"
