from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator


def check_email(value: str) -> str:
    """The same loose check as ``soundstage token``: one ``@``, a dotted domain,
    no spaces. Supabase Auth does the real checking in production."""
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or "@" in domain:
        raise ValueError("not an email address")
    if any(c.isspace() for c in value) or domain.startswith(".") or domain.endswith("."):
        raise ValueError("not an email address")
    return value.lower()


class DevTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, examples=["alice@example.com"])

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)


class DevUser(BaseModel):
    id: UUID
    email: str


class DevToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires")
    user: DevUser


class SupabaseAuth(BaseModel):
    url: str
    anon_key: str = Field(description="the project's public anon key (not a secret)")


class DashboardConfig(BaseModel):
    env: str
    dev_sign_in: bool = Field(description="POST /v1/dev/token answers this browser")
    supabase: SupabaseAuth | None = Field(
        description="email and password sign-in through Supabase Auth, when configured"
    )
