"""The engine as a tenant of someone else's Supabase project: everything it
owns lives in schemas ``soundstage`` and ``soundstage_private``, an app's own
``public.jobs`` and ``public.uploads`` are never touched, and a deployment made
when the engine still lived in ``public`` upgrades without losing a row.

The earlier migration files (before 20261205000100) are kept as they were in
``tests/data/migrations/before_soundstage_schema``: the upgrade tests apply
them first, write data the way that version did, then apply today's files.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from soundstage.db.migrate import REWRITTEN_IN_PLACE, load_migrations, migrate
from supabase_like import MakeDb, Server, acting_as, connected

BEFORE = Path(__file__).resolve().parents[1] / "data" / "migrations" / "before_soundstage_schema"

SHA = "f" * 64

ENGINE_TABLES = [
    "uploads",
    "jobs",
    "job_outputs",
    "job_checkpoints",
    "job_events",
    "lexicon_entries",
    "projects",
    "project_members",
    "branches",
    "commits",
    "commit_files",
    "project_events",
    "api_keys",
    "manuscript_stats",
]

# An app's own tables, named like ours, as a team would have them before adding
# the engine: rows, a policy, an index, a trigger and Supabase's grants.
APP_TABLES = """
create table public.jobs (
  id bigint generated always as identity primary key,
  owner uuid not null,
  title text not null,
  created_at timestamptz not null default now()
);
create index jobs_owner_idx on public.jobs (owner);
alter table public.jobs enable row level security;
create policy "own jobs" on public.jobs for select to authenticated
  using ((select auth.uid()) = owner);
create table public.uploads (path text primary key, size int);
create function public.app_touch() returns trigger language plpgsql as $f$
begin
  new.size := coalesce(new.size, 0);
  return new;
end
$f$;
create trigger uploads_touch before insert on public.uploads
  for each row execute function public.app_touch();
insert into public.jobs (owner, title) values (gen_random_uuid(), 'deliver the quarterly report');
insert into public.uploads (path, size) values ('reports/q3.pdf', 1234);
"""


async def _public_catalog(conn: asyncpg.Connection) -> dict[str, Any]:
    """Everything about schema public that a migration could change."""
    snapshot: dict[str, Any] = {}
    for key, sql in {
        "relations": """
            select c.relname, c.relkind, c.relrowsecurity, c.relacl::text
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' order by 1""",
        "columns": """
            select table_name, column_name, data_type, is_nullable, column_default
            from information_schema.columns where table_schema = 'public' order by 1, 2""",
        "indexes": "select indexdef from pg_indexes where schemaname = 'public' order by 1",
        "policies": "select policyname, tablename, cmd, roles::text, qual from pg_policies "
        "where schemaname = 'public' order by 1",
        "triggers": """
            select pg_get_triggerdef(t.oid) from pg_trigger t
            join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and not t.tgisinternal order by 1""",
        "functions": """
            select p.oid::regprocedure::text, p.proacl::text from pg_proc p
            join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' order by 1""",
        "job_rows": "select owner::text, title from public.jobs order by id",
        "upload_rows": "select path, size from public.uploads order by path",
    }.items():
        snapshot[key] = [tuple(r.values()) for r in await conn.fetch(sql)]
    return snapshot


async def test_an_apps_own_public_jobs_and_uploads_are_untouched(
    server: Server, make_db: MakeDb
) -> None:
    name = await make_db()
    async with connected(server.db(name)) as conn:
        await conn.execute(APP_TABLES)
        before = await _public_catalog(conn)

    await migrate(server.db(name))
    await migrate(server.db(name))  # and again: nothing more happens

    async with connected(server.db(name)) as conn:
        assert await _public_catalog(conn) == before
        for table in ENGINE_TABLES:
            assert await conn.fetchval("select to_regclass($1)", f"soundstage.{table}"), table
        # nothing of the engine's was left in public
        assert [f[0] for f in before["functions"]] == ["app_touch()"]
        # the engine works beside the app's tables of the same names
        user = uuid.uuid4()
        await conn.execute(
            "insert into auth.users (id, email, aud, role) "
            "values ($1, 'a@example.com', 'authenticated', 'authenticated')",
            user,
        )
        job = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", user
        )
        async with acting_as(conn, "authenticated", user):
            assert await conn.fetchval("select kind from soundstage.jobs where id = $1", job) == (
                "tone"
            )


