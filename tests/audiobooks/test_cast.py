"""Speaker attribution against two hand-labelled chapters (see
tests/data/cast/README.md for how they were labelled)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soundstage.audiobooks.cast import Attribution, attribute, pieces, voices_for
from soundstage.audiobooks.manuscript import parse_manuscript
from soundstage.audiobooks.text import normalise

DATA = Path(__file__).parent.parent / "data" / "cast"


def _alice() -> str:
    return normalise((DATA / "alice-ch07-mad-tea-party.txt").read_text())


def _colonel(corpus: Path) -> str:
    book = parse_manuscript(corpus / "little-colonels-hero" / "15122-8.txt", "txt")
    return normalise(book.chapters[1].text)


def _score(attribution: Attribution, labels: dict[str, object]) -> tuple[float, list[str]]:
    aliases: dict[str, str] = {}
    for name, others in labels["aliases"].items():  # type: ignore[attr-defined]
        for other in others:
            aliases[other] = name
    right, total, wrong = 0, 0, []
    quotes = labels["quotes"]
    assert len(attribution.quotes) == len(quotes)  # type: ignore[arg-type]
    for q, gold in zip(attribution.quotes, quotes, strict=True):  # type: ignore[call-overload]
        assert " ".join(q.text.split()).startswith(gold["starts"])
        if gold["speaker"] == "-":
            continue
        total += 1
        said = aliases.get(q.speaker, q.speaker) if q.speaker else "?"
        if said == gold["speaker"]:
            right += 1
        else:
            wrong.append(f"{gold['n']}: {gold['starts']!r} gold={gold['speaker']} got={said}")
    return right / total, wrong


@pytest.mark.parametrize("which", ["alice", "colonel"])
def test_at_least_85_percent_of_quotes_go_to_the_right_speaker(which: str, corpus: Path) -> None:
    if which == "alice":
        text, name = _alice(), "alice-ch07-mad-tea-party.labels.json"
    else:
        text, name = _colonel(corpus), "little-colonels-hero-ch02.labels.json"
    labels = json.loads((DATA / name).read_text())
    accuracy, wrong = _score(attribute(text), labels)
    print(f"{which}: {accuracy:.1%} right; wrong: " + "\n".join(wrong))
    assert accuracy >= 0.85, "\n".join(wrong)


def test_pieces_join_back_to_the_text_and_never_merge_two_quotes() -> None:
    text = _alice()
    parts = pieces(text)
    assert "".join(p for p, _, _ in parts) == text
    assert all(p.count('"') <= 2 for p, q, _ in parts if q)


def test_every_character_gets_one_voice_and_genders_are_respected() -> None:
    attribution = attribute(_alice())
    assert {"Alice", "the Hatter", "the March Hare", "the Dormouse"} <= set(attribution.characters)
    assert attribution.characters["Alice"].gender == "female"
    voices = [("local:f1", "female"), ("local:m1", "male"), ("openai:onyx", "male")]
    cast = voices_for(
        attribution, voices, narrator="local:f1", dialogue="local:m1",
        overrides={"the Dormouse": "openai:onyx"},
    )  # fmt: skip
    assert cast["the Dormouse"] == "openai:onyx"
    assert cast["Alice"] == "local:f1"  # the only female voice, even though it narrates
    assert set(cast) == set(attribution.characters)
