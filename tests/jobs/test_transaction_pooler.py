"""Supabase's transaction pooler (Supavisor, port 6543): no prepared statements
kept on a connection, no LISTEN; the engine must still run jobs end to end.

The embedded server is not a pooler, so what is checked is the engine's side
of the contract, on the server itself: pooled connections hold no named
prepared statement (``pg_prepared_statements``), and the worker opens no
LISTEN session (``pg_stat_activity``); it finds work by polling."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import User, wait_for_status

TONE = {"kind": "tone", "params": {"frequency_hz": 440, "seconds": 1, "format": "mp3"}}


async def _listen_sessions_since(dsn: str, since: dt.datetime) -> int:
    """Server sessions opened after ``since`` whose statement was a LISTEN."""
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval(
            """
            select count(*) from pg_stat_activity
            where datname = current_database() and backend_start > $1
              and query ilike 'listen %soundstage_jobs%'
            """,
            since,
        )
    finally:
        await conn.close()
    return count


async def _server_now(dsn: str) -> dt.datetime:
    conn = await asyncpg.connect(dsn)
    try:
        now: dt.datetime = await conn.fetchval("select clock_timestamp()")
    finally:
        await conn.close()
    return now


async def _prepared_after_queries(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        for i in range(3):
            await conn.fetchval("select $1::int + 1", i)
        count: int = await conn.fetchval("select count(*) from pg_prepared_statements")
    return count


async def test_tone_job_end_to_end_through_a_transaction_pooler(
    settings: Settings, dsn: str, make_user: Callable[[], Awaitable[User]]
) -> None:
    pooled = settings.model_copy(update={"db_pooler_mode": "transaction"})
    assert pooled.transaction_pooler
    since = await _server_now(dsn)

    app = create_app(pooled, pipelines=TEST_KINDS)
    async with app.router.lifespan_context(app):
        engine: Engine = app.state.engine
        assert await _prepared_after_queries(engine.db.pool) == 0

        worker = Worker(
            engine.db, engine.storage, pooled, dsn=dsn, concurrency=1, pipelines=TEST_KINDS
        )
        running = asyncio.create_task(worker.run(grace_seconds=5))
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                alice = await make_user()
                r = await c.post("/v1/jobs", json=TONE, headers=alice.headers)
                assert r.status_code == 202, r.text
                job_id = r.json()["id"]
                done = await wait_for_status(c, alice, job_id, {"succeeded", "failed"})
                assert done["status"] == "succeeded", done
                [output] = done["outputs"]  # type: ignore[misc]
                download = await c.get(output["url"])
                assert download.status_code == 200
                assert len(download.content) == output["bytes"]

                # the event log replays the whole history, then the stream ends
                events = await c.get(f"/v1/jobs/{job_id}/events", headers=alice.headers)
                assert events.status_code == 200
                assert '"status":"succeeded"' in events.text

            # the worker found the job by polling: it never opened a LISTEN session
            assert await _listen_sessions_since(dsn, since) == 0
        finally:
            worker.stop()
            await asyncio.wait_for(running, 30)
        # nothing the run did left a prepared statement on a pooled connection
        assert await _prepared_after_queries(engine.db.pool) == 0


async def test_session_mode_keeps_prepared_statements_and_listens(
    engine: Engine, settings: Settings, dsn: str
) -> None:
    """The control: the same checks see the other mode's statements and LISTEN."""
    assert not settings.transaction_pooler
    assert await _prepared_after_queries(engine.db.pool) > 0

    since = await _server_now(dsn)
    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, concurrency=1, pipelines=TEST_KINDS
    )
    running = asyncio.create_task(worker.run(grace_seconds=1))
    try:
        deadline = asyncio.get_running_loop().time() + 10
        while await _listen_sessions_since(dsn, since) != 1:
            assert asyncio.get_running_loop().time() < deadline, "worker never LISTENed"
            await asyncio.sleep(0.05)
    finally:
        worker.stop()
        await asyncio.wait_for(running, 30)


@pytest.mark.parametrize(
    ("url", "mode", "transaction"),
    [
        ("postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres", "auto", True),
        ("postgresql://u:p@aws-0-eu.pooler.supabase.com:5432/postgres", "auto", False),
        ("postgresql://u:p@db.abc.supabase.co/postgres", "auto", False),
        (None, "auto", False),
        ("postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres", "session", False),
        ("postgresql://u:p@pgbouncer.internal:6432/postgres", "transaction", True),
    ],
)
def test_pooler_mode_defaults_from_the_port(url: str | None, mode: str, transaction: bool) -> None:
    s = Settings(_env_file=None, database_url=url, db_pooler_mode=mode)  # type: ignore[call-arg]
    assert s.transaction_pooler is transaction


def test_pooler_mode_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost:5432/postgres")
    monkeypatch.setenv("SOUNDSTAGE_DB_POOLER_MODE", "transaction")
    assert Settings(_env_file=None).transaction_pooler  # type: ignore[call-arg]
    monkeypatch.setenv("SOUNDSTAGE_DB_POOLER_MODE", "pgbouncer")
    with pytest.raises(ValueError, match="db_pooler_mode"):
        Settings(_env_file=None)  # type: ignore[call-arg]
