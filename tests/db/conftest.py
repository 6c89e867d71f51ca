"""Fixtures for the migration tests: a server role standing for Supabase's
``postgres`` and per-test databases prepared like a Supabase project's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from supabase_like import (
    CLI_HISTORY,
    CLUSTER_ROLES,
    PUBLICATION,
    SUPABASE_LIKE,
    MakeDb,
    Server,
    database_dsn,
)


@pytest.fixture(scope="module")
async def server(dsn: str) -> AsyncIterator[Server]:
    migrator = f"supa_postgres_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_dsn(dsn, "postgres"))
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
    admin = await asyncpg.connect(database_dsn(server.dsn, "postgres"))

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
