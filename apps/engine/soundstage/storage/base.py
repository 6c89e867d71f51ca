from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from soundstage.errors import BadRequest

BUCKETS = frozenset({"uploads", "renders"})
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class SignedURL:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class SignedUpload:
    """Where a client sends one object itself: ``method`` to ``url`` with ``headers``."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


class Storage(Protocol):
    """What the engine needs from object storage, nothing more."""

    async def put_file(self, bucket: str, path: str, source: Path, content_type: str) -> int:
        """Store ``source`` at ``bucket/path`` (replacing it); return its size."""
        ...

    def open(self, bucket: str, path: str) -> AsyncIterator[bytes]:
        """Stream an object's bytes."""
        ...

    async def download(self, bucket: str, path: str, target: Path) -> None: ...

    async def delete(self, bucket: str, path: str) -> None:
        """Remove an object; a missing object is not an error."""
        ...

    async def exists(self, bucket: str, path: str) -> bool: ...

    async def signed_url(
        self, bucket: str, path: str, *, expires_in: int, base_url: str
    ) -> SignedURL: ...

    async def signed_upload_url(
        self,
        bucket: str,
        path: str,
        *,
        content_type: str,
        max_bytes: int,
        expires_in: int,
        base_url: str,
    ) -> SignedUpload:
        """A URL that lets its holder create ``bucket/path`` once, without a token of ours.

        An existing object is never replaced through it, so an object validated
        after the upload cannot be swapped for another afterwards. ``max_bytes``
        and ``expires_in`` are upper bounds a backend may tighten (Supabase's
        lifetime is the project's own setting).
        """
        ...

    async def ping(self) -> None:
        """Raise if the backend is unreachable."""
        ...


def object_path(user_id: uuid.UUID, owner_id: uuid.UUID, name: str) -> str:
    """``{user_id}/{job_or_upload_id}/{name}``: the owner's id always comes first."""
    return f"{user_id}/{owner_id}/{name}"


def validate_key(bucket: str, path: str) -> None:
    """Refuse anything but known buckets and plain relative segments.

    Every object path is made by the engine, so this is a second line of defence
    for the signed-URL route, where ``bucket`` and ``path`` come from the URL.
    """
    if bucket not in BUCKETS:
        raise BadRequest("unknown bucket")
    parts = path.split("/")
    if len(parts) < 2 or not all(_SEGMENT.match(p) and p not in {".", ".."} for p in parts):
        raise BadRequest("invalid object path")
