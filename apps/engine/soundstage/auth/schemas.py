from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

Scope = Literal[
    "jobs:read",
    "jobs:write",
    "uploads:read",
    "uploads:write",
    "voices:read",
    "lexicon:read",
    "lexicon:write",
    "usage:read",
    "projects:read",
    "projects:write",
    "events:read",
    "webhooks:read",
    "webhooks:write",
]
"""Every scope a key may hold. ``jobs:*`` covers job kinds, the queue, the
audiobook and music routes and the compatibility surfaces' job routes."""


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, examples=["render server"])]
    scopes: Annotated[
        list[Scope],
        Field(min_length=1, max_length=len(Scope.__args__), examples=[["jobs:read", "jobs:write"]]),
    ]

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name is blank")
        return value.strip()

    @field_validator("scopes")
    @classmethod
    def _unique(cls, value: list[Scope]) -> list[Scope]:
        return sorted(set(value))


class ApiKey(BaseModel):
    id: UUID
    name: str
    scopes: list[str]
    prefix: str = Field(description="the key's first characters, to recognise it by")
    created_at: datetime
    last_used_at: datetime | None = Field(
        description="recorded at most once a minute, so up to a minute old"
    )
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey):
    key: str = Field(description="the key itself: shown this once, stored nowhere")


class ApiKeyList(BaseModel):
    items: list[ApiKey]
