from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from soundstage.uploads.sniff import UploadCategory


class Upload(BaseModel):
    id: UUID
    category: UploadCategory
    format: str
    content_type: str
    original_name: str
    bytes: int
    sha256: str
    created_at: datetime
    url: str
    expires_at: datetime


class UploadList(BaseModel):
    items: list[Upload]
    next_cursor: str | None
