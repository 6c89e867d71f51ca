"""Apply ``supabase/migrations/*.sql`` in order, once each.

A tracking table records each file's checksum; a file that changed after it
was applied is refused (write a new migration instead). An advisory lock
serialises concurrent starters (the API and a worker starting together).
For a database that is not Supabase, ``bootstrap.sql`` first creates what
Supabase provides (roles, the ``auth`` schema and its functions).
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
    # Source checkout layout: <repo>/apps/engine/soundstage/db/migrate.py
    return Path(__file__).resolve().parents[4] / "supabase" / "migrations"


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


async def _is_supabase(conn: asyncpg.Connection) -> bool:
    # Supabase ships these roles; we never create them ourselves.
    return bool(
        await conn.fetchval("select exists (select from pg_roles where rolname = 'supabase_admin')")
    )


async def migrate(dsn: str, directory: Path | None = None) -> list[str]:
    """Apply pending migrations; return the versions applied now."""
    migrations = load_migrations(directory or default_migrations_dir())
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("select pg_advisory_lock($1)", _LOCK_KEY)
        try:
            return await _migrate_locked(conn, migrations)
        finally:
            await conn.execute("select pg_advisory_unlock($1)", _LOCK_KEY)
    finally:
        await conn.close()


async def _migrate_locked(conn: asyncpg.Connection, migrations: list[Migration]) -> list[str]:
    if not await _is_supabase(conn):
        await conn.execute(bootstrap_sql())
    await conn.execute(
        """
        create schema if not exists soundstage;
        create table if not exists soundstage.schema_migrations (
          version text primary key,
          name text not null,
          checksum text not null,
          applied_at timestamptz not null default now()
        );
        """
    )
    applied = {
        r["version"]: r["checksum"]
        for r in await conn.fetch("select version, checksum from soundstage.schema_migrations")
    }
    done: list[str] = []
    for m in migrations:
        if m.version in applied:
            if applied[m.version] != m.checksum:
                raise MigrationError(
                    f"migration {m.version}_{m.name}.sql changed after it was applied; "
                    "add a new migration instead of editing an applied one"
                )
            continue
        async with conn.transaction():
            await conn.execute(m.sql)
            await conn.execute(
                "insert into soundstage.schema_migrations (version, name, checksum) "
                "values ($1, $2, $3)",
                m.version,
                m.name,
                m.checksum,
            )
        log.info("applied migration %s_%s", m.version, m.name)
        done.append(m.version)
    return done
