"""The committed TypeScript types of the Data API (apps/web/src/lib/database.types.ts)
match the migrations, and the generator prints what ``supabase gen types
typescript`` prints (postgres-meta 0.99.0's output on a fixture schema,
tests/data/typegen/README.md)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from soundstage import cli
from soundstage.db.migrate import migrate
from soundstage.db.typegen import (
    EXPOSED_SCHEMAS,
    REFRESH_COMMAND,
    TYPES_PATH,
    UnsupportedSchema,
    generate,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "typegen"

MakeDb = Callable[[], Awaitable[str]]


def _database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
async def make_db(dsn: str) -> AsyncIterator[MakeDb]:
    """Empty databases on the session's server, dropped afterwards: the types
    come from the migrations alone, whatever other tests add to the shared one."""
    admin = await asyncpg.connect(_database(dsn, "postgres"))
    made: list[str] = []

    async def _make() -> str:
        name = f"typegen_{uuid.uuid4().hex[:10]}"
        await admin.execute(f'create database "{name}"')
        made.append(name)
        return _database(dsn, name)

    try:
        yield _make
    finally:
        for name in made:
            await admin.execute(f'drop database "{name}" with (force)')
        await admin.close()


async def test_committed_types_are_up_to_date(make_db: MakeDb) -> None:
    target = await make_db()
    await migrate(target)
    fresh = await generate(target, list(EXPOSED_SCHEMAS))
    path = REPO / TYPES_PATH
    stale = not path.exists() or path.read_text(encoding="utf-8") != fresh
    assert not stale, (
        f"{TYPES_PATH} is stale: the migrations changed what the Data API serves. "
        "Refresh it from the repository root with\n"
        f"    .venv/bin/{REFRESH_COMMAND}\n"
        f"(or `supabase gen types typescript --local --schema soundstage > {TYPES_PATH}`) "
        "and commit the result."
    )


@pytest.fixture
async def fixture_db(make_db: MakeDb) -> str:
    target = await make_db()
    conn = await asyncpg.connect(target)
    try:
        await conn.execute((DATA / "fixture.sql").read_text(encoding="utf-8"))
    finally:
        await conn.close()
    return target


@pytest.mark.parametrize(
    ("expected", "postgrest_version"),
    [("fixture.ts", None), ("fixture.postgrest-13.0.5.ts", "13.0.5")],
)
async def test_prints_what_supabase_gen_types_prints(
    fixture_db: str, expected: str, postgrest_version: str | None
) -> None:
    text = await generate(fixture_db, ["fixture"], postgrest_version=postgrest_version)
    assert text == (DATA / expected).read_text(encoding="utf-8")


async def test_a_schema_that_is_absent_prints_an_empty_database(fixture_db: str) -> None:
    text = await generate(fixture_db, ["no_such_schema"])
    assert "export type Database = {}\n" in text
    assert "export const Constants = {} as const\n" in text


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        (
            "create function fixture.add_two(a text, b text) returns text "
            "language sql as 'select a || b'",
            "overloaded",
        ),
        (
            "create function fixture.first_thing() returns setof fixture.things "
            "language sql as 'select * from fixture.things'",
            "row type",
        ),
        (
            "create function fixture.doubled(fixture.things) returns integer "
            "language sql as 'select 2'",
            "computed field",
        ),
    ],
)
async def test_refuses_what_it_does_not_reproduce(fixture_db: str, sql: str, what: str) -> None:
    conn = await asyncpg.connect(fixture_db)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
    with pytest.raises(UnsupportedSchema, match=what):
        await generate(fixture_db, ["fixture"])


async def test_the_cli_migrates_and_writes_the_file(
    make_db: MakeDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = await make_db()
    monkeypatch.setenv("SOUNDSTAGE_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", target)
    monkeypatch.setenv("SOUNDSTAGE_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "types" / "database.types.ts"
    # the CLI runs its own event loop, as it does from a shell
    await asyncio.to_thread(cli.main, ["db", "types", "--output", str(out)])
    assert out.read_text(encoding="utf-8") == (REPO / TYPES_PATH).read_text(encoding="utf-8")
