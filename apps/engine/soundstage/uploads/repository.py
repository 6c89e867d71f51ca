"""All SQL of the uploads domain."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from soundstage.db import Connection

COLUMNS = (
    "id, category, format, content_type, original_name, bucket, object_path, bytes, sha256,"
    " created_at"
)


async def insert_upload(
    conn: Connection,
    *,
    upload_id: UUID,
    user_id: UUID,
    category: str,
    format: str,
    content_type: str,
    original_name: str,
    bucket: str,
    object_path: str,
    size: int,
    sha256: str,
) -> asyncpg.Record:
    row = await conn.fetchrow(
        f"""
        insert into soundstage.uploads (id, user_id, category, format, content_type, original_name,
                             bucket, object_path, bytes, sha256)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        returning {COLUMNS}
        """,
        upload_id,
        user_id,
        category,
        format,
        content_type,
        original_name,
        bucket,
        object_path,
        size,
        sha256,
    )
    assert row is not None
    return row


async def get_upload(conn: Connection, upload_id: UUID) -> asyncpg.Record | None:
    """A ready upload; a pending one (direct upload not yet checked) is not there yet."""
    return await conn.fetchrow(
        f"select {COLUMNS} from soundstage.uploads where id = $1 and status = 'ready'", upload_id
    )


async def list_uploads(
    conn: Connection,
    *,
    limit: int,
    category: str | None,
    before: tuple[datetime, UUID] | None,
) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        select {COLUMNS} from soundstage.uploads
        where status = 'ready'
          and ($1::text is null or category = $1)
          and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
        order by created_at desc, id desc
        limit $4
        """,
        category,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


async def delete_upload(conn: Connection, upload_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "delete from soundstage.uploads where id = $1 returning bucket, object_path", upload_id
    )


# --- direct uploads (pending until checked) ----------------------------------


async def insert_pending(
    conn: Connection,
    *,
    upload_id: UUID,
    user_id: UUID,
    expected_category: str | None,
    original_name: str,
    bucket: str,
    object_path: str,
    declared_bytes: int,
    upload_expires_at: datetime,
) -> None:
    await conn.execute(
        """
        insert into soundstage.uploads (id, user_id, status, expected_category, original_name,
          bucket,
                             object_path, bytes, upload_expires_at)
        values ($1, $2, 'pending', $3, $4, $5, $6, $7, $8)
        """,
        upload_id,
        user_id,
        expected_category,
        original_name,
        bucket,
        object_path,
        declared_bytes,
        upload_expires_at,
    )


async def get_any(conn: Connection, upload_id: UUID) -> asyncpg.Record | None:
    """An upload in either state, with what completing a pending one needs."""
    return await conn.fetchrow(
        f"select {COLUMNS}, status, expected_category from soundstage.uploads where id = $1",
        upload_id,
    )


async def complete_upload(
    conn: Connection,
    upload_id: UUID,
    *,
    category: str,
    format: str,
    content_type: str,
    size: int,
    sha256: str,
) -> asyncpg.Record | None:
    """Mark a pending upload ready; None if it is not pending (any more)."""
    return await conn.fetchrow(
        f"""
        update soundstage.uploads
        set status = 'ready', category = $2, format = $3, content_type = $4, bytes = $5,
            sha256 = $6, upload_expires_at = null
        where id = $1 and status = 'pending'
        returning {COLUMNS}
        """,
        upload_id,
        category,
        format,
        content_type,
        size,
        sha256,
    )


async def delete_pending(conn: Connection, upload_id: UUID) -> None:
    await conn.execute(
        "delete from soundstage.uploads where id = $1 and status = 'pending'", upload_id
    )


async def count_pending(conn: Connection) -> int:
    # RLS limits the count to the requesting user's rows.
    count: int = await conn.fetchval(
        "select count(*) from soundstage.uploads where status = 'pending'"
    )
    return count


async def delete_abandoned(conn: Connection, *, expired_before: datetime) -> list[asyncpg.Record]:
    """Pending uploads whose link ran out long ago: rows removed, objects returned to delete."""
    return await conn.fetch(
        """
        delete from soundstage.uploads
        where status = 'pending' and upload_expires_at < $1
        returning bucket, object_path
        """,
        expired_before,
    )
