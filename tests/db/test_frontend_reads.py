"""What the frontend reads through the Data API: ``select('*')`` works on every
relation of the exposed schema that ``authenticated`` may read, and nothing
else there is readable.

PostgREST turns ``supabase.schema('soundstage').from(x).select('*')`` into
``select x.* from soundstage.x`` as ``authenticated`` with the user's claims,
under RLS. On a table with column-level grants that fails with a bare 42501:
such a table has a security_invoker view of exactly its readable columns
(20261205003100_frontend_views.sql), and the table itself answers only its
explicit select list (documented in docs/deploy.md).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

EXPOSED = "soundstage"

# Tables that keep columns from the frontend, and the view it reads them through.
# Their column grants stay: an invoker view needs them, and Realtime's Postgres
# Changes on soundstage.jobs reads the table itself.
COLUMN_GRANTED = {
    "jobs": "jobs_view",
    "projects": "projects_view",
    "api_keys": "api_keys_view",
    "webhooks": "webhooks_view",
}

READABLE = {
    "uploads",
    "job_outputs",
    "job_checkpoints",
    "job_events",
    "job_progress_events",
    "lexicon_entries",
    "manuscript_stats",
    "project_members",
    "commits",
    "commit_files",
    "branches",
    "project_events",
    "webhook_outbox",
    "webhook_attempts",
    *COLUMN_GRANTED,
    *COLUMN_GRANTED.values(),
}

# Listed in the exposed schema but read by no frontend (each such table belongs
# in soundstage_private instead).
NOT_READABLE: set[str] = set()


@pytest.fixture
async def conn(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    c = await asyncpg.connect(dsn)
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def user(conn: asyncpg.Connection) -> AsyncIterator[uuid.UUID]:
    user_id: uuid.UUID = await conn.fetchval(
        "insert into auth.users (email) values ($1) returning id",
        f"reader-{uuid.uuid4().hex[:10]}@example.com",
    )
    yield user_id
    await conn.execute("delete from auth.users where id = $1", user_id)


@contextlib.asynccontextmanager
async def as_frontend(conn: asyncpg.Connection, user: uuid.UUID) -> AsyncIterator[None]:
    """PostgREST's request: role authenticated and the user's claims, one transaction."""
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(
            "select set_config('role', 'authenticated', true), "
            "set_config('request.jwt.claims', $1, true)",
            json.dumps({"sub": str(user), "role": "authenticated"}),
        )
        yield
    finally:
        await tx.rollback()


async def _relations(conn: asyncpg.Connection) -> dict[str, str]:
    """Every relation PostgREST serves from the exposed schema -> 'all', 'columns' or 'none'
    (what authenticated may SELECT)."""
    rows = await conn.fetch(
        """
        select c.relname,
               case when has_table_privilege('authenticated', c.oid, 'select') then 'all'
                    when has_any_column_privilege('authenticated', c.oid, 'select') then 'columns'
                    else 'none' end as access
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f')
        """,
        EXPOSED,
    )
    return {r["relname"]: r["access"] for r in rows}


async def _readable_columns(conn: asyncpg.Connection, relation: str) -> list[str]:
    rows = await conn.fetch(
        """
        select a.attname from pg_attribute a
        where a.attrelid = format('%I.%I', $1::text, $2::text)::regclass
          and a.attnum > 0 and not a.attisdropped
          and has_column_privilege('authenticated', a.attrelid, a.attnum, 'select')
        order by a.attnum
        """,
        EXPOSED,
        relation,
    )
    return [r["attname"] for r in rows]


async def test_the_exposed_schema_holds_what_the_frontend_reads(
    conn: asyncpg.Connection,
) -> None:
    relations = await _relations(conn)
    assert {name for name, access in relations.items() if access != "none"} == READABLE
    assert {name for name, access in relations.items() if access == "none"} == NOT_READABLE
    assert {name for name, access in relations.items() if access == "columns"} == set(
        COLUMN_GRANTED
    )


async def test_select_star_works_on_every_readable_relation(
    conn: asyncpg.Connection, user: uuid.UUID
) -> None:
    relations = await _relations(conn)
    for name, access in sorted(relations.items()):
        if access != "all":
            continue
        async with as_frontend(conn, user):
            await conn.fetch(f'select * from {EXPOSED}."{name}" limit 1')


@pytest.mark.parametrize(("table", "view"), sorted(COLUMN_GRANTED.items()))
async def test_column_granted_tables_are_read_through_their_view(
    conn: asyncpg.Connection, user: uuid.UUID, table: str, view: str
) -> None:
    readable = await _readable_columns(conn, table)
    # the view is the table's readable columns, no more, no fewer, and reads
    # the table as the caller (RLS and column grants apply)
    assert await _readable_columns(conn, view) == readable
    options = await conn.fetchval(
        "select reloptions from pg_class where oid = format('%I.%I', $1::text, $2::text)::regclass",
        EXPOSED,
        view,
    )
    assert "security_invoker=true" in (options or [])
    async with as_frontend(conn, user):
        await conn.fetch(f"select * from {EXPOSED}.{view} limit 1")
    # the table answers its documented select list, and refuses `*`
    async with as_frontend(conn, user):
        await conn.fetch(f"select {', '.join(readable)} from {EXPOSED}.{table} limit 1")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with as_frontend(conn, user):
            await conn.fetch(f"select * from {EXPOSED}.{table} limit 1")


async def test_the_views_show_only_what_rls_lets_the_caller_see(
    conn: asyncpg.Connection, user: uuid.UUID
) -> None:
    other: uuid.UUID = await conn.fetchval(
        "insert into auth.users (email) values ($1) returning id",
        f"other-{uuid.uuid4().hex[:10]}@example.com",
    )
    try:
        jobs, projects = [], []
        for owner in (user, other):
            jobs.append(
                await conn.fetchval(
                    f"insert into {EXPOSED}.jobs (user_id, kind, status, finished_at, "
                    "lease_owner) values ($1, 'tone', 'succeeded', now(), 'worker-host:1') "
                    "returning id",
                    owner,
                )
            )
            projects.append(
                await conn.fetchval(
                    f"insert into {EXPOSED}.projects (owner_id, name) values ($1, 'private') "
                    "returning id",
                    owner,
                )
            )
        # (other tests' public projects are anyone's to read: only ours are counted)
        async with as_frontend(conn, user):
            seen_jobs = await conn.fetch(
                f"select * from {EXPOSED}.jobs_view where id = any($1::uuid[])", jobs
            )
            seen_projects = await conn.fetch(
                f"select * from {EXPOSED}.projects_view where id = any($1::uuid[])", projects
            )
        assert [r["user_id"] for r in seen_jobs] == [user]
        assert "lease_owner" not in seen_jobs[0]
        assert [r["owner_id"] for r in seen_projects] == [user]
        assert "link_token" not in seen_projects[0]
    finally:
        await conn.execute("delete from auth.users where id = $1", other)


async def test_nothing_in_the_exposed_schema_is_callable_but_refused(
    conn: asyncpg.Connection,
) -> None:
    # PostgREST lists every function of the schema as an RPC and gen types types
    # it: one the frontend may not execute belongs in soundstage_private.
    refused = await conn.fetch(
        """
        select p.oid::regprocedure::text as fn from pg_proc p
        join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = $1 and p.prokind = 'f'
          and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
          and not has_function_privilege('authenticated', p.oid, 'execute')
        """,
        EXPOSED,
    )
    assert [r["fn"] for r in refused] == []
