"""The ``video`` job's params, under the names the story-video frontend sends."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from soundstage.audio.compose import MOODS

StoryType = Literal[
    "scary_horror", "mystery", "bedtime", "documentary", "motivational", "sci_fi", "fairy_tale"
]
ImageStyle = Literal["cinematic", "anime", "watercolor", "photographic", "comic", "minimal"]
ImageMode = Literal["ai_only", "stock", "manual", "mixed"]
DEFAULT_VOICE = "local:hibari-us-female"


class Character(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=60)
    description: str = Field(default="", max_length=500)


class SceneInput(BaseModel):
    """One scene of a user's own script (``script``), which skips writing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    narration: str = Field(min_length=1, max_length=4000)
    image_prompt: str = Field(default="", max_length=2000)
    title: str = Field(default="", max_length=120)


class MusicOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # None: chosen from the story type
    mood: str | None = None

    @field_validator("mood")
    @classmethod
    def _known_mood(cls, value: str | None) -> str | None:
        if value is not None and value not in MOODS:
            raise ValueError(f"mood must be one of {', '.join(MOODS)}")
        return value


class VideoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: str = Field(default="", max_length=300)
    story_type: StoryType = "mystery"
    image_style: ImageStyle = "cinematic"
    image_mode: ImageMode = "ai_only"
    voice_id: str = Field(default=DEFAULT_VOICE, max_length=200,
                          description="any voice id from GET /v1/voices")  # fmt: skip
    duration: float = Field(default=1.0, ge=0.5, le=10, description="minutes of narration")
    hook_intensity: Literal["low", "medium", "high", "extreme"] = "medium"
    pacing: Literal["slow", "steady", "dynamic"] = "steady"
    num_scenes: int = Field(default=6, ge=3, le=30)
    characters: list[Character] = Field(default_factory=list, max_length=10)
    manual_image_paths: list[UUID] = Field(
        default_factory=list, max_length=30, description="upload ids of images, in scene order"
    )
    stock_keywords: list[str] = Field(default_factory=list, max_length=20)
    aspect: Literal["9:16", "16:9", "1:1"] = "9:16"
    music: MusicOptions = Field(default_factory=MusicOptions)
    subtitles: Literal["burned", "sidecar", "both", "none"] = "both"
    script: list[SceneInput] | None = Field(default=None, min_length=3, max_length=30)
    # Not in the original frontend: smaller frames for previews and tests.
    resolution: Literal["480p", "720p", "1080p"] = "1080p"

    @field_validator("music", mode="before")
    @classmethod
    def _music_switch(cls, value: Any) -> Any:
        # "music": true / false, or {"enabled", "mood"}
        if isinstance(value, bool):
            return {"enabled": value}
        if isinstance(value, str):
            return {"enabled": True, "mood": value}
        return value

    @field_validator("stock_keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        cleaned = [" ".join(k.split())[:60] for k in value]
        return [k for k in cleaned if k]

    @model_validator(mode="after")
    def _topic_or_script(self) -> VideoParams:
        if not self.topic and self.script is None:
            raise ValueError("give a topic (or your own script)")
        if self.script is not None:
            self.num_scenes = len(self.script)
        if self.image_mode == "manual" and not self.manual_image_paths:
            raise ValueError("image_mode 'manual' needs manual_image_paths (image upload ids)")
        return self
