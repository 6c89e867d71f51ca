"""The connection pool and the two ways to use it.

* :meth:`Database.as_user` - a user's request: one transaction that first
  switches to the engine's request role and installs the verified JWT claims,
  so Row Level Security refuses other users' rows whatever the code does.
* :meth:`Database.privileged` - the worker and the CLI: the connecting
  (owner) role, which bypasses RLS. Never used to serve a user's read.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

# What repositories accept: a plain connection or a pooled one (a proxy with its API).
Connection = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy


async def _no_reset(conn: asyncpg.Connection) -> None:
    """What the pool runs on release, after asyncpg's own cleanup (which rolls
    back an open transaction and drops listener callbacks).

    asyncpg's default also sends ``pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL`` - one more round trip per release, a fifth of a
    job read's. Nothing that borrows a pooled connection leaves session state
    behind: identities are ``set_config(..., true)`` (transaction-local), the
    claim's advisory lock is transaction-level, and LISTEN has its own
    unpooled connection. Keep it that way, or restore the default here."""


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


def _literal(text: str) -> str:
    """A Postgres string literal that is safe whatever
    ``standard_conforming_strings`` says: an E'' string with backslashes and
    quotes escaped. (Only used for the role name and verified claims.)"""
    if "\x00" in text:
        raise ValueError("NUL in a string literal")
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class Database:
    def __init__(self, pool: asyncpg.Pool, *, api_role: str, max_size: int) -> None:
        self.pool = pool
        self.api_role = api_role
        # First come, first served for the pool's connections. asyncpg's pool
        # queue lets a newcomer take a connection released while a woken waiter
        # has not run yet, and sends the robbed waiter to the back of the line:
        # under load (64 clients, 10 connections) that gave a p99 of 190 ms at
        # a p50 of 30 ms. asyncio.Semaphore hands a released permit to the
        # longest waiter, so the pool itself never has waiters.
        self._turns = asyncio.Semaphore(max_size)

    @classmethod
    async def connect(
        cls,
        dsn: str,
        *,
        api_role: str,
        min_size: int = 2,
        max_size: int = 10,
        prepared_statements: bool = True,
    ) -> Database:
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            init=_init_connection,
            reset=_no_reset,
            # a transaction pooler may hand each statement to another server session
            statement_cache_size=100 if prepared_statements else 0,
        )
        return cls(pool, api_role=api_role, max_size=max_size)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def as_user(self, claims: Mapping[str, Any]) -> AsyncIterator[Connection]:
        claims_json = json.dumps(dict(claims), separators=(",", ":"))
        async with self._acquire() as conn:
            # One round trip opens the transaction and sets the identity (the
            # simple-query protocol takes both statements; a request's own
            # queries follow). is_local=true: both settings end with this
            # transaction, so a pooled connection never carries one user's
            # identity into the next request.
            # The third statement refuses a token whose user is gone (SQLSTATE
            # SS401 -> 401 user_not_found, soundstage.db.errors): same round trip.
            sub = str(claims.get("sub") or "")
            try:
                await conn.execute(
                    "begin; select set_config('role', "
                    f"{_literal(self.api_role)}, true), set_config('request.jwt.claims', "
                    f"{_literal(claims_json)}, true); "
                    f"select soundstage_private.require_request_user({_literal(sub)})"
                )
            except BaseException:
                if not conn.is_closed():
                    await conn.execute("rollback")
                raise
            try:
                yield conn
            except BaseException:
                if not conn.is_closed():
                    await conn.execute("rollback")
                raise
            else:
                await conn.execute("commit")

    @asynccontextmanager
    async def privileged(self) -> AsyncIterator[Connection]:
        async with self._acquire() as conn:
            yield conn

    async def ping(self) -> None:
        async with self._acquire() as conn:
            await conn.fetchval("select 1")

    @asynccontextmanager
    async def _acquire(self) -> AsyncIterator[Connection]:
        async with self._turns, self.pool.acquire() as conn:
            yield conn
