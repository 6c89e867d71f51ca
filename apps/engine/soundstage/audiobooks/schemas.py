from __future__ import annotations

from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from soundstage.audiobooks.manuscript import MAX_PASTED_CHARS

Format = Literal["mp3", "m4b"]
ALL_FORMATS: tuple[Format, ...] = ("mp3", "m4b")


class Replacement(BaseModel):
    """One piece to render again: a chunk of a chapter, optionally with new
    text or another voice (``POST /v1/jobs/{id}/regenerate``)."""

    model_config = ConfigDict(extra="forbid")

    chapter: int = Field(ge=1, description="chapter number, from 1")
    chunk: int = Field(ge=0, description="chunk index within the chapter, from 0")
    text: str | None = Field(default=None, min_length=1, max_length=4000)
    voice: str | None = Field(default=None, max_length=200)


class AudiobookParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: UUID | None = Field(default=None, description="a manuscript from /v1/uploads")
    text: str | None = Field(default=None, max_length=MAX_PASTED_CHARS, description="or pasted")
    title: str | None = Field(default=None, max_length=300)
    author: str | None = Field(default=None, max_length=300)
    mode: Literal["single", "dual", "cast"] = Field(
        default="single",
        description="'single': one narrator; 'dual': narrator and one dialogue voice; 'cast': "
        "a voice per character (speakers attributed per quote; see the preview's cast)",
    )
    provider: str = Field(default="local", max_length=32)
    narrator_voice: str | None = Field(default=None, max_length=200, examples=["local:hibari"])
    dialogue_voice: str | None = Field(default=None, max_length=200)
    chapter_voices: dict[int, str] = Field(
        default_factory=dict, description="chapter number (from 1) to a narrator voice id"
    )
    chapters: list[int] | None = Field(
        default=None, description="render only these chapter numbers (from 1); all by default"
    )
    loudness: Literal["acx", "podcast"] = "acx"
    gain: Literal["chapter", "book"] = Field(
        default="chapter",
        description="'chapter': each chapter levelled on its own (as ACX judges each file), "
        "mastered as soon as its last unit is synthesised; 'book': one gain for the whole "
        "book, chapters keep their relative levels (mastering waits for all synthesis)",
    )
    cast: dict[str, str] = Field(
        default_factory=dict,
        max_length=200,
        description="mode 'cast': character name to a voice id (any configured provider)",
    )
    formats: list[Format] = Field(default_factory=lambda: list(ALL_FORMATS), min_length=1)
    # Set by /regenerate, not by clients creating a job.
    replacements: list[Replacement] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.upload_id is None) == (self.text is None):
            raise ValueError("give exactly one of upload_id or text")
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty")
        return self

    @field_validator("formats")
    @classmethod
    def _unique(cls, value: list[Format]) -> list[Format]:
        return sorted(set(value))

    @field_validator("chapters")
    @classmethod
    def _positive(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and (not value or min(value) < 1):
            raise ValueError("chapter numbers start at 1")
        return sorted(set(value)) if value is not None else None


class PreviewChapter(BaseModel):
    number: int
    title: str
    characters: int
    estimated_seconds: float


class ProviderCost(BaseModel):
    provider: str
    usd: float | None


class Preview(BaseModel):
    title: str | None
    author: str | None
    chapters: list[PreviewChapter]
    characters: int
    estimated_seconds: float
    dialogue_share: float = Field(description="share of characters inside quotes, 0-1")
    costs: list[ProviderCost]
    quota: QuotaInfo
    warnings: list[str]
    cast: list[CastMember] | None = Field(
        default=None, description="mode 'cast': the characters who speak, most lines first"
    )


class CastMember(BaseModel):
    name: str
    gender: str | None
    lines: int
    characters: int
    samples: list[str]
    proposed_voice: str


class QuotaInfo(BaseModel):
    monthly_characters: int
    used_this_month: int
    remaining: int


class RegenerateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chapter: int = Field(ge=1)
    chunk: int = Field(ge=0)
    text: str | None = Field(default=None, min_length=1, max_length=4000)
    voice: str | None = Field(default=None, max_length=200)


Preview.model_rebuild()
