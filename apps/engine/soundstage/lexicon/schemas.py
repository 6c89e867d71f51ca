from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator


class LexiconEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=100, examples=["Lloyd"])
    replacement: str = Field(min_length=1, max_length=200, examples=["Loyd"])

    @field_validator("term", "replacement")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value


class LexiconEntry(BaseModel):
    id: UUID
    term: str
    replacement: str
    created_at: datetime
    updated_at: datetime


class LexiconList(BaseModel):
    items: list[LexiconEntry]
