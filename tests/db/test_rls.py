"""Row Level Security at the database level, whatever the engine's code does,
and the migration runner (on a database of its own, never the shared one)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from soundstage.db.migrate import MigrationError, default_migrations_dir, migrate

API = "soundstage_api"
FRONTEND = "authenticated"


@dataclass(frozen=True)
class Seed:
    alice: uuid.UUID
    bob: uuid.UUID
    job: uuid.UUID  # alice's
    upload: uuid.UUID  # alice's
    output: uuid.UUID  # alice's, on her job


@pytest.fixture
async def conn(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    c = await asyncpg.connect(dsn)
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def seed(conn: asyncpg.Connection) -> AsyncIterator[Seed]:
    """Two users; alice owns a finished job (never claimable), an upload and an output."""
    alice, bob = [
        await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id",
            f"{who}-{uuid.uuid4().hex[:10]}@example.com",
        )
        for who in ("alice", "bob")
    ]
    job = await conn.fetchval(
        "insert into soundstage.jobs (user_id, kind, status, finished_at) "
        "values ($1, 'tone', 'succeeded', now()) returning id",
        alice,
    )
    upload = await conn.fetchval(
        """
        insert into soundstage.uploads (user_id, category, format, content_type, original_name,
                             object_path, bytes, sha256)
        values ($1, 'manuscript', 'txt', 'text/plain', 'book.txt', $2, 10, 'x')
        returning id
        """,
        alice,
        f"{alice}/{uuid.uuid4()}/source.txt",
    )
    output = await conn.fetchval(
        """
        insert into soundstage.job_outputs (job_id, user_id, name, content_type, bytes, object_path)
        values ($1, $2, 'tone.mp3', 'audio/mpeg', 10, $3) returning id
        """,
        job,
        alice,
        f"{alice}/{job}/tone.mp3",
    )
    yield Seed(alice, bob, job, upload, output)
    await conn.execute("delete from auth.users where id = any($1::uuid[])", [alice, bob])


def _claims(sub: uuid.UUID | str, **extra: Any) -> str:
    return json.dumps({"sub": str(sub), "role": "authenticated", **extra})


@contextlib.asynccontextmanager
async def acting_as(
    conn: asyncpg.Connection, role: str, claims: str | None
) -> AsyncIterator[asyncpg.Connection]:
    """What ``Database.as_user`` does: one transaction, role and claims local to it.

    The transaction always rolls back, so nothing a test writes survives it."""
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
            role,
            claims or "",
        )
        yield conn
    finally:
        await tx.rollback()


async def _visible(conn: asyncpg.Connection, seed: Seed) -> dict[str, int]:
    return {
        "jobs": await conn.fetchval(
            "select count(*) from soundstage.jobs where user_id = $1", seed.alice
        ),
        "job by id": await conn.fetchval(
            "select count(*) from soundstage.jobs where id = $1", seed.job
        ),
        "uploads": await conn.fetchval(
            "select count(*) from soundstage.uploads where user_id = $1", seed.alice
        ),
        "upload by id": await conn.fetchval(
            "select count(*) from soundstage.uploads where id = $1", seed.upload
        ),
        "outputs": await conn.fetchval(
            "select count(*) from soundstage.job_outputs where user_id = $1", seed.alice
        ),
        "outputs by job": await conn.fetchval(
            "select count(*) from soundstage.job_outputs where job_id = $1", seed.job
        ),
    }


NOTHING = {
    "jobs": 0,
    "job by id": 0,
    "uploads": 0,
    "upload by id": 0,
    "outputs": 0,
    "outputs by job": 0,
}
EVERYTHING = dict.fromkeys(NOTHING, 1)


# ------------------------------------------------------------------- reading


@pytest.mark.parametrize("role", [API, FRONTEND])
async def test_owner_sees_her_rows(conn: asyncpg.Connection, seed: Seed, role: str) -> None:
    async with acting_as(conn, role, _claims(seed.alice)):
        assert await _visible(conn, seed) == EVERYTHING


@pytest.mark.parametrize("role", [API, FRONTEND])
async def test_another_user_sees_nothing(conn: asyncpg.Connection, seed: Seed, role: str) -> None:
    async with acting_as(conn, role, _claims(seed.bob)):
        assert await _visible(conn, seed) == NOTHING
        # not even by scanning everything
        assert (
            await conn.fetchval(
                "select count(*) from soundstage.jobs where user_id <> $1", seed.bob
            )
            == 0
        )


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(None, id="no claims"),
        pytest.param(json.dumps({"role": "authenticated"}), id="no sub"),
        pytest.param(_claims("00000000-0000-0000-0000-000000000000"), id="nil uuid"),
    ],
)
@pytest.mark.parametrize("role", [API, FRONTEND])
async def test_without_a_matching_subject_nothing_is_visible(
    conn: asyncpg.Connection, seed: Seed, role: str, claims: str | None
) -> None:
    async with acting_as(conn, role, claims):
        assert await _visible(conn, seed) == NOTHING


async def test_anon_cannot_read_at_all(conn: asyncpg.Connection, seed: Seed) -> None:
    for table in ("jobs", "uploads", "job_outputs"):
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            async with acting_as(conn, "anon", _claims(seed.alice)):
                await conn.fetchval(f"select count(*) from soundstage.{table}")


# ------------------------------------------------------------ engine writes


async def test_api_role_cannot_insert_rows_for_another_user(
    conn: asyncpg.Connection, seed: Seed
) -> None:
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with acting_as(conn, API, _claims(seed.bob)):
            await conn.execute(
                "insert into soundstage.jobs (user_id, kind) values ($1, 'tone')",
                seed.alice,
            )
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with acting_as(conn, API, _claims(seed.bob)):
            await conn.execute(
                """
                insert into soundstage.uploads (user_id, category, format, content_type,
                  original_name,
                                     object_path, bytes, sha256)
                values ($1, 'manuscript', 'txt', 'text/plain', 'x.txt', $2, 1, 'x')
                """,
                seed.alice,
                f"{seed.alice}/{uuid.uuid4()}/source.txt",
            )


async def test_api_role_can_insert_its_own_rows(conn: asyncpg.Connection, seed: Seed) -> None:
    async with acting_as(conn, API, _claims(seed.bob)):
        job = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", seed.bob
        )
        assert job is not None
        upload = await conn.fetchval(
            """
            insert into soundstage.uploads (user_id, category, format, content_type, original_name,
                                 object_path, bytes, sha256)
            values ($1, 'manuscript', 'txt', 'text/plain', 'x.txt', $2, 1, 'x') returning id
            """,
            seed.bob,
            f"{seed.bob}/{uuid.uuid4()}/source.txt",
        )
        assert upload is not None


async def test_api_role_cannot_change_or_delete_another_users_rows(
    conn: asyncpg.Connection, seed: Seed
) -> None:
    async with acting_as(conn, API, _claims(seed.bob)):
        assert (
            await conn.execute(
                "update soundstage.jobs set status = 'canceled' where id = $1", seed.job
            )
            == "UPDATE 0"
        )
        assert await conn.execute("update soundstage.jobs set progress = 1") == "UPDATE 0"
        assert (
            await conn.execute("delete from soundstage.jobs where id = $1", seed.job) == "DELETE 0"
        )
        assert (
            await conn.execute("delete from soundstage.uploads where id = $1", seed.upload)
            == "DELETE 0"
        )
        assert await conn.execute("delete from soundstage.uploads") == "DELETE 0"
        assert (
            await conn.execute("delete from soundstage.job_outputs where id = $1", seed.output)
            == "DELETE 0"
        )
    # and the rows are untouched
    assert (
        await conn.fetchval("select status from soundstage.jobs where id = $1", seed.job)
        == "succeeded"
    )
    assert (
        await conn.fetchval("select count(*) from soundstage.uploads where id = $1", seed.upload)
        == 1
    )
    assert (
        await conn.fetchval(
            "select count(*) from soundstage.job_outputs where id = $1", seed.output
        )
        == 1
    )


async def test_api_role_cannot_give_a_job_away(conn: asyncpg.Connection, seed: Seed) -> None:
    # user_id is not among the updatable columns at all ...
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with acting_as(conn, API, _claims(seed.alice)):
            await conn.execute(
                "update soundstage.jobs set user_id = $2 where id = $1", seed.job, seed.bob
            )
    # ... and neither is the worker's lease, nor the outputs table.
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with acting_as(conn, API, _claims(seed.alice)):
            await conn.execute(
                "update soundstage.jobs set lease_owner = 'me' where id = $1", seed.job
            )
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with acting_as(conn, API, _claims(seed.alice)):
            await conn.execute(
                "insert into soundstage.job_outputs (job_id, user_id, name, content_type, bytes, "
                "object_path) values ($1, $2, 'x.mp3', 'audio/mpeg', 1, 'x/y/x.mp3')",
                seed.job,
                seed.alice,
            )


async def test_api_role_may_update_and_delete_its_own_rows(
    conn: asyncpg.Connection, seed: Seed
) -> None:
    async with acting_as(conn, API, _claims(seed.alice)):
        assert (
            await conn.execute(
                "update soundstage.jobs set status = 'canceled' where id = $1", seed.job
            )
            == "UPDATE 1"
        )
        assert await conn.execute(
            "delete from soundstage.job_outputs where job_id = $1", seed.job
        ) == ("DELETE 1")
        assert (
            await conn.execute("delete from soundstage.jobs where id = $1", seed.job) == "DELETE 1"
        )
        assert (
            await conn.execute("delete from soundstage.uploads where id = $1", seed.upload)
            == "DELETE 1"
        )
    # acting_as rolled back: still there
    assert await conn.fetchval("select count(*) from soundstage.jobs where id = $1", seed.job) == 1


# ---------------------------------------------------------- frontend writes


async def test_authenticated_may_only_select(conn: asyncpg.Connection, seed: Seed) -> None:
    statements: list[tuple[str, tuple[Any, ...]]] = [
        ("insert into soundstage.jobs (user_id, kind) values ($1, 'tone')", (seed.alice,)),
        ("insert into soundstage.jobs (user_id, kind) values ($1, 'tone')", (seed.bob,)),
        ("update soundstage.jobs set status = 'canceled' where id = $1", (seed.job,)),
        ("update soundstage.jobs set progress = 5 where id = $1", (seed.job,)),
        ("delete from soundstage.jobs where id = $1", (seed.job,)),
        (
            "insert into soundstage.uploads (user_id, category, format, content_type, "
            "original_name, "
            "object_path, bytes, sha256) values ($1, 'manuscript', 'txt', 'text/plain', "
            "'x.txt', 'a/b/c.txt', 1, 'x')",
            (seed.alice,),
        ),
        ("delete from soundstage.uploads where id = $1", (seed.upload,)),
        ("delete from soundstage.job_outputs where id = $1", (seed.output,)),
    ]
    for who in (seed.alice, seed.bob):  # own rows and another user's alike
        for sql, args in statements:
            with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
                async with acting_as(conn, FRONTEND, _claims(who)):
                    await conn.execute(sql, *args)
                    pytest.fail(f"authenticated was allowed: {sql}")
    assert (
        await conn.fetchval("select status from soundstage.jobs where id = $1", seed.job)
        == "succeeded"
    )


# ------------------------------------------------------- the auth functions


async def test_auth_functions_return_the_claims(conn: asyncpg.Connection, seed: Seed) -> None:
    claims = {
        "sub": str(seed.bob),
        "role": "authenticated",
        "email": "bob@example.com",
        "aud": "authenticated",
        "app_metadata": {"provider": "email"},
    }
    for role in (API, FRONTEND):
        async with acting_as(conn, role, json.dumps(claims)):
            row = await conn.fetchrow(
                "select auth.uid() as uid, auth.role() as role, auth.jwt()::text as jwt, "
                "current_user as me"
            )
            assert row is not None
            assert row["uid"] == seed.bob
            assert row["role"] == "authenticated"
            assert json.loads(row["jwt"]) == claims
            assert row["me"] == role
    # Settings are transaction-local: outside the transaction nothing is left.
    row = await conn.fetchrow("select auth.uid() as uid, auth.jwt() as jwt, current_user as me")
    assert row is not None
    assert row["uid"] is None
    assert row["jwt"] is None
    assert row["me"] != API


async def test_a_rolled_back_identity_does_not_leak_into_the_next_transaction(
    conn: asyncpg.Connection, seed: Seed
) -> None:
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with acting_as(conn, API, _claims(seed.alice)):
            await conn.execute("update soundstage.jobs set lease_owner = 'x'")
    async with conn.transaction():
        assert await conn.fetchval("select auth.uid()") is None
        assert await conn.fetchval("select current_user") != API


# --------------------------------------------------------------- migrations


def _dsn_for(dsn: str, database: str) -> str:
    base, _, query = dsn.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}?{query}"


@pytest.fixture(scope="module")
async def scratch_dsn(dsn: str) -> AsyncIterator[str]:
    """A fresh, empty database on the same server, dropped afterwards."""
    name = f"migrate_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn_for(dsn, "postgres"))
    try:
        await admin.execute(f'create database "{name}"')
        yield _dsn_for(dsn, name)
        await admin.execute(f'drop database "{name}" with (force)')
    finally:
        await admin.close()


async def test_migrating_the_session_database_again_applies_nothing(dsn: str) -> None:
    assert await migrate(dsn) == []


async def test_migrations_apply_once_then_refuse_edits(scratch_dsn: str, tmp_path: Path) -> None:
    source = default_migrations_dir()
    versions = sorted(p.name[:14] for p in source.glob("*.sql"))
    assert versions, "no migrations found"

    assert await migrate(scratch_dsn, source) == versions
    assert await migrate(scratch_dsn, source) == []

    conn = await asyncpg.connect(scratch_dsn)
    try:
        recorded = await conn.fetch(
            "select version from soundstage_private.schema_migrations order by version"
        )
        assert [r["version"] for r in recorded] == versions
        # the fresh database got RLS too
        rls = await conn.fetch(
            "select relname from pg_class where relrowsecurity and relname = any($1::text[])",
            ["jobs", "uploads", "job_outputs"],
        )
        assert {r["relname"] for r in rls} == {"jobs", "uploads", "job_outputs"}
    finally:
        await conn.close()

    # An edited, already-applied file is refused.
    edited = tmp_path / "edited"
    shutil.copytree(source, edited)
    first = sorted(edited.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- a harmless-looking edit\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await migrate(scratch_dsn, edited)

    # A new file is applied alone, and only once.
    added = tmp_path / "added"
    shutil.copytree(source, added)
    (added / "29991231235959_extra_table.sql").write_text(
        "create table soundstage.migration_probe (id int primary key);"
    )
    assert await migrate(scratch_dsn, added) == ["29991231235959"]
    assert await migrate(scratch_dsn, added) == []


async def test_a_failing_migration_leaves_nothing_behind(scratch_dsn: str, tmp_path: Path) -> None:
    directory = tmp_path / "failing"
    shutil.copytree(default_migrations_dir(), directory)
    (directory / "29991231235958_half_done.sql").write_text(
        "create table soundstage.half_done (id int);\nselect * from no_such_table;"
    )
    with pytest.raises(asyncpg.exceptions.UndefinedTableError):
        await migrate(scratch_dsn, directory)
    conn = await asyncpg.connect(scratch_dsn)
    try:
        assert await conn.fetchval("select to_regclass('soundstage.half_done')") is None
        assert (
            await conn.fetchval(
                "select count(*) from soundstage_private.schema_migrations where version = $1",
                "29991231235958",
            )
            == 0
        )
    finally:
        await conn.close()


async def test_badly_named_migration_files_are_refused(scratch_dsn: str, tmp_path: Path) -> None:
    directory = tmp_path / "bad-name"
    shutil.copytree(default_migrations_dir(), directory)
    (directory / "add_things.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match="file name"):
        await migrate(scratch_dsn, directory)
    with pytest.raises(MigrationError, match="not found"):
        await migrate(scratch_dsn, tmp_path / "missing")


async def test_concurrent_migrators_apply_each_file_once(dsn: str) -> None:
    name = f"migrate_race_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn_for(dsn, "postgres"))
    try:
        await admin.execute(f'create database "{name}"')
        try:
            target = _dsn_for(dsn, name)
            results = await asyncio.gather(*(migrate(target) for _ in range(3)))
            applied = sorted(v for r in results for v in r)
            expected = sorted(p.name[:14] for p in default_migrations_dir().glob("*.sql"))
            assert applied == expected
        finally:
            await admin.execute(f'drop database "{name}" with (force)')
    finally:
        await admin.close()
