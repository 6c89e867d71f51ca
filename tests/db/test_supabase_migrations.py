"""The migrations on databases prepared like a Supabase project's.

Each test makes its own database on the session's server. A "Supabase-like"
one gets what a Supabase project has before our migrations run, owned the way
Supabase owns it: an ``auth`` schema of ``supabase_admin``'s, ``storage`` of
``supabase_storage_admin``'s, the ``supabase_realtime`` publication, and
Supabase's default privileges for tables ``postgres`` creates in ``public``.
Migrations run as a login role that stands for Supabase's ``postgres``: not a
superuser, with CREATEROLE and BYPASSRLS, owner of nothing of Supabase's.
So a statement that touches what Supabase owns fails here as it would there.
"""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from soundstage.db.migrate import (
    AUTH_BOOTSTRAP_MARK,
    default_migrations_dir,
    is_supabase,
    load_migrations,
    migrate,
)
from supabase_like import (
    JOB_COLUMNS_HIDDEN,
    MakeDb,
    Server,
    acting_as,
    connected,
)

VERSIONS = [m.version for m in load_migrations(default_migrations_dir())]
REALTIME_SQL = (default_migrations_dir() / "20261121000300_realtime.sql").read_text()
# Since 20261205002000, soundstage.jobs is taken out again (progress goes by
# Broadcast): applying the Realtime files again, in order, changes nothing.
BROADCAST_SQL = (default_migrations_dir() / "20261205002000_realtime_broadcast.sql").read_text()


async def _published(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "select schemaname || '.' || tablename as t from pg_publication_tables "
        "where pubname = 'supabase_realtime'"
    )
    return {r["t"] for r in rows}


async def _excess_privileges(conn: asyncpg.Connection) -> list[str]:
    """What anon or authenticated may do in the engine's schemas (and public) beyond the design."""
    rows = await conn.fetch(
        """
        select format('%s: %s on %s', r.role, p.priv, c.relname) as what
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
          and n.nspname in ('public', 'soundstage', 'soundstage_private')
        cross join (values ('anon'), ('authenticated')) r(role)
        cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'),
                           ('REFERENCES'), ('TRIGGER')) p(priv)
        where c.relkind in ('r', 'p', 'v', 'm', 'f')
          and has_table_privilege(r.role, c.oid, p.priv)
          -- the frontend reads tables under RLS (its own rows), and views that
          -- read them as the caller (security_invoker: the same RLS), nothing else
          and not (r.role = 'authenticated' and p.priv = 'SELECT' and c.relrowsecurity)
          and not (r.role = 'authenticated' and p.priv = 'SELECT' and c.relkind = 'v'
                   and 'security_invoker=true' = any(coalesce(c.reloptions, '{}')))
        union all
        select format('%s: %s on sequence %s', r.role, p.priv, c.relname)
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
          and n.nspname in ('public', 'soundstage', 'soundstage_private')
        cross join (values ('anon'), ('authenticated')) r(role)
        cross join (values ('USAGE'), ('SELECT'), ('UPDATE')) p(priv)
        where c.relkind = 'S' and has_sequence_privilege(r.role, c.oid, p.priv)
        union all
        select format('%s: EXECUTE on %s', r.role, f.oid::regprocedure)
        from pg_proc f
        join pg_namespace n on n.oid = f.pronamespace
          and n.nspname in ('public', 'soundstage', 'soundstage_private')
        cross join (values ('anon'), ('authenticated')) r(role)
        where has_function_privilege(r.role, f.oid, 'EXECUTE')
          -- the projects' policies call it as the reader (it is security definer)
          and not (r.role = 'authenticated' and f.proname = 'project_level')
        union all
        select format('authenticated: SELECT on jobs.%s', a.attname)
        from pg_attribute a
        where a.attrelid = 'soundstage.jobs'::regclass and a.attname = any($1::text[])
          and has_column_privilege('authenticated', a.attrelid, a.attnum, 'SELECT')
        order by 1
        """,
        sorted(JOB_COLUMNS_HIDDEN),
    )
    return [r["what"] for r in rows]


