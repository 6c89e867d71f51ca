"""Keyset cursors over ``(created_at, id)``, newest first: stable under inserts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from soundstage.errors import ValidationFailed


def encode_cursor(created_at: datetime, row_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        created, _, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        created_at = datetime.fromisoformat(created)
        if created_at.tzinfo is None:
            raise ValueError("cursor time has no time zone")
        # Normalised here: a crafted time at the edge of the calendar (year 1 with
        # a positive offset) would otherwise overflow in the driver, a 500.
        return created_at.astimezone(UTC), UUID(row_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed("invalid cursor") from exc


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


R = TypeVar("R", bound=Row)
Before = tuple[datetime, UUID] | None


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: Sequence[R]
    next_cursor: str | None


async def fetch_page(
    fetch: Callable[[int, Before], Awaitable[Sequence[R]]], cursor: str | None, limit: int
) -> Page[R]:
    """One page, newest first: ``fetch(limit, before)`` is asked for one row more
    than the page holds, and that row's presence says whether a next page exists.
    Rows must carry ``created_at`` and ``id``."""
    before = decode_cursor(cursor) if cursor else None
    rows = await fetch(limit + 1, before)
    page = rows[:limit]
    more = len(rows) > limit
    return Page(page, encode_cursor(page[-1]["created_at"], page[-1]["id"]) if more else None)
