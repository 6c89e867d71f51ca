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

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from soundstage.db.migrate import (
    AUTH_BOOTSTRAP_MARK,
    default_migrations_dir,
    is_supabase,
    load_migrations,
    migrate,
)

VERSIONS = [m.version for m in load_migrations(default_migrations_dir())]
REALTIME_SQL = (default_migrations_dir() / "20261121000300_realtime.sql").read_text()

# The queue's internals, which no browser may read.
JOB_COLUMNS_HIDDEN = {"lease_owner", "lease_expires_at", "idempotency_key", "request_hash"}

# Cluster roles Supabase has (roles belong to the whole server, not a database).
CLUSTER_ROLES = """
do $$
begin
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_storage_admin') then
    create role supabase_storage_admin nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'soundstage_api') then
    create role soundstage_api nologin noinherit;
  end if;
end
$$;
"""

# {m} is the stand-in for Supabase's `postgres` role.
SUPABASE_LIKE = """
create schema extensions;

create schema auth authorization supabase_admin;
create table auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255) unique,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  created_at timestamptz,
  updated_at timestamptz
);
-- Supabase Auth's current definitions (search_path pinned, so never inlined).
create function auth.uid() returns uuid language sql stable set search_path to '' as $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$f$;
create function auth.role() returns text language sql stable set search_path to '' as $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$f$;
create function auth.jwt() returns jsonb language sql stable set search_path to '' as $f$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$f$;
alter table auth.users owner to supabase_admin;
alter function auth.uid() owner to supabase_admin;
alter function auth.role() owner to supabase_admin;
alter function auth.jwt() owner to supabase_admin;
grant usage on schema auth to anon, authenticated, service_role;
-- "GRANT ALL ON SCHEMA auth TO postgres" and its tables: without grant option
grant usage, create on schema auth to {m};
grant all on all tables in schema auth to {m};

create schema storage authorization supabase_storage_admin;
create table storage.buckets (id text primary key, name text not null, public boolean);
create table storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now()
);
create function storage.foldername(name text) returns text[] language plpgsql as $f$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end
$f$;
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
alter function storage.foldername(text) owner to supabase_storage_admin;
alter table storage.objects enable row level security;
grant usage on schema storage to anon, authenticated, service_role, {m};
grant all on all tables in schema storage to {m};

-- What postgres creates in public is the API roles' too, unless revoked.
grant usage, create on schema public to {m};
alter default privileges for role {m} in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role {m} in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role {m} in schema public
  grant all on functions to anon, authenticated, service_role;
"""

PUBLICATION = """
create publication supabase_realtime;
alter publication supabase_realtime owner to {m};
"""

# `supabase db reset`, `supabase start` and `supabase db push` keep their history here.
CLI_HISTORY = """
create schema supabase_migrations authorization {m};
create table supabase_migrations.schema_migrations (
  version text primary key, statements text[], name text
);
alter table supabase_migrations.schema_migrations owner to {m};
"""


def _dsn(dsn: str, database: str, user: str | None = None) -> str:
    parts = urlsplit(dsn)
    netloc = f"{user}:@" if user else parts.netloc
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, parts.fragment))


@dataclass(frozen=True)
class Server:
    dsn: str  # the session database, as the server's superuser
    migrator: str  # stands for Supabase's `postgres`

    def db(self, name: str, *, as_migrator: bool = True) -> str:
        return _dsn(self.dsn, name, self.migrator if as_migrator else None)


MakeDb = Callable[..., Awaitable[str]]


@pytest.fixture(scope="module")
async def server(dsn: str) -> AsyncIterator[Server]:
    migrator = f"supa_postgres_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_dsn(dsn, "postgres"))
    try:
        await admin.execute(CLUSTER_ROLES)
        await admin.execute(
            f"create role {migrator} login nosuperuser createdb createrole bypassrls;"
            # Supabase grants its API roles to postgres with ADMIN OPTION; a
            # soundstage_api created by postgres would be its own to grant.
            f"grant anon, authenticated, service_role, soundstage_api to {migrator}"
            " with admin option;"
            # supautils lets postgres manage policies on storage.objects.
            f"grant supabase_storage_admin to {migrator};"
        )
        yield Server(dsn, migrator)
    finally:
        await admin.execute(f"drop role if exists {migrator}")
        await admin.close()