async def _seed(conn: asyncpg.Connection) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Two Supabase Auth users; the first owns a queued job."""
    alice, bob = uuid.uuid4(), uuid.uuid4()
    for who in (alice, bob):
        await conn.execute(
            "insert into auth.users (id, email, aud, role) "
            "values ($1, $2, 'authenticated', 'authenticated')",
            who,
            f"{who.hex[:8]}@example.com",
        )
    job = await conn.fetchval(
        "insert into soundstage.jobs (user_id, kind, lease_owner) values ($1, 'tone', 'w') "
        "returning id",
        alice,
    )
    return alice, bob, job


# --------------------------------------------------------------------- tests


async def test_migrations_apply_twice_to_a_supabase_database(
    server: Server, make_db: MakeDb
) -> None:
    name = await make_db()
    target = server.db(name)
    assert await migrate(target) == VERSIONS
    assert await migrate(target) == []

    async with connected(target) as conn:
        assert await is_supabase(conn)
        # Supabase's own objects are as Supabase made them: bootstrap never ran.
        auth = await conn.fetchrow(
            "select pg_get_userbyid(nspowner) as owner, obj_description(oid, 'pg_namespace') "
            "as comment from pg_namespace where nspname = 'auth'"
        )
        assert auth is not None
        assert (auth["owner"], auth["comment"]) == ("supabase_admin", None)
        assert await conn.fetchval(
            "select proconfig from pg_proc where oid = 'auth.uid()'::regprocedure"
        ) == ['search_path=""']

        assert await _published(conn) == {"soundstage.job_events"}
        # Applying the realtime file again by hand changes nothing.
        before = await _published(conn)
        await conn.execute(REALTIME_SQL)
        await conn.execute(BROADCAST_SQL)
        assert await _published(conn) == before

        alice, bob, job = await _seed(conn)

        # The engine's request role reads through RLS with Supabase's auth.uid(),
        # although Supabase lets postgres grant it no USAGE on schema auth.
        async with acting_as(conn, "soundstage_api", alice):
            assert (
                await conn.fetchval("select count(*) from soundstage.jobs where id = $1", job) == 1
            )
            assert (
                await conn.fetchval("select count(*) from soundstage_private.queue_positions()")
                == 1
            )
        async with acting_as(conn, "soundstage_api", bob):
            assert await conn.fetchval("select count(*) from soundstage.jobs") == 0

        # The frontend reads its own job's public columns, nothing else.
        async with acting_as(conn, "authenticated", alice):
            assert (
                await conn.fetchval("select status from soundstage.jobs where id = $1", job)
                == "queued"
            )
        async with acting_as(conn, "authenticated", bob):
            assert await conn.fetchval("select count(*) from soundstage.jobs") == 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with acting_as(conn, "authenticated", alice):
                await conn.fetchval("select lease_owner from soundstage.jobs where id = $1", job)
        for role in ("anon", "authenticated"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with acting_as(conn, role, alice):
                    await conn.fetch("select * from soundstage_private.queue_stats()")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with acting_as(conn, "anon", None):
                await conn.fetch("select id from soundstage.jobs")

        excess = await _excess_privileges(conn)
        assert excess == [], (
            "On Supabase, what postgres creates in schema public is granted to anon and "
            "authenticated by default. Revoke it in the migration that creates it (see "
            f"supabase/migrations/20261121000301_supabase_default_grants.sql): {excess}"
        )


@pytest.mark.parametrize("publication", ["absent", "for all tables", "not ours"])
async def test_migrations_apply_where_realtime_is_absent_or_not_ours(
    server: Server, make_db: MakeDb, publication: str
) -> None:
    name = await make_db(publication=False)
    if publication != "absent":
        async with connected(server.db(name, as_migrator=False)) as admin:
            # FOR ALL TABLES needs a superuser, who then keeps it.
            what = "for all tables" if publication == "for all tables" else ""
            await admin.execute(f"create publication supabase_realtime {what}")
    target = server.db(name)
    assert await migrate(target) == VERSIONS
    async with connected(target) as conn:
        # Never created or changed by us.
        pub = await conn.fetchrow(
            "select puballtables, pg_get_userbyid(pubowner) as owner from pg_publication "
            "where pubname = 'supabase_realtime'"
        )
        if publication == "absent":
            assert pub is None
            return
        assert pub is not None
        assert pub["owner"] != server.migrator
        published = await _published(conn)
        if publication == "for all tables":
            assert "soundstage.jobs" in published
        else:
            assert published == set()


async def test_history_of_the_supabase_cli_counts_as_applied(
    server: Server, make_db: MakeDb
) -> None:
    """`supabase db reset` (or start, or push) applied the files: the engine, started
    on that database, records them instead of running them again."""
    name = await make_db(cli_history=True)
    target = server.db(name)
    async with connected(target) as conn:
        for m in load_migrations(default_migrations_dir()):
            async with conn.transaction():
                await conn.execute(m.sql)
                await conn.execute(
                    "insert into supabase_migrations.schema_migrations (version, name, statements) "
                    "values ($1, $2, array[$3])",
                    m.version,
                    m.name,
                    m.sql,
                )
    assert await migrate(target) == []
    assert await migrate(target) == []
    async with connected(target) as conn:
        recorded = await conn.fetch(
            "select version from soundstage_private.schema_migrations order by version"
        )
        assert [r["version"] for r in recorded] == VERSIONS
        assert await _published(conn) == {"soundstage.job_events"}


async def test_a_plain_database_beside_a_supabase_one_is_still_bootstrapped(
    server: Server, make_db: MakeDb
) -> None:
    """Roles are shared by the whole server, so `supabase_admin` (made by the
    fixture) says nothing about a database: a plain one still gets the bootstrap."""
    name = await make_db(supabase=False)
    target = server.db(name, as_migrator=False)
    async with connected(target) as conn:
        assert await conn.fetchval(
            "select exists (select from pg_roles where rolname = $1)", "supabase_admin"
        )
        assert not await is_supabase(conn)
    assert await migrate(target) == VERSIONS
    async with connected(target) as conn:
        assert not await is_supabase(conn)
        assert (
            await conn.fetchval("select obj_description('auth'::regnamespace, 'pg_namespace')")
            == AUTH_BOOTSTRAP_MARK
        )
        assert await conn.fetchval("select to_regclass('auth.users')::text") == "auth.users"
        # no publication to join: Realtime is skipped, nothing is created
        assert await conn.fetchval("select count(*) from pg_publication") == 0
    assert await migrate(target) == []
