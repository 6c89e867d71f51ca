"""Successful completions are written in batches (group commit): many jobs
finishing together still each end succeeded, with their outputs and status
events, and the ``lease_owner`` fence holds row by row inside a batch."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import pytest

import pipelines_for_tests  # noqa: F401  (registers the test_steps kind)
from pipelines_for_tests import TEST_KINDS
from soundstage.config import Settings
from soundstage.db import Connection
from soundstage.jobs import repository as repo
from soundstage.resources import Engine
from soundstage.worker import Worker
from soundstage.worker.runner import _Claimed, _SuccessWriter


async def _new_user(conn: asyncpg.Connection) -> uuid.UUID:
    user_id: uuid.UUID = await conn.fetchval(
        "insert into auth.users (email) values ($1) returning id",
        f"batch-{uuid.uuid4().hex[:10]}@example.com",
    )
    return user_id


async def _running_jobs(dsn: str, worker_id: str, n: int) -> list[uuid.UUID]:
    """``n`` jobs as a claim by ``worker_id`` leaves them (written directly)."""
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await _new_user(conn)
        rows = await conn.fetch(
            "insert into soundstage.jobs (user_id, kind, params, status, attempts, lease_owner, "
            "lease_expires_at, started_at, stage) "
            "select $1, 'test_steps', '{}'::jsonb, 'running', 1, $2, "
            "now() + interval '1 minute', now(), 'starting' from generate_series(1, $3) "
            "returning id",
            user_id,
            worker_id,
            n,
        )
    finally:
        await conn.close()
    return [r["id"] for r in rows]


async def _rows(dsn: str, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "select j.id, j.status, j.error, j.progress, j.stage, j.finished_at, j.lease_owner, "
            "  (select array_agg(e.data ->> 'status' order by e.id) from soundstage.job_events e "
            "   where e.job_id = j.id and e.type = 'status') as statuses, "
            "  (select count(*) from soundstage.job_outputs o where o.job_id = j.id) as outputs "
            "from soundstage.jobs j where j.id = any($1::uuid[])",
            list(ids),
        )
    finally:
        await conn.close()
    return {r["id"]: r for r in rows}


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch written (the real statement still runs)."""
    sizes: list[int] = []
    real = repo.finish_succeeded

    async def counting(
        conn: Connection, worker_id: str, jobs: Sequence[tuple[uuid.UUID, str | None]]
    ) -> set[uuid.UUID]:
        sizes.append(len(jobs))
        return await real(conn, worker_id, jobs)

    monkeypatch.setattr(repo, "finish_succeeded", counting)
    return sizes


async def test_many_jobs_finishing_at_once_all_succeed_with_outputs_and_events(
    engine: Engine, settings: Settings, dsn: str, batches: list[int]
) -> None:
    n_jobs = 48
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await _new_user(conn)
        ids = [
            r["id"]
            for r in await conn.fetch(
                "insert into soundstage.jobs (user_id, kind, params) "
                "select $1, 'test_steps', $2::jsonb from generate_series(1, $3) returning id",
                user_id,
                json.dumps({"steps": 1}),
                n_jobs,
            )
        ]
    finally:
        await conn.close()

    settings = settings.model_copy(update={"queue_max_running_per_user": 100})
    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, concurrency=16, pipelines=TEST_KINDS
    )
    task = asyncio.create_task(worker.run(grace_seconds=5))
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            rows = await _rows(dsn, ids)
            if all(r["status"] in ("succeeded", "failed") for r in rows.values()):
                break
            assert asyncio.get_running_loop().time() < deadline, "jobs did not finish"
            await asyncio.sleep(0.1)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)

    for r in rows.values():
        assert r["status"] == "succeeded", r["error"]
        assert r["progress"] == 100
        assert r["stage"] == "done"
        assert r["finished_at"] is not None
        assert r["lease_owner"] is None
        assert r["outputs"] == 1
        # every transition still has its own SSE event, the success last
        assert r["statuses"] == ["queued", "running", "succeeded"]
    assert sum(batches) == n_jobs
    assert max(batches) > 1, "completions were not batched"


async def test_a_job_whose_lease_was_lost_is_not_marked_succeeded_by_its_batch(
    engine: Engine, settings: Settings, dsn: str, batches: list[int]
) -> None:
    worker_id = f"test-batch-{uuid.uuid4().hex[:8]}"
    ids = await _running_jobs(dsn, worker_id, 6)
    stolen = ids[2]
    conn = await asyncpg.connect(dsn)
    try:
        # the reaper re-queued it and another worker claimed it meanwhile
        await conn.execute(
            "update soundstage.jobs set lease_owner = 'someone-else' where id = $1", stolen
        )
    finally:
        await conn.close()

    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, worker_id=worker_id, pipelines=TEST_KINDS
    )
    claimed = [_Claimed(job_id, uuid.uuid4(), "test_steps", {}, 1, 3) for job_id in ids]
    finished = await asyncio.gather(
        *(worker._finish(job, "succeeded", stage="done") for job in claimed)
    )

    assert batches == [len(ids)]  # one statement for all of them
    assert finished == [job_id != stolen for job_id in ids]
    rows = await _rows(dsn, ids)
    assert rows[stolen]["status"] == "running"
    assert rows[stolen]["lease_owner"] == "someone-else"
    assert rows[stolen]["finished_at"] is None
    assert "succeeded" not in rows[stolen]["statuses"]
    for job_id in ids:
        if job_id != stolen:
            assert rows[job_id]["status"] == "succeeded"
            assert rows[job_id]["lease_owner"] is None
            assert rows[job_id]["statuses"][-1] == "succeeded"


