"""All SQL of the lexicon domain."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from soundstage.db import Connection

COLUMNS = "id, term, replacement, created_at, updated_at"


async def list_entries(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"select {COLUMNS} from soundstage.lexicon_entries order by lower(term)"
    )


async def count_entries(conn: Connection) -> int:
    n: int = await conn.fetchval("select count(*) from soundstage.lexicon_entries")
    return n


async def upsert_entry(
    conn: Connection, user_id: UUID, term: str, replacement: str
) -> tuple[asyncpg.Record, bool]:
    """Insert, or replace the spelling of the same term (any case). Returns (row, created)."""
    row = await conn.fetchrow(
        f"""
        insert into soundstage.lexicon_entries (user_id, term, replacement) values ($1, $2, $3)
        on conflict (user_id, lower(term)) do update
          set term = excluded.term, replacement = excluded.replacement
        returning {COLUMNS}, (xmax = 0) as created
        """,
        user_id,
        term,
        replacement,
    )
    assert row is not None
    return row, bool(row["created"])


async def delete_entry(conn: Connection, entry_id: UUID) -> bool:
    result: str = await conn.execute(
        "delete from soundstage.lexicon_entries where id = $1", entry_id
    )
    return result.endswith(" 1")


async def lexicon_for_user(conn: Connection, user_id: UUID) -> dict[str, str]:
    """One user's whole lexicon (a job reads its owner's under RLS, as the owner)."""
    rows = await conn.fetch(
        "select term, replacement from soundstage.lexicon_entries where user_id = $1", user_id
    )
    return {r["term"]: r["replacement"] for r in rows}
