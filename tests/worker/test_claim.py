"""The claim's transaction: BEGIN and the advisory lock share a round trip, so
the transaction is managed by hand; it must end, and release the lock, on
success and on error alike (a pooled connection goes back to the pool after).
Candidates are not row-locked, so the claim's UPDATE must skip a job whose
status changed after the claim's snapshot, and give up on a row held too
long; a claim that fails does not stop the worker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.config import Settings
from soundstage.db import Connection
from soundstage.jobs import repository as repo
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import User, wait_for_status


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


async def test_a_job_canceled_while_a_claim_runs_is_not_claimed(
    engine: Engine, make_user: Callable[[], Awaitable[User]]
) -> None:
    user = await make_user()
    worker_id = "test-claim-race"
    async with engine.db.privileged() as conn:
        job_id = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", user.id
        )
    async with engine.db.privileged() as canceler, engine.db.privileged() as claimer:
        claimer_pid = await claimer.fetchval("select pg_backend_pid()")
        # The cancel holds the row, uncommitted, while the claim's snapshot
        # still sees the job queued: the claim picks it, then waits for the row.
        cancel = canceler.transaction()
        await cancel.start()
        await canceler.execute(
            "update soundstage.jobs set status = 'canceled' where id = $1", job_id
        )
        claim = asyncio.create_task(
            repo.claim(claimer, worker_id, 30.0, limit=1000, max_running_per_user=1000)
        )
        try:
            # (a claim that skipped the locked row would finish without waiting)
            for _ in range(500):
                waiting = await canceler.fetchval(
                    "select wait_event_type = 'Lock' from pg_stat_activity where pid = $1",
                    claimer_pid,
                )
                if waiting or claim.done():
                    break
                await asyncio.sleep(0.01)
            await cancel.commit()
            claimed = {row["id"] for row in await claim}
        finally:
            if not claim.done():
                await cancel.rollback()
                await claim
            # other tests' leftover queued jobs this claim took go back as they were
            await canceler.execute(
                "update soundstage.jobs set status = 'queued', attempts = attempts - 1, "
                "lease_owner = null,"
                " lease_expires_at = null where lease_owner = $1",
                worker_id,
            )
        row = await canceler.fetchrow(
            "select status, lease_owner, attempts from soundstage.jobs where id = $1", job_id
        )
    assert job_id not in claimed
    assert dict(row) == {"status": "canceled", "lease_owner": None, "attempts": 0}


async def test_a_claim_gives_up_on_a_row_held_too_long(
    engine: Engine, make_user: Callable[[], Awaitable[User]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repo, "CLAIM_ROW_LOCK_TIMEOUT", "200ms")
    user = await make_user()
    async with engine.db.privileged() as conn:
        job_id = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", user.id
        )
    async with engine.db.privileged() as holder, engine.db.privileged() as claimer:
        # a transaction left open on a queued job (a console session, say)
        held = holder.transaction()
        await held.start()
        await holder.execute("select 1 from soundstage.jobs where id = $1 for update", job_id)
        try:
            with pytest.raises(asyncpg.LockNotAvailableError):
                # (bounded here too: without the claim's own timeout it would wait
                # for the holder forever, and this test fail by TimeoutError)
                await asyncio.wait_for(
                    repo.claim(
                        claimer, "test-claim-held", 30.0, limit=1000, max_running_per_user=1000
                    ),
                    10,
                )
            assert not claimer.is_in_transaction()
            assert not await _claim_lock_held(claimer)
        finally:
            await held.rollback()
        status = await holder.fetchval("select status from soundstage.jobs where id = $1", job_id)
    assert status == "queued"  # the failed claim took nothing
    async with engine.db.privileged() as conn:
        await conn.execute("delete from soundstage.jobs where id = $1", job_id)


async def test_a_failed_claim_does_not_stop_the_worker(
    engine: Engine,
    settings: Settings,
    dsn: str,
    client: httpx.AsyncClient,
    make_user: Callable[[], Awaitable[User]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failures = 0
    real_claim = repo.claim

    async def flaky_claim(conn: Connection, *args: object, **kwargs: int) -> object:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise ConnectionResetError("connection reset by peer")
        return await real_claim(conn, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "claim", flaky_claim)
    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, concurrency=2, pipelines=TEST_KINDS
    )
    run = asyncio.create_task(worker.run(grace_seconds=5))
    try:
        user = await make_user()
        r = await client.post(
            "/v1/jobs", json={"kind": "test_steps", "params": {"steps": 1}}, headers=user.headers
        )
        assert r.status_code == 202, r.text
        done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"})
        assert done["status"] == "succeeded"
        assert failures == 2
        assert not run.done()
    finally:
        worker.stop()
        await asyncio.wait_for(run, 30)
