"""Apply ``supabase/migrations/*.sql`` in order, once each.

A tracking table records each file's checksum; a file that changed after it
was applied is refused (write a new migration instead). A transaction-level
advisory lock serialises concurrent starters (the API and a worker starting
together), file by file.

For a database that is not Supabase, ``bootstrap.sql`` first creates what
Supabase provides (roles, the ``auth`` schema and its functions). On Supabase
nothing of Supabase's is touched, and files the Supabase CLI already applied
(``supabase db reset``, ``supabase start``, ``supabase db push``, recorded in
``supabase_migrations.schema_migrations``) are recorded as applied, not run again.

Everything here works through Supabase's transaction pooler (port 6543): no
prepared statements are kept (``statement_cache_size=0``) and no session state
is relied on; each file is applied in one transaction that also holds the lock.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x50554E44  # any constant shared by every engine process

# Written on the auth schema that bootstrap.sql made, so a later run can tell it
# from Supabase's own (see _is_supabase).
AUTH_BOOTSTRAP_MARK = "soundstage bootstrap: stands in for the auth schema of Supabase"

# The tracking table lives in soundstage_private (never exposed to the Data
# API). Deployments made before 20261205000100 kept it in schema soundstage:
# it moves, with its history, the first time this version migrates them.
_TRACKING_TABLE = """
create schema if not exists soundstage_private;
do $$
begin
  if to_regclass('soundstage.schema_migrations') is not null
     and to_regclass('soundstage_private.schema_migrations') is null then
    alter table soundstage.schema_migrations set schema soundstage_private;
  end if;
