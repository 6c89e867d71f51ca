"""The storage.objects policies migration: a no-op on the embedded database
(no storage schema), and on a database with Supabase Storage's tables (a
minimal copy, in a database of its own) a signed-in user reads only their own
folder of the engine's buckets."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from soundstage.db.migrate import default_migrations_dir, migrate

MIGRATION = default_migrations_dir() / "20261121000320_storage_policies.sql"
POLICIES = {"soundstage_uploads_read_own", "soundstage_renders_read_own"}

# What Supabase Storage has that the policies rely on, reduced to the essentials.
STORAGE_SCHEMA = """
create schema storage;
create table storage.buckets (id text primary key, name text not null, public boolean);
create table storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  metadata jsonb
);
alter table storage.objects enable row level security;
grant usage on schema storage to authenticated;
grant select on storage.objects to authenticated;
insert into storage.buckets (id, name) values
  ('uploads', 'uploads'), ('renders', 'renders'), ('avatars', 'avatars');
"""

FOLDERNAME = """
create function storage.foldername(name text) returns text[]
language plpgsql
as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end
$$;
grant execute on function storage.foldername(text) to authenticated;
"""


def _dsn_for(dsn: str, database: str) -> str:
    base, _, query = dsn.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}?{query}"


async def _policies(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "select policyname from pg_policies where schemaname = 'storage' and tablename = 'objects'"
    )
    return {r["policyname"] for r in rows}


async def test_on_the_embedded_database_it_does_nothing(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("select to_regclass('storage.objects')") is None
        applied = await conn.fetchval(
            "select count(*) from soundstage_private.schema_migrations where version = "
            "'20261121000320'"
        )
        assert applied == 1
        assert await _policies(conn) == set()
        await conn.execute(MIGRATION.read_text())  # and again: still nothing, no error
        assert await conn.fetchval("select to_regnamespace('storage')") is None
    finally:
        await conn.close()


@pytest.fixture
async def storage_dsn(dsn: str) -> AsyncIterator[str]:
    """A fresh database with a Supabase-like storage schema, dropped afterwards."""
    name = f"storage_policies_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn_for(dsn, "postgres"))
    try:
        await admin.execute(f'create database "{name}"')
        try:
            yield _dsn_for(dsn, name)
        finally:
            await admin.execute(f'drop database "{name}" with (force)')
    finally:
        await admin.close()


async def test_with_supabase_storage_users_read_only_their_folder(storage_dsn: str) -> None:
    conn = await asyncpg.connect(storage_dsn)
    try:
        await conn.execute(STORAGE_SCHEMA)
        # without storage.foldername the guard still skips
        await conn.execute(MIGRATION.read_text())
        assert await _policies(conn) == set()
        await conn.execute(FOLDERNAME)

        await migrate(storage_dsn)
        assert await _policies(conn) == POLICIES
        await conn.execute(MIGRATION.read_text())  # idempotent: dropped and made again
        assert await _policies(conn) == POLICIES
        roles = await conn.fetch(
            "select roles::text[] as roles, cmd from pg_policies where schemaname = 'storage'"
        )
        assert {(tuple(r["roles"]), r["cmd"]) for r in roles} == {(("authenticated",), "SELECT")}

        alice, bob = uuid.uuid4(), uuid.uuid4()
        objects = [
            ("uploads", f"{alice}/u1/source.txt"),
            ("renders", f"{alice}/j1/tone.mp3"),
            ("avatars", f"{alice}/me.png"),  # her folder, but not an engine bucket
            ("uploads", f"{bob}/u2/source.txt"),
            ("renders", f"{bob}/j2/tone.mp3"),
            ("renders", "loose.mp3"),  # no folder at all
        ]
        await conn.executemany(
            "insert into storage.objects (bucket_id, name) values ($1, $2)", objects
        )

        async def visible(user: uuid.UUID) -> set[tuple[str, str]]:
            async with conn.transaction():
                await conn.execute(
                    "select set_config('role', 'authenticated', true),"
                    " set_config('request.jwt.claims', $1, true)",
                    json.dumps({"sub": str(user), "role": "authenticated"}),
                )
                rows = await conn.fetch("select bucket_id, name from storage.objects")
            return {(r["bucket_id"], r["name"]) for r in rows}

        assert await visible(alice) == {objects[0], objects[1]}
        assert await visible(bob) == {objects[3], objects[4]}
        assert await visible(uuid.uuid4()) == set()
    finally:
        await conn.close()


async def test_a_role_that_may_not_create_policies_gets_a_warning_not_a_failure(
    storage_dsn: str,
) -> None:
    """As on Supabase projects whose storage.objects belongs to supabase_storage_admin."""
    conn = await asyncpg.connect(storage_dsn)
    warnings: list[str] = []
    conn.add_log_listener(lambda _c, message: warnings.append(str(message)))
    role = f"not_owner_{uuid.uuid4().hex[:8]}"
    try:
        await conn.execute(STORAGE_SCHEMA + FOLDERNAME)
        await conn.execute(f"create role {role} nologin; grant usage on schema storage to {role}")
        async with conn.transaction():
            await conn.execute(f"set local role {role}")
            await conn.execute(MIGRATION.read_text())
        assert await _policies(conn) == set()
        assert any("storage policies not created" in w for w in warnings), warnings
    finally:
        await conn.execute(f"drop owned by {role}; drop role {role}")
        await conn.close()