# ----------------------------------------------------------------- upgrades


async def _old_deployment(server: Server, make_db: MakeDb, *, supabase: bool) -> str:
    """A database migrated by the version before the move, with the tracking
    table where that version kept it (schema soundstage)."""
    name = await make_db(supabase=supabase)
    if not supabase:
        # That version created its tables in public, which since Postgres 15
        # only the database owner may do (the embedded default is a superuser).
        async with connected(server.db(name, as_migrator=False)) as admin:
            await admin.execute(f"grant create on schema public to {server.migrator}")
    await migrate(server.db(name), BEFORE)
    async with connected(server.db(name)) as conn:
        await conn.execute("alter table soundstage_private.schema_migrations set schema soundstage")
        assert await conn.fetchval("select to_regclass('public.jobs')") is not None
    return name


async def _seed_old(conn: asyncpg.Connection) -> dict[str, Any]:
    """Rows in every engine table, written with the earlier names."""
    alice, bob = uuid.uuid4(), uuid.uuid4()
    for who in (alice, bob):
        await conn.execute(
            "insert into auth.users (id, email, aud, role) "
            "values ($1, $2, 'authenticated', 'authenticated')",
            who,
            f"{who.hex[:8]}@example.com",
        )
    upload = await conn.fetchval(
        "insert into public.uploads (user_id, category, format, content_type, original_name, "
        "object_path, bytes, sha256) values ($1, 'manuscript', 'txt', 'text/plain', 'book.txt', "
        "$2, 10, 'ab') returning id",
        alice,
        f"{alice}/u/book.txt",
    )
    await conn.execute(
        "insert into public.manuscript_stats (upload_id, user_id, chapter_characters) "
        "values ($1, $2, '{10}')",
        upload,
        alice,
    )
    job = await conn.fetchval(
        "insert into public.jobs (user_id, kind, params, status, lease_owner) "
        "values ($1, 'tone', '{\"seconds\": 1}', 'running', 'w1') returning id",
        alice,
    )
    # a progress change: that version logged it in job_events
    await conn.execute("update public.jobs set progress = 40, stage = 'half' where id = $1", job)
    await conn.execute(
        "insert into public.job_outputs (job_id, user_id, name, content_type, bytes, object_path) "
        "values ($1, $2, 'tone.wav', 'audio/wav', 44, $3)",
        job,
        alice,
        f"{alice}/{job}/tone.wav",
    )
    await conn.execute(
        "insert into public.job_checkpoints (job_id, user_id, unit) values ($1, $2, 'c0')",
        job,
        alice,
    )
    await conn.execute(
        "insert into public.lexicon_entries (user_id, term, replacement) "
        "values ($1, 'Ahab', 'AY-hab')",
        alice,
    )
    await conn.execute(
        "insert into public.api_keys (user_id, name, scopes, prefix, key_hash) "
        "values ($1, 'ci', '{jobs:read}', 'sk_live_abcd', sha256('k'))",
        alice,
    )
    project = await conn.fetchval(
        "insert into public.projects (owner_id, name) values ($1, 'album') returning id", alice
    )
    await conn.execute(
        "insert into public.project_members (project_id, user_id, role) values ($1, $2, 'viewer')",
        project,
        bob,
    )
    commit = await conn.fetchval(
        "insert into public.commits (project_id, author_id, message) "
        "values ($1, $2, 'first') returning id",
        project,
        alice,
    )
    await conn.execute(
        "insert into public.branches (project_id, name, head_id) values ($1, 'main', $2)",
        project,
        commit,
    )
    await conn.execute(
        "insert into public.stored_objects (sha256, bucket, object_path, bytes, content_type) "
        "values ($1, 'renders', 'objects/ff', 3, 'audio/wav')",
        SHA,
    )
    await conn.execute(
        "insert into public.commit_files (commit_id, project_id, role, sha256, name, bytes, "
        "content_type) values ($1, $2, 'mix', $3, 'mix.wav', 3, 'audio/wav')",
        commit,
        project,
        SHA,
    )
    await conn.execute(
        "insert into public.project_events (project_id, actor_id, type, data) "
        "values ($1, $2, 'commit', '{}')",
        project,
        alice,
    )
    counts = {t: await conn.fetchval(f"select count(*) from public.{t}") for t in ENGINE_TABLES}
    counts["stored_objects"] = await conn.fetchval("select count(*) from public.stored_objects")
    # progress rows move to their own table (20261205004000), ids kept
    counts["job_events"] = await conn.fetchval(
        "select count(*) from public.job_events where type <> 'progress'"
    )
    progress_ids = [
        r["id"]
        for r in await conn.fetch("select id from public.job_events where type = 'progress'")
    ]
    assert progress_ids
    return {
        "alice": alice,
        "bob": bob,
        "job": job,
        "project": project,
        "counts": counts,
        "progress_ids": progress_ids,
    }


