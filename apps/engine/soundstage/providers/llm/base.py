"""The script-writing contract: a topic and a few knobs in, scenes out.

A scene is what one image and one stretch of narration cover: the words spoken,
a prompt for its picture and a short on-screen title. Every writer's answer goes
through :func:`parse_script`, so a model that returns the wrong number of
scenes, empty narration or extra keys is caught before it costs images or TTS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from soundstage.errors import PermanentError

STORY_TYPES = (
    "scary_horror",
    "mystery",
    "bedtime",
    "documentary",
    "motivational",
    "sci_fi",
    "fairy_tale",
)
# Narration speed the word budgets assume (words per second of speech).
WORDS_PER_SECOND = 2.5
# A scene's narration is spoken in pieces of at most this many characters by the
# TTS stage; the writer's limit per scene is generous and only stops run-away text.
MAX_SCENE_CHARS = 4000


@dataclass(frozen=True)
class ScriptCharacter:
    name: str
    description: str


@dataclass(frozen=True)
class ScriptRequest:
    topic: str
    story_type: str
    image_style: str
    hook_intensity: str
    pacing: str
    num_scenes: int
    duration_s: float
    characters: tuple[ScriptCharacter, ...] = ()

    @property
    def words_total(self) -> int:
        return max(self.num_scenes * 8, round(self.duration_s * WORDS_PER_SECOND))

    @property
    def words_per_scene(self) -> int:
        return max(8, self.words_total // self.num_scenes)


@dataclass(frozen=True)
class ScriptScene:
    title: str
    narration: str
    image_prompt: str
    characters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    title: str
    scenes: tuple[ScriptScene, ...]
    # Which writer made it, as the job's report says it: "openai:gpt-4o-mini",
    # "local-template".
    writer: str
    notes: tuple[str, ...] = field(default=())


class ScriptWriter(Protocol):
    name: str

    async def write(self, request: ScriptRequest) -> Script: ...


class _SceneModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=120)
    narration: str = Field(min_length=1, max_length=MAX_SCENE_CHARS)
    image_prompt: str = Field(min_length=1, max_length=2000)
    characters: list[str] = Field(default_factory=list, max_length=20)


class _ScriptModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    scenes: list[_SceneModel] = Field(min_length=1, max_length=60)


# What OpenAI's structured outputs (and Ollama / llama.cpp's json_schema mode)
# are asked to produce; strict mode needs every key required, no extras.
SCRIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "scenes"],
    "properties": {
        "title": {"type": "string"},
        "scenes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "narration", "image_prompt", "characters"],
                "properties": {
                    "title": {"type": "string", "description": "on-screen title, 2-6 words"},
                    "narration": {"type": "string", "description": "the words spoken"},
                    "image_prompt": {"type": "string", "description": "the scene's picture"},
                    "characters": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "names of the characters in this scene",
                    },
                },
            },
        },
    },
}


class ScriptInvalid(ValueError):
    """A writer's answer that is not a usable script (why, in a sentence)."""


def parse_script(raw: Any, request: ScriptRequest, writer: str) -> Script:
    """Validate a writer's JSON against the schema and the request: exactly
    ``num_scenes`` scenes (extra ones dropped, too few refused), known
    character names only."""
    try:
        model = _ScriptModel.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScriptInvalid(f"{where}: {first['msg']}") from exc
    if len(model.scenes) < request.num_scenes:
        raise ScriptInvalid(f"expected {request.num_scenes} scenes, got {len(model.scenes)}")
    known = {c.name.lower(): c.name for c in request.characters}
    scenes = tuple(
        ScriptScene(
            title=s.title,
            narration=" ".join(s.narration.split()),
            image_prompt=s.image_prompt,
            characters=tuple(
                dict.fromkeys(known[n.lower()] for n in s.characters if n.lower() in known)
            ),
        )
        for s in model.scenes[: request.num_scenes]
    )
    notes: tuple[str, ...] = ()
    if len(model.scenes) > request.num_scenes:
        notes = (
            f"the writer returned {len(model.scenes)} scenes; the first "
            f"{request.num_scenes} were used",
        )
    return Script(title=model.title, scenes=scenes, writer=writer, notes=notes)


def permanent(message: str) -> PermanentError:
    return PermanentError(f"script: {message}")
