from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soundstage.audiobooks.numbers import cardinal, ordinal, roman_to_int, year
from soundstage.audiobooks.text import (
    apply_lexicon,
    chunk_text,
    normalise,
    normalise_title,
    split_dialogue,
    split_sentences,
)


@pytest.mark.parametrize(
    ("raw", "spoken"),
    [
        ("He had 3 cats.", "He had three cats."),
        (
            "It cost $1,234.56.",
            "It cost one thousand two hundred thirty-four dollars and fifty-six cents.",
        ),
        ("Only £1 and €20.", "Only one pound and twenty euros."),
        ("on the 21st and 2nd", "on the twenty-first and second"),
        ("in 1902 and 2024", "in nineteen oh-two and twenty twenty-four"),
        ("Pi is 3.14.", "Pi is three point one four."),
        ("A 50% share", "A fifty percent share"),
        ("Mr. and Mrs. Lloyd met Dr. Moore", "Mister and Missus Lloyd met Doctor Moore"),
        ("St. Louis on Main St. today", "Saint Louis on Main Street today"),
        ("No. 7 etc.", "number seven et cetera"),
        ("See https://www.example.com/a-b now", "See example dot com slash a dash b now"),
        ("a population of 1,000,000", "a population of one million"),
    ],
)
def test_normalise_reads_numbers_and_abbreviations_aloud(raw: str, spoken: str) -> None:
    assert normalise(raw) == spoken


def test_lexicon_comes_first_longest_match_wins_and_respects_word_edges() -> None:
    lexicon = {"Lloyd": "Loyd", "Lloyd Sherman": "Loyd Sherman-Smith", "Dr. Who": "Doctor Hoo"}
    assert normalise("Lloyd Sherman saw Lloyd and Lloydia.", lexicon) == (
        "Loyd Sherman-Smith saw Loyd and Lloydia."
    )
    assert normalise("dr. who is here", lexicon) == "Doctor Hoo is here"
    assert apply_lexicon("nothing", {}) == "nothing"


def test_titles_read_roman_numerals() -> None:
    assert normalise_title("CHAPTER IV.") == "Chapter Four."
    # capitals read as words, not letter by letter
    assert normalise_title('CHAPTER XIII: "THE PRINCESS\'S RESCUE"') == (
        'Chapter Thirteen: "The Princess\'s Rescue"'
    )
    assert normalise_title("Chapter XVI") == "Chapter sixteen"
    assert normalise_title("PART 2") == "Part Two"
    assert normalise_title("The Mill") == "The Mill"


def test_number_words() -> None:
    assert cardinal(2_300_451) == "two million three hundred thousand four hundred fifty-one"
    assert [ordinal(n) for n in (1, 2, 3, 12, 20, 21, 101)] == [
        "first", "second", "third", "twelfth", "twentieth", "twenty-first", "one hundred first",
    ]  # fmt: skip
    assert [year(n) for n in (1066, 1900, 2000, 2007)] == [
        "ten sixty-six", "nineteen hundred", "two thousand", "two thousand seven",
    ]  # fmt: skip
    assert roman_to_int("XVI") == 16 and roman_to_int("IIII") is None


def test_dialogue_split_by_he_said_goes_to_dialogue_and_narration() -> None:
    text = '"Come here," he said, "and sit down." She did. “Why?” asked Tom.'
    segs = split_dialogue(text)
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.dialogue) for s in segs] == [
        ('"Come here,"', True),
        (" he said, ", False),
        ('"and sit down."', True),
        (" She did. ", False),
        ("“Why?”", True),
        (" asked Tom.", False),
    ]


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "“It runs on\n\nShe left. “Back,” she said."
    segs = split_dialogue(text)
    assert "".join(s.text for s in segs) == text
    assert segs[0].dialogue and "She left." in segs[1].text and not segs[1].dialogue


def test_sentences_keep_their_whitespace() -> None:
    text = "One. Two!  “Three?” he asked.\n\nFour"
    assert split_sentences(text) == ["One. ", "Two!  ", "“Three?” ", "he asked.\n\n", "Four"]


def test_long_sentence_splits_at_clauses_then_words_never_inside_a_word() -> None:
    sentence = ("word " * 30 + "then a clause, " + "more words here " * 20).strip() + "."
    chunks = chunk_text(sentence, max_chars=100, preferred_chars=80)
    assert "".join(chunks) == sentence
    assert all(len(c) <= 100 for c in chunks)
    for a, b in itertools.pairwise(chunks):
        assert not (a[-1].isalnum() and b[0].isalnum()), f"cut inside a word: {a!r}|{b!r}"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*list('abcdefghij ,.;:!?\n"“”—'), "word", "Mr.", "  ", "x" * 70]),
        max_size=600,
    ).map("".join),
    st.integers(min_value=40, max_value=600),
)
def test_chunks_always_rejoin_to_the_text(text: str, max_chars: int) -> None:
    chunks = chunk_text(text, max_chars=max_chars, preferred_chars=max_chars // 2 + 1)
    assert "".join(chunks) == text
    assert all(len(c) <= max_chars for c in chunks)
    assert "".join(s.text for s in split_dialogue(text)) == text


def test_whole_corpus_book_is_chunked_without_dropping_text(corpus: Path) -> None:
    raw = (corpus / "little-colonels-hero" / "15122-8.txt").read_bytes().decode("latin-1")
    text = normalise(raw.replace("\r\n", "\n"))
    assert not re.search(r"\d", text.split("*** END")[0][5000:60000]), "digits left unspoken"
    for limit in (4096, 2000, 500):
        chunks = chunk_text(text, max_chars=limit, preferred_chars=limit * 3 // 4)
        assert "".join(chunks) == text
        assert max(len(c) for c in chunks) <= limit
