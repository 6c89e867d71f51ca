from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class UsageItem(BaseModel):
    name: str = Field(examples=["audiobook_characters"])
    used: int
    limit: int | None = Field(description="null: no limit")
    remaining: int | None


class Usage(BaseModel):
    period_start: datetime
    period_end: datetime
    items: list[UsageItem]