end
$$;
create table if not exists soundstage_private.schema_migrations (
  version text primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
"""

# Files rewritten in place when the engine's tables moved out of schema public
# (20261205000100_soundstage_schema.sql): a fresh database gets them in
# schema soundstage directly, so an app's own soundstage.jobs is never touched.
# A deployment that applied the earlier text recorded these checksums; that
# text is still correct history for it, and 20261205000100 moves what it made.
# The earlier files are kept in tests/data/migrations/before_soundstage_schema.
REWRITTEN_IN_PLACE: dict[str, str] = {
    "20261121000100": "6fca28a78dd7866406e7f4bdf0066860d222ef2341e5d69b052bf3bf2ee0e461",
    "20261121000200": "4f715daea7a600c8c9691a482ef9dcda18cf9f069712ce938456ad80ed9df872",
    "20261121000300": "8718963171b6f8f413b000ba12dad8405fc9ebc70b2fe5321f5d3e5a89fc9a9d",
    "20261121000301": "714081bbac13874324608510540d66f2d7cb01491014f94e0424226c39a07b25",
    "20261121000310": "6958edbfd142178b01835658346a7453c7f709efedf84f9510a405cdac122c72",
    "20261121000400": "ba792e56f685063fc7cbcd42f231448c0fbd9b061e755d99ad4f0e528dc06107",
    "20261121000500": "56926dd75721da437636357032506be076c0461a77db4798a1a4d96a1b1fa260",
    "20261121000501": "3cd30019bd8801b938f629d3a4a67ae92ff9032dc4046661c9b1a2f04a2c2186",
    "20261121000600": "c8adb95cd8f9349090f505eb217093e3d4a9abe5b6b903eb259d27d9096961ef",
    "20261121000700": "c4f7a148bacfe10f53001451270c247adb13a03d24138b62b47b17b528ce153b",
    "20261204110100": "b67f181f8bb343084dddb966f919d397823d2c179081ec6301b73c6ae4be8b6e",
    "20261204130100": "9296446071d338c98d4a7d55651a28600b5304e5adc0380a77a7f0068f89ad63",
    "20261204150000": "fe08356d0a8a3c2a2e993f6c209f2a7dfc36ba0ea29dae168df567ef0bab167c",
    "20261204150100": "2d8177172f7ed82b9b75c168f53375955df4ef43ac94372eeba1395a1e8e15fa",
    "20261204150200": "43f9dc4f317d3f361f7094c63ad30bac0a3dfe5abfe290b0837ccc724127ef15",
}

# A plain owner may comment; anything else (an auth schema someone else made)
# keeps its comment and simply stays unmarked.
_MARK_AUTH = f"""
do $$
begin
  comment on schema auth is '{AUTH_BOOTSTRAP_MARK}';
exception when insufficient_privilege then
  raise notice 'auth schema not marked as bootstrapped (not its owner)';
end
$$;
"""


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def default_migrations_dir() -> Path:
    """``supabase/migrations`` of the repository the engine runs from.

    An editable install finds it beside its own source
    (``<repo>/apps/engine/soundstage/db/migrate.py``). A regular install lives
    in site-packages, away from the repository: Railway's build installs the
    engine non-editably into ``/app/.venv`` and starts it in ``/app``, the
    repository root, so the working directory is tried next.
    """
    beside_source = Path(__file__).resolve().parents[4] / "supabase" / "migrations"
    in_working_dir = Path.cwd() / "supabase" / "migrations"
    for candidate in (beside_source, in_working_dir):
        if candidate.is_dir():
            return candidate
    raise MigrationError(
        f"migrations directory not found: neither {beside_source} nor {in_working_dir}; "
        "run from the repository root"
    )


def load_migrations(directory: Path) -> list[Migration]:
    if not directory.is_dir():
        raise MigrationError(f"migrations directory not found: {directory}")
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name must be <14 digits>_<name>.sql: {path.name}")
        found.append(Migration(match["version"], match["name"], path.read_text()))
    return found


def bootstrap_sql() -> str:
    return resources.files("soundstage.db").joinpath("bootstrap.sql").read_text()


async def is_supabase(conn: asyncpg.Connection) -> bool:
    """Whether the database ``conn`` is in is a Supabase project's.

    Decided per database: roles belong to the whole server, so Supabase's
    ``supabase_admin`` role alone would also claim every other database on the
    same server (a test server holding a Supabase-like database beside plain
    ones). A Supabase database also has an ``auth`` schema that our bootstrap
    did not make (bootstrap marks the one it makes).
    """
    row = await conn.fetchrow(
        """
        select exists (select from pg_roles where rolname = 'supabase_admin') as admin_role,
               n.oid is not null as has_auth,
               obj_description(n.oid, 'pg_namespace') as auth_comment
        from (select) as one
        left join pg_namespace n on n.nspname = 'auth'
        """
    )
    assert row is not None
    return bool(row["admin_role"] and row["has_auth"]) and row["auth_comment"] != (
        AUTH_BOOTSTRAP_MARK
    )


async def _supabase_cli_versions(conn: asyncpg.Connection) -> set[str]:
    """Versions the Supabase CLI recorded as applied (none without its table)."""
    readable = await conn.fetchval(
        """
        select to_regclass('supabase_migrations.schema_migrations') is not null
           and has_table_privilege('supabase_migrations.schema_migrations', 'select')
        """
    )
    if not readable:
        return set()
    rows = await conn.fetch("select version from supabase_migrations.schema_migrations")
    return {str(r["version"]) for r in rows}


async def migrate(dsn: str, directory: Path | None = None) -> list[str]:
    """Apply pending migrations; return the versions applied now."""
    migrations = load_migrations(directory or default_migrations_dir())
    # No statement cache: a transaction pooler may run each statement on
    # another server session, where a named prepared statement does not exist.
    conn = await asyncpg.connect(dsn, statement_cache_size=0)
    try:
        return await _migrate(conn, migrations)
    finally:
        await conn.close()


async def _lock(conn: asyncpg.Connection) -> None:
    # Transaction-level, never session-level: behind a transaction pooler a
    # session lock would stay with whichever server session took it.
    await conn.execute("select pg_advisory_xact_lock($1)", _LOCK_KEY)


async def _migrate(conn: asyncpg.Connection, migrations: list[Migration]) -> list[str]:
    async with conn.transaction():
        await _lock(conn)
        if not await is_supabase(conn):
            await conn.execute(bootstrap_sql())
            await conn.execute(_MARK_AUTH)
        await conn.execute(_TRACKING_TABLE)
        from_cli = await _supabase_cli_versions(conn)

    done: list[str] = []
    for m in migrations:
        # One transaction per file, the lock taken again in each: concurrent
        # migrators walk the same ordered list, and whoever holds the lock sees
        # every earlier file committed.
        async with conn.transaction():
            await _lock(conn)
            checksum = await conn.fetchval(
                "select checksum from soundstage_private.schema_migrations where version = $1",
                m.version,
            )
            if checksum is not None:
                if checksum != m.checksum and checksum != REWRITTEN_IN_PLACE.get(m.version):
                    raise MigrationError(
                        f"migration {m.version}_{m.name}.sql changed after it was applied; "
                        "add a new migration instead of editing an applied one"
                    )
                continue
            adopted = m.version in from_cli
            if not adopted:
                await conn.execute(m.sql)
            await conn.execute(
                "insert into soundstage_private.schema_migrations (version, name, checksum) "
                "values ($1, $2, $3)",
                m.version,
                m.name,
                m.checksum,
            )
        if adopted:
            log.info("migration %s_%s was applied by the Supabase CLI", m.version, m.name)
            continue
        log.info("applied migration %s_%s", m.version, m.name)
        done.append(m.version)
    return done