@pytest.fixture
async def make_db(server: Server) -> AsyncIterator[MakeDb]:
    """Create databases for one test (as the migrator's dsn); drop them after."""
    made: list[str] = []
    admin = await asyncpg.connect(_dsn(server.dsn, "postgres"))

    async def _make(
        *, supabase: bool = True, publication: bool = True, cli_history: bool = False
    ) -> str:
        name = f"supa_like_{uuid.uuid4().hex[:10]}"
        await admin.execute(f'create database "{name}"')
        made.append(name)
        await admin.execute(f'grant all on database "{name}" to {server.migrator}')
        if supabase:
            conn = await asyncpg.connect(server.db(name, as_migrator=False))
            try:
                sql = SUPABASE_LIKE
                if publication:
                    sql += PUBLICATION
                if cli_history:
                    sql += CLI_HISTORY
                await conn.execute(sql.format(m=server.migrator))
            finally:
                await conn.close()
        return name

    try:
        yield _make
    finally:
        for name in made:
            await admin.execute(f'drop database "{name}" with (force)')
        await admin.close()


@contextlib.asynccontextmanager
async def connected(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn)
    try:
        yield conn
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def acting_as(
    conn: asyncpg.Connection, role: str, sub: uuid.UUID | None
) -> AsyncIterator[asyncpg.Connection]:
    """What Database.as_user does (role and claims local to one transaction), rolled back."""
    claims = json.dumps({"sub": str(sub), "role": "authenticated"}) if sub else ""
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
            role,
            claims,
        )
        yield conn
    finally:
        await tx.rollback()


async def _published(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "select schemaname || '.' || tablename as t from pg_publication_tables "
        "where pubname = 'supabase_realtime'"
    )
    return {r["t"] for r in rows}


async def _excess_privileges(conn: asyncpg.Connection) -> list[str]:
    """Whatever anon or authenticated may do in schema public beyond the design."""
    rows = await conn.fetch(
        """
        select format('%s: %s on %s', r.role, p.priv, c.relname) as what
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        cross join (values ('anon'), ('authenticated')) r(role)
        cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'),
                           ('REFERENCES'), ('TRIGGER')) p(priv)
        where c.relkind in ('r', 'p', 'v', 'm', 'f')
          and has_table_privilege(r.role, c.oid, p.priv)
          -- the frontend reads tables under RLS (its own rows), nothing else
          and not (r.role = 'authenticated' and p.priv = 'SELECT' and c.relrowsecurity)
        union all
        select format('%s: %s on sequence %s', r.role, p.priv, c.relname)
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        cross join (values ('anon'), ('authenticated')) r(role)
        cross join (values ('USAGE'), ('SELECT'), ('UPDATE')) p(priv)
        where c.relkind = 'S' and has_sequence_privilege(r.role, c.oid, p.priv)
        union all
        select format('%s: EXECUTE on %s', r.role, f.oid::regprocedure)
        from pg_proc f
        join pg_namespace n on n.oid = f.pronamespace and n.nspname = 'public'
        cross join (values ('anon'), ('authenticated')) r(role)
        where has_function_privilege(r.role, f.oid, 'EXECUTE')
        union all
        select format('authenticated: SELECT on jobs.%s', a.attname)
        from pg_attribute a
        where a.attrelid = 'public.jobs'::regclass and a.attname = any($1::text[])
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
        "insert into public.jobs (user_id, kind, lease_owner) values ($1, 'tone', 'w') "
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

        assert {"public.jobs", "public.job_events"} <= await _published(conn)
        # Applying the realtime file again by hand changes nothing.
        before = await _published(conn)
        await conn.execute(REALTIME_SQL)
        assert await _published(conn) == before

        alice, bob, job = await _seed(conn)

        # The engine's request role reads through RLS with Supabase's auth.uid(),
        # although Supabase lets postgres grant it no USAGE on schema auth.
        async with acting_as(conn, "soundstage_api", alice):
            assert await conn.fetchval("select count(*) from jobs where id = $1", job) == 1
            assert await conn.fetchval("select count(*) from soundstage_queue_positions()") == 1
        async with acting_as(conn, "soundstage_api", bob):
            assert await conn.fetchval("select count(*) from jobs") == 0

        # The frontend reads its own job's public columns, nothing else.
        async with acting_as(conn, "authenticated", alice):
            assert await conn.fetchval("select status from jobs where id = $1", job) == "queued"
        async with acting_as(conn, "authenticated", bob):
            assert await conn.fetchval("select count(*) from jobs") == 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with acting_as(conn, "authenticated", alice):
                await conn.fetchval("select lease_owner from jobs where id = $1", job)
        for role in ("anon", "authenticated"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with acting_as(conn, role, alice):
                    await conn.fetch("select * from soundstage_queue_stats()")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with acting_as(conn, "anon", None):
                await conn.fetch("select id from jobs")

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
            assert "public.jobs" in published
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
            "select version from soundstage.schema_migrations order by version"
        )
        assert [r["version"] for r in recorded] == VERSIONS
        assert {"public.jobs", "public.job_events"} <= await _published(conn)


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
