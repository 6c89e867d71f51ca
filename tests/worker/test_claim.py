"""The claim's transaction: BEGIN and the advisory lock share a round trip, so
the transaction is managed by hand; it must end, and release the lock, on
success and on error alike (a pooled connection goes back to the pool after)."""

from __future__ import annotations

import asyncpg
import pytest

from soundstage.db import Connection
from soundstage.engine import Engine
from soundstage.worker import repository as repo


async def _claim_lock_held(conn: Connection) -> bool:
    held: bool = await conn.fetchval(
        "select exists (select 1 from pg_locks where locktype = 'advisory' "
        "and pid = pg_backend_pid() and objid = $1)",
        repo.CLAIM_LOCK,
    )
    return held


async def test_a_claim_commits_and_releases_its_lock(engine: Engine) -> None:
    async with engine.db.privileged() as conn:
        await repo.claim(conn, "test-claim", 30.0, limit=0, max_running_per_user=2)
        assert not conn.is_in_transaction()
        assert not await _claim_lock_held(conn)


async def test_a_failed_claim_rolls_back_and_releases_its_lock(engine: Engine) -> None:
    async with engine.db.privileged() as conn:
        with pytest.raises(asyncpg.PostgresError):
            # a negative LIMIT: the claim statement itself fails after the lock
            await repo.claim(conn, "test-claim", 30.0, limit=-1, max_running_per_user=2)
        assert not conn.is_in_transaction()
        assert not await _claim_lock_held(conn)
