"""Databases prepared like a Supabase project's, for migration tests.

A "Supabase-like" database gets what a Supabase project has before our
migrations run, owned the way Supabase owns it: an ``auth`` schema of
``supabase_admin``'s, ``storage`` of ``supabase_storage_admin``'s, the
``supabase_realtime`` publication, and Supabase's default privileges for tables
``postgres`` creates in ``public``. Migrations run as a login role that stands
for Supabase's ``postgres``: not a superuser, with CREATEROLE and BYPASSRLS,
owner of nothing of Supabase's. The fixtures (``server``, ``make_db``) are in
``tests/db/conftest.py``.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg

# The queue's internals, which no browser may read.
JOB_COLUMNS_HIDDEN = {
    "lease_owner",
    "lease_expires_at",
    "idempotency_key",
    "request_hash",
    # the Broadcast rate limit's bookkeeping (20261205002000_realtime_broadcast.sql)
    "broadcast_at",
    "broadcast_pending",
}

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


def database_dsn(dsn: str, database: str, user: str | None = None) -> str:
    parts = urlsplit(dsn)
    netloc = f"{user}:@" if user else parts.netloc
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, parts.fragment))


@dataclass(frozen=True)
class Server:
    dsn: str  # the session database, as the server's superuser
    migrator: str  # stands for Supabase's `postgres`

    def db(self, name: str, *, as_migrator: bool = True) -> str:
        return database_dsn(self.dsn, name, self.migrator if as_migrator else None)


MakeDb = Callable[..., Awaitable[str]]


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
