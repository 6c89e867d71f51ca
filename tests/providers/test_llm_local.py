"""The local template writer: a whole, deterministic script sized to the request."""

from __future__ import annotations

import pytest

from soundstage.providers.llm import STORY_TYPES, ScriptCharacter, ScriptRequest
from soundstage.providers.llm.local import write_script


def _request(**kw: object) -> ScriptRequest:
    base: dict[str, object] = dict(
        topic="The Vanishing Lighthouse", story_type="scary_horror", image_style="cinematic",
        hook_intensity="high", pacing="steady", num_scenes=6, duration_s=60.0,
        characters=(ScriptCharacter("Sarah", "25, brown hair"), ScriptCharacter("Tom", "old")),
    )  # fmt: skip
    base.update(kw)
    return ScriptRequest(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("story_type", STORY_TYPES)
@pytest.mark.parametrize("n", [3, 4, 7, 12, 30])
def test_every_story_type_and_length(story_type: str, n: int) -> None:
    request = _request(story_type=story_type, num_scenes=n, duration_s=n * 12.0)
    script = write_script(request)
    assert len(script.scenes) == n and script.writer == "local-template"
    words = sum(len(s.narration.split()) for s in script.scenes)
    assert 0.8 * request.words_total <= words <= 1.6 * request.words_total
    for scene in script.scenes:
        assert scene.narration and scene.title and scene.image_prompt
        assert "{" not in scene.narration and "}" not in scene.narration
        assert "cinematic style" in scene.image_prompt
        for name in scene.characters:  # consistency: the description rides along
            assert f"{name} (" in scene.image_prompt
    assert "The Vanishing Lighthouse" in script.scenes[0].narration  # the hook names the topic


def test_deterministic_and_hooked_by_intensity() -> None:
    assert write_script(_request()) == write_script(_request())
    calm = write_script(_request(hook_intensity="low")).scenes[0].narration
    wild = write_script(_request(hook_intensity="extreme")).scenes[0].narration
    assert calm.startswith("This is the story of")
    assert wild.startswith("Stop.")


def test_the_hero_is_the_first_character_and_the_note_says_local() -> None:
    script = write_script(_request())
    assert "Sarah" in " ".join(s.narration for s in script.scenes)
    assert "Tom" in " ".join(s.narration for s in script.scenes)
    assert "local template writer" in script.notes[0]
    bedtime = write_script(_request(story_type="bedtime", characters=()))
    assert bedtime.scenes[-1].narration.endswith("drifted off to sleep.")
