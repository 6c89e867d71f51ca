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
        insert into uploads (id, user_id, category, format, content_type, original_name,
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
    return await conn.fetchrow(f"select {COLUMNS} from uploads where id = $1", upload_id)


async def list_uploads(
    conn: Connection,
    *,
    limit: int,
    category: str | None,
    before: tuple[datetime, UUID] | None,
) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        select {COLUMNS} from uploads
        where ($1::text is null or category = $1)
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
        "delete from uploads where id = $1 returning bucket, object_path", upload_id
    )