@pytest.mark.parametrize("supabase", [True, False], ids=["supabase", "plain"])
async def test_upgrading_an_old_deployment_keeps_every_row(
    server: Server, make_db: MakeDb, supabase: bool
) -> None:
    name = await _old_deployment(server, make_db, supabase=supabase)
    async with connected(server.db(name)) as conn:
        seeded = await _seed_old(conn)
        assert all(seeded["counts"].values()), seeded["counts"]
        history = await conn.fetch(
            "select version, checksum, applied_at from soundstage.schema_migrations order by 1"
        )

    applied = await migrate(server.db(name))
    # the move, then whatever later migrations exist (webhooks, ...)
    assert applied[0] == "20261205000100" and applied == sorted(applied)

    async with connected(server.db(name)) as conn:
        for table, count in seeded["counts"].items():
            assert await conn.fetchval(f"select to_regclass('public.{table}')") is None, table
            schema = "soundstage_private" if table == "stored_objects" else "soundstage"
            moved = await conn.fetchval(f"select count(*) from {schema}.{table}")
            assert moved == count, table
        moved_progress = await conn.fetch(
            "select id from soundstage.job_progress_events order by id"
        )
        assert [r["id"] for r in moved_progress] == seeded["progress_ids"]
        # the migration history moved with its rows, and gained one
        kept = await conn.fetch(
            "select version, checksum, applied_at from soundstage_private.schema_migrations "
            "where version < '20261205000100' order by 1"
        )
        assert [tuple(r) for r in kept] == [tuple(r) for r in history]
        assert await conn.fetchval("select to_regclass('soundstage.schema_migrations')") is None
        assert not await conn.fetchval(
            "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
            "where n.nspname = 'public' and p.proname like 'soundstage%'"
        )

        # The moved triggers and functions work under their new names: a status
        # change is logged, the queue figures and the request check answer.
        await conn.execute(
            "update soundstage.jobs set status = 'succeeded', lease_owner = null where id = $1",
            seeded["job"],
        )
        event = await conn.fetchval(
            "select data from soundstage.job_events where job_id = $1 and type = 'status' "
            "order by id desc limit 1",
            seeded["job"],
        )
        assert json.loads(event)["status"] == "succeeded"
        await conn.execute("select soundstage_private.require_request_user($1)", str(seeded["bob"]))
        async with acting_as(conn, "soundstage_api", seeded["alice"]):
            await conn.fetch("select * from soundstage_private.queue_stats()")
        # RLS still holds: Bob sees the project he is a member of, not Alice's job.
        async with acting_as(conn, "authenticated", seeded["bob"]):
            assert await conn.fetchval("select count(*) from soundstage.jobs") == 0
            assert await conn.fetchval(
                "select count(*) from soundstage.projects where id = $1", seeded["project"]
            )
        # deleting a user records their files through the moved trigger
        await conn.execute("delete from auth.users where id = $1", seeded["alice"])
        assert await conn.fetchval("select count(*) from soundstage_private.orphaned_objects") >= 2

    assert await migrate(server.db(name)) == []  # a second run finds nothing to do


