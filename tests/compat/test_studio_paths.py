"""The studio surface's pure helpers: file paths naming uploads, and the tune
written for vocals requests that come without a melody."""

from __future__ import annotations

import uuid

import pytest

from soundstage.compat.studio import tune_for, upload_id_from
from soundstage.errors import BadRequest


def test_a_studio_path_or_an_id_names_an_upload() -> None:
    upload = uuid.uuid4()
    for value in (
        f"storage/uploads/audio/{upload}.wav",
        f"uploads/midi/{upload}.mid",
        str(upload),
    ):
        assert upload_id_from(value, "path") == upload
    for bad in ("../etc/passwd", f"storage/uploads/other/{upload}.wav", 42, None):
        with pytest.raises(BadRequest, match="path"):
            upload_id_from(bad, "path")


@pytest.mark.parametrize(
    ("lyrics", "syllables"),
    [
        ("Hello world", 3),
        ("Beautiful imagination, extraordinary evolution", 17),
        ("[verse] Every little thing is gonna be alright", 11),
        ("Supercalifragilisticexpialidocious", 13),
    ],
)
def test_the_tune_has_a_note_for_every_syllable(lyrics: str, syllables: int) -> None:
    # (syllable counts as the vocals kind's hyphenation finds them)
    notes = tune_for(lyrics)
    assert len(notes) >= syllables
    assert [n["start"] for n in notes] == [float(i) for i in range(len(notes))]
    assert all(n["beats"] == 1.0 and 55 <= n["pitch"] <= 76 for n in notes)