async def test_completions_wait_for_the_write_in_flight_then_go_together(
    engine: Engine, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker_id = f"test-batch-{uuid.uuid4().hex[:8]}"
    ids = await _running_jobs(dsn, worker_id, 11)
    real = repo.finish_succeeded
    sizes: list[int] = []
    first_in_flight = asyncio.Event()

    async def slow_first(
        conn: Connection, wid: str, jobs: Sequence[tuple[uuid.UUID, str | None]]
    ) -> set[uuid.UUID]:
        sizes.append(len(jobs))
        if len(sizes) == 1:
            first_in_flight.set()
            await asyncio.sleep(0.2)
        return await real(conn, wid, jobs)

    monkeypatch.setattr(repo, "finish_succeeded", slow_first)
    writer = _SuccessWriter(engine.db, worker_id)
    first = asyncio.create_task(writer.write(ids[0], "done"))
    await first_in_flight.wait()
    rest = [asyncio.create_task(writer.write(job_id, "done")) for job_id in ids[1:]]
    await asyncio.sleep(0.05)
    # the first caller is still waiting: its slot is freed only once it is durable
    assert not first.done()
    assert await asyncio.gather(first, *rest) == [True] * len(ids)
    assert sizes == [1, len(ids) - 1]
    assert {r["status"] for r in (await _rows(dsn, ids)).values()} == {"succeeded"}


async def test_a_failed_batch_raises_in_each_caller_and_writes_nothing(
    engine: Engine, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker_id = f"test-batch-{uuid.uuid4().hex[:8]}"
    ids = await _running_jobs(dsn, worker_id, 3)
    real = repo.finish_succeeded
    calls = 0

    async def failing_once(
        conn: Connection, wid: str, jobs: Sequence[tuple[uuid.UUID, str | None]]
    ) -> set[uuid.UUID]:
        nonlocal calls
        calls += 1
        if calls == 1:
            await conn.execute("select 1/0")  # a real database error
        return await real(conn, wid, jobs)

    monkeypatch.setattr(repo, "finish_succeeded", failing_once)
    writer = _SuccessWriter(engine.db, worker_id)
    results: list[Any] = await asyncio.gather(
        *(writer.write(job_id, "done") for job_id in ids), return_exceptions=True
    )
    assert all(isinstance(r, asyncpg.DivisionByZeroError) for r in results), results
    assert {r["status"] for r in (await _rows(dsn, ids)).values()} == {"running"}
    # the writer is usable again afterwards
    assert await writer.write(ids[0], "done") is True


async def test_a_caller_cancelled_while_queued_is_left_out_of_the_batch(
    engine: Engine, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker_id = f"test-batch-{uuid.uuid4().hex[:8]}"
    ids = await _running_jobs(dsn, worker_id, 3)
    real = repo.finish_succeeded
    written: list[list[uuid.UUID]] = []

    async def slow(
        conn: Connection, wid: str, jobs: Sequence[tuple[uuid.UUID, str | None]]
    ) -> set[uuid.UUID]:
        written.append([job_id for job_id, _ in jobs])
        await asyncio.sleep(0.1)
        return await real(conn, wid, jobs)

    monkeypatch.setattr(repo, "finish_succeeded", slow)
    writer = _SuccessWriter(engine.db, worker_id)
    first = asyncio.create_task(writer.write(ids[0], "done"))
    await asyncio.sleep(0.02)  # in flight
    released = asyncio.create_task(writer.write(ids[1], "done"))
    kept = asyncio.create_task(writer.write(ids[2], "done"))
    await asyncio.sleep(0)
    released.cancel()  # a release at shutdown: this job goes back to the queue instead
    assert await first is True
    assert await kept is True
    with pytest.raises(asyncio.CancelledError):
        await released
    await writer.wait_idle()
    assert written == [[ids[0]], [ids[2]]]
    rows = await _rows(dsn, ids)
    assert [rows[i]["status"] for i in ids] == ["succeeded", "running", "succeeded"]


async def test_the_next_claim_overlaps_the_completion_write(
    engine: Engine, settings: Settings, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slot frees when the pipeline returns, not when its success is written:
    with concurrency 1, the second job starts while the first one's write is
    held; the first still ends succeeded once the write goes through."""
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await _new_user(conn)
        first, second = [
            r["id"]
            for r in await conn.fetch(
                "insert into soundstage.jobs (user_id, kind, params, created_at) "
                "select $1, 'test_steps', $2::jsonb, now() + make_interval(secs => g) "
                "from generate_series(1, 2) g returning id",
                user_id,
                json.dumps({"steps": 1}),
            )
        ]
    finally:
        await conn.close()

    hold = asyncio.Event()
    real = repo.finish_succeeded

    async def held(
        conn: Connection, worker_id: str, jobs: Sequence[tuple[uuid.UUID, str | None]]
    ) -> set[uuid.UUID]:
        if first in {job_id for job_id, _ in jobs}:
            await hold.wait()
        return await real(conn, worker_id, jobs)

    monkeypatch.setattr(repo, "finish_succeeded", held)
    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, concurrency=1, pipelines=TEST_KINDS
    )
    task = asyncio.create_task(worker.run(grace_seconds=5))
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while (await _rows(dsn, [second]))[second]["status"] == "queued":
            assert asyncio.get_running_loop().time() < deadline, "the next job never started"
            await asyncio.sleep(0.05)
        assert (await _rows(dsn, [first]))[first]["status"] == "running"  # still being written
        hold.set()
        while {r["status"] for r in (await _rows(dsn, [first, second])).values()} != {"succeeded"}:
            assert asyncio.get_running_loop().time() < deadline, "jobs did not finish"
            await asyncio.sleep(0.05)
    finally:
        hold.set()
        worker.stop()
        await asyncio.wait_for(task, 30)
