"""All SQL of auth: development sign-in (the ``auth.users`` row a local token
names) and API keys (``soundstage.api_keys``)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from soundstage.db import Connection


async def ensure_user(conn: Connection, email: str) -> UUID:
    """The id of the user with this email, created if needed (development only:
    in production Supabase Auth owns ``auth.users``)."""
    user_id: UUID = await conn.fetchval(
        """
        insert into auth.users (email) values (lower($1))
        on conflict (email) do update set updated_at = now()
        returning id
        """,
        email,
    )
    return user_id


# --- API keys (table soundstage.api_keys) ---------------------------------------
# The request role may read every column but the hash (see the migration), so
# every RETURNING here names its columns.
_KEY_COLUMNS = "id, user_id, name, scopes, prefix, created_at, last_used_at, revoked_at"


async def insert_api_key(
    conn: Connection,
    *,
    user_id: UUID,
    name: str,
    scopes: list[str],
    prefix: str,
    key_hash: bytes,
) -> asyncpg.Record:
    """Under the owner's RLS transaction."""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"""
        insert into soundstage.api_keys (user_id, name, scopes, prefix, key_hash)
        values ($1, $2, $3, $4, $5)
        returning {_KEY_COLUMNS}
        """,
        user_id,
        name,
        scopes,
        prefix,
        key_hash,
    )
    assert row is not None
    return row


async def count_active_api_keys(conn: Connection) -> int:
    """The caller's unrevoked keys (RLS limits the count to them)."""
    count: int = await conn.fetchval(
        "select count(*) from soundstage.api_keys where revoked_at is null"
    )
    return count


async def list_api_keys(conn: Connection) -> list[asyncpg.Record]:
    """The caller's keys, newest first (RLS limits them to the caller's)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"select {_KEY_COLUMNS} from soundstage.api_keys order by created_at desc, id desc"
    )
    return rows


async def revoke_api_key(conn: Connection, key_id: UUID) -> asyncpg.Record | None:
    """Revoke one of the caller's keys (idempotent: a revoked key keeps its
    first revocation time). None when there is no such key of the caller's."""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"""
        update soundstage.api_keys set revoked_at = coalesce(revoked_at, now())
        where id = $1
        returning {_KEY_COLUMNS}
        """,
        key_id,
    )
    return row


async def resolve_api_key(conn: Connection, key_hash: bytes) -> asyncpg.Record | None:
    """Privileged (the caller is not known yet): the live key with this hash and
    its owner's email. One unique-index probe."""
    row: asyncpg.Record | None = await conn.fetchrow(
        """
        select k.id, k.user_id, k.scopes, k.last_used_at, u.email
        from soundstage.api_keys k join auth.users u on u.id = k.user_id
        where k.key_hash = $1 and k.revoked_at is null
        """,
        key_hash,
    )
    return row


async def touch_api_key(conn: Connection, key_id: UUID, every_seconds: float) -> None:
    """Privileged: record a use, unless one was recorded in the last
    ``every_seconds`` (so many processes using one key write rarely too)."""
    await conn.execute(
        """
        update soundstage.api_keys set last_used_at = now()
        where id = $1
          and (last_used_at is null or last_used_at < now() - make_interval(secs => $2))
        """,
        key_id,
        every_seconds,
    )
