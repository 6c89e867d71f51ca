"""Every column a Row Level Security policy compares with ``auth.uid()`` leads
an index on its table, read from the catalog (``pg_policies``, ``pg_index``).

A policy such as ``(select auth.uid()) = user_id`` is the whole filter of a
frontend's ``select('*')`` on the table (PostgREST adds none of its own): without
an index on ``user_id`` each such read walks every user's rows.
20261121000700 dropped ``job_events(user_id)`` under its policy; this test
would have said so.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

# auth.uid() as Postgres prints it back in a policy: wrapped in a scalar
# subquery (evaluated once per statement) or called directly, maybe cast.
_UID = r"(?:\(\s*SELECT\s+\(?auth\.uid\(\)\)?(?:::\w+)?\s+AS\s+uid\)|\(?auth\.uid\(\)\)?(?:::\w+)?)"
# a bare column, maybe quoted and cast; never a qualified name or a call
_COLUMN = r'(?<![\w.$"])(?P<col>"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)(?:::\w+)?(?![\w.$(])'
_COMPARISONS = [
    re.compile(rf"{_COLUMN}\s*=\s*{_UID}", re.IGNORECASE),
    re.compile(rf"{_UID}\s*=\s*{_COLUMN}", re.IGNORECASE),
]


@dataclass(frozen=True, order=True)
class PolicyColumn:
    schema: str
    table: str
    column: str
    policy: str


def uid_columns(expression: str | None) -> set[str]:
    """The columns ``expression`` (a policy's qual or with_check) compares with auth.uid()."""
    if not expression:
        return set()
    found: set[str] = set()
    for pattern in _COMPARISONS:
        for match in pattern.finditer(expression):
            col = match["col"]
            found.add(col[1:-1].replace('""', '"') if col.startswith('"') else col)
    return found


# The engine's schemas (since 20261205000100; public before it).
ENGINE_SCHEMAS = ["soundstage", "soundstage_private"]


async def policy_columns(conn: asyncpg.Connection, schemas: list[str]) -> list[PolicyColumn]:
    """Every (table, column) a policy of ``schemas`` compares with auth.uid(), and
    those of our policies on Supabase's storage.objects (soundstage_*) where they exist."""
    rows = await conn.fetch(
        """
        select schemaname, tablename, policyname, qual, with_check from pg_policies
        where schemaname = any($1::text[])
           or (schemaname = 'storage' and tablename = 'objects'
               and policyname like 'soundstage\\_%')
        """,
        schemas,
    )
    found = set()
    for r in rows:
        for col in uid_columns(r["qual"]) | uid_columns(r["with_check"]):
            found.add(PolicyColumn(r["schemaname"], r["tablename"], col, r["policyname"]))
    return sorted(found)


async def unindexed(conn: asyncpg.Connection, columns: list[PolicyColumn]) -> list[PolicyColumn]:
    """Those of ``columns`` that lead no whole-table index (a partial one serves
    only queries that repeat its predicate; an expression one, none of these)."""
    missing = []
    for pc in columns:
        served = await conn.fetchval(
            """
            select exists (
              select 1 from pg_index i
              join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
              where i.indrelid = format('%I.%I', $1::text, $2::text)::regclass
                and a.attname = $3 and i.indpred is null and i.indisvalid
            )
            """,
            pc.schema,
            pc.table,
            pc.column,
        )
        if not served:
            missing.append(pc)
    return missing


@pytest.fixture
async def conn(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    c = await asyncpg.connect(dsn)
    try:
        yield c
    finally:
        await c.close()


def test_the_parser_reads_what_postgres_prints() -> None:
    assert uid_columns("(( SELECT auth.uid() AS uid) = user_id)") == {"user_id"}
    assert uid_columns("(owner_id = ( SELECT auth.uid() AS uid))") == {"owner_id"}
    assert uid_columns('(auth.uid() = "Owner")') == {"Owner"}
    assert uid_columns("((actor_id = ( SELECT auth.uid() AS uid)) AND (x > 0))") == {"actor_id"}
    # a function's argument or an expression is not a column the policy compares
    assert (
        uid_columns("(soundstage_private.project_level(id, ( SELECT auth.uid() AS uid)) > 0)")
        == set()
    )
    assert (
        uid_columns("((storage.foldername(name))[1] = ( SELECT (auth.uid())::text AS uid))")
        == set()
    )


async def test_every_column_a_policy_compares_with_auth_uid_leads_an_index(
    conn: asyncpg.Connection,
) -> None:
    columns = await policy_columns(conn, ENGINE_SCHEMAS)
    found = {(pc.table, pc.column) for pc in columns}
    # the parse must keep finding what the migrations declare, or this test is empty
    assert {
        ("jobs", "user_id"),
        ("job_events", "user_id"),
        ("uploads", "user_id"),
        ("api_keys", "user_id"),
        ("projects", "owner_id"),
        ("project_members", "user_id"),
        ("project_events", "actor_id"),
    } <= found, found
    missing = await unindexed(conn, columns)
    assert missing == [], (
        "these policy columns lead no index on their table; add one in a migration "
        f"(a (column, id) index also serves ordered reads): {missing}"
    )


async def test_a_policy_column_without_an_index_is_found(conn: asyncpg.Connection) -> None:
    tx = conn.transaction()
    await tx.start()
    try:
        # the state 20261121000700 left behind, and a new table made the same way
        await conn.execute("drop index soundstage.job_events_user_id_id_idx")
        await conn.execute(
            """
            create table soundstage.policy_probe (id bigint primary key, owner uuid not null);
            alter table soundstage.policy_probe enable row level security;
            create policy policy_probe_own on soundstage.policy_probe for select to authenticated
              using (owner = (select auth.uid()));
            """
        )
        missing = await unindexed(conn, await policy_columns(conn, ENGINE_SCHEMAS))
        assert {(pc.table, pc.column) for pc in missing} == {
            ("job_events", "user_id"),
            ("policy_probe", "owner"),
        }
        # a partial index does not count; a whole-table one led by the column does
        await conn.execute(
            "create index on soundstage.policy_probe (owner) where id > 0;"
            "create index on soundstage.job_events (user_id, id)"
        )
        missing = await unindexed(conn, await policy_columns(conn, ENGINE_SCHEMAS))
        assert {(pc.table, pc.column) for pc in missing} == {("policy_probe", "owner")}
    finally:
        await tx.rollback()
