from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from soundstage.sniff import UploadCategory


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


class SignUploadRequest(BaseModel):
    """Ask for a URL to send one file straight to storage (large files)."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(
        min_length=1, max_length=1024, description="the file's name, with its extension"
    )
    bytes: int = Field(gt=0, description="the file's exact size; the upload may not be larger")
    category: UploadCategory | None = Field(
        default=None, description="refuse the file unless it is of this kind"
    )


class SignedUpload(BaseModel):
    """Send the file as the body of ``method`` to ``upload_url`` with ``headers``,
    then call ``POST /v1/uploads/{id}/complete``."""

    id: UUID
    upload_url: str
    method: Literal["PUT"]
    headers: dict[str, str]
    expires_at: datetime