def _acl(column: str) -> str:
    """An ACL as a sorted list: the same grants made in another order are the same."""
    return f"(select array_agg(x::text order by x::text) from unnest({column}) x)"


CATALOG = {
    "relations": f"""
        select n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
               c.relforcerowsecurity, {_acl("c.relacl")}, c.reloptions::text
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('soundstage', 'soundstage_private') order by 1, 2""",
    "columns": """
        select table_schema, table_name, column_name, ordinal_position, data_type, is_nullable,
               column_default, is_identity
        from information_schema.columns
        where table_schema in ('soundstage', 'soundstage_private') order by 1, 2, 4""",
    "column_grants": f"""
        select n.nspname, c.relname, a.attname, {_acl("a.attacl")}
        from pg_attribute a join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('soundstage', 'soundstage_private') and a.attacl is not null
        order by 1, 2, 3""",
    "constraints": """
        select n.nspname, c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        from pg_constraint c join pg_namespace n on n.oid = c.connamespace
        where n.nspname in ('soundstage', 'soundstage_private') order by 1, 2, 3""",
    "indexes": """
        select schemaname, tablename, indexname, indexdef from pg_indexes
        where schemaname in ('soundstage', 'soundstage_private') order by 1, 2, 3""",
    "policies": """
        select schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check
        from pg_policies
        where schemaname in ('soundstage', 'soundstage_private', 'storage') order by 1, 2, 3""",
    "triggers": """
        select c.oid::regclass::text, t.tgname, pg_get_triggerdef(t.oid)
        from pg_trigger t join pg_class c on c.oid = t.tgrelid
        join pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and n.nspname in ('soundstage', 'soundstage_private', 'auth')
        order by 1, 2""",
    "functions": f"""
        select p.oid::regprocedure::text, pg_get_functiondef(p.oid), {_acl("p.proacl")}
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('soundstage', 'soundstage_private') order by 1""",
    "schemas": f"""
        select nspname, {_acl("nspacl")}
        from pg_namespace
        where nspname in ('soundstage', 'soundstage_private') order by 1""",
    "published": """
        select schemaname, tablename from pg_publication_tables
        where pubname = 'supabase_realtime' order by 1, 2""",
}


async def _catalog(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    async with connected(dsn) as conn:
        return {k: [tuple(r.values()) for r in await conn.fetch(q)] for k, q in CATALOG.items()}


@pytest.mark.parametrize("supabase", [True, False], ids=["supabase", "plain"])
async def test_an_upgraded_database_matches_a_fresh_one(
    server: Server, make_db: MakeDb, supabase: bool
) -> None:
    upgraded = await _old_deployment(server, make_db, supabase=supabase)
    await migrate(server.db(upgraded))
    fresh = await make_db(supabase=supabase)
    await migrate(server.db(fresh))

    old, new = await _catalog(server.db(upgraded)), await _catalog(server.db(fresh))
    for key in CATALOG:
        only_old = [r for r in old[key] if r not in new[key]]
        only_new = [r for r in new[key] if r not in old[key]]
        assert (only_old, only_new) == ([], []), key


def test_every_rewritten_file_is_the_kept_earlier_text() -> None:
    """The checksums the migrate tool accepts for rewritten files are exactly
    those of the kept earlier files, and every other file is unchanged."""
    before = {m.version: m for m in load_migrations(BEFORE)}
    for version, checksum in REWRITTEN_IN_PLACE.items():
        assert before[version].checksum == checksum, version
    now = {m.version: m for m in load_migrations(BEFORE.parents[3] / "supabase" / "migrations")}
    for version, m in before.items():
        if version not in REWRITTEN_IN_PLACE:
            assert now[version].checksum == m.checksum, version
