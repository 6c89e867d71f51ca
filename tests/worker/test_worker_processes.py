"""Workers as real processes: kill -9, SIGTERM, and many workers over many jobs."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from pipelines_for_tests import read_log

TESTS = Path(__file__).resolve().parents[1]
ENTRY = TESTS / "engine_with_test_kinds.py"  # the CLI with the test kinds


@pytest.fixture
def spawn_worker(dsn: str, data_dir: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(*, concurrency: int = 1, grace: float = 5, **env: str) -> subprocess.Popen[bytes]:
        environ = {
            **os.environ,
            "DATABASE_URL": dsn,
            "SOUNDSTAGE_DATA_DIR": str(data_dir),
            "SOUNDSTAGE_LEASE_SECONDS": "3",
            "SOUNDSTAGE_WORKER_POLL_SECONDS": "0.5",
            "SOUNDSTAGE_RETRY_BASE_SECONDS": "0.01",
            "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
            **env,
        }
        proc = subprocess.Popen(
            [sys.executable, str(ENTRY), "worker",
             "--concurrency", str(concurrency), "--grace", str(grace)],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        procs.append(proc)
        return proc

    yield spawn
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


async def _new_user(conn: asyncpg.Connection) -> uuid.UUID:
    user_id: uuid.UUID = await conn.fetchval(
        "insert into auth.users (email) values ($1) returning id",
        f"w-{uuid.uuid4().hex[:10]}@example.com",
    )
    return user_id


async def _insert_job(
    conn: asyncpg.Connection, user_id: uuid.UUID, params: dict[str, Any]
) -> uuid.UUID:
    job_id: uuid.UUID = await conn.fetchval(
        "insert into soundstage.jobs (user_id, kind, params) "
        "values ($1, 'test_steps', $2::jsonb) returning id",
        user_id,
        json.dumps(params),
    )
    return job_id


async def _wait(conn: asyncpg.Connection, sql: str, *args: Any, within: float = 60) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await conn.fetchval(sql, *args)
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for: {sql}")
        await asyncio.sleep(0.1)


async def test_kill_9_mid_job_another_worker_resumes_from_checkpoints(
    dsn: str, spawn_worker: Any, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        user = await _new_user(conn)
        job = await _insert_job(
            conn, user, {"steps": 8, "step_seconds": 0.4, "log_dir": str(tmp_path)}
        )
        first = spawn_worker()
        await _wait(
            conn, "select count(*) >= 3 from soundstage.job_checkpoints where job_id = $1", job
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
        checkpointed = {
            r["unit"]
            for r in await conn.fetch(
                "select unit from soundstage.job_checkpoints where job_id = $1", job
            )
        }
        assert (
            await conn.fetchval("select status from soundstage.jobs where id = $1", job)
            == "running"
        )

        spawn_worker()  # takes over once the dead worker's lease lapses
        status = await _wait(
            conn,
            "select status from soundstage.jobs where id = $1 and status in ('succeeded', "
            "'failed')",
            job,
            within=60,
        )
        assert status == "succeeded"
        row = await conn.fetchrow("select attempts, error from soundstage.jobs where id = $1", job)
        assert row is not None and row["attempts"] == 2
    finally:
        await conn.close()

    starts: dict[str, int] = defaultdict(int)
    for r in read_log(tmp_path):
        if r["event"] == "start":
            starts[str(r["unit"])] += 1
    assert set(starts) == {f"step-{i}" for i in range(8)}
    for unit in checkpointed:
        assert starts[unit] == 1, f"{unit} was checkpointed yet ran again"


async def test_sigterm_finishes_short_jobs_and_requeues_long_ones(
    dsn: str, spawn_worker: Any
) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        user = await _new_user(conn)
        short = await _insert_job(conn, user, {"steps": 1, "step_seconds": 0.5})
        long = await _insert_job(conn, user, {"steps": 1, "child_seconds": 60})
        worker = spawn_worker(concurrency=2, grace=2)
        await _wait(
            conn,
            "select count(*) = 2 from soundstage.jobs where id = any($1::uuid[]) and status = "
            "'running'",
            [short, long],
        )
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(worker.wait, 15) == 0
        rows = {
            r["id"]: r
            for r in await conn.fetch(
                "select id, status, attempts, lease_owner from soundstage.jobs where id = "
                "any($1::uuid[])",
                [short, long],
            )
        }
        assert rows[short]["status"] == "succeeded"
        assert rows[long]["status"] == "queued"
        assert rows[long]["attempts"] == 0  # handed back without counting an attempt
        assert rows[long]["lease_owner"] is None
        await conn.execute("update soundstage.jobs set status = 'canceled' where id = $1", long)
    finally:
        await conn.close()


async def test_no_job_lost_or_run_twice_at_once_across_processes(
    dsn: str, spawn_worker: Any, tmp_path: Path
) -> None:
    n_jobs = 2000
    conn = await asyncpg.connect(dsn)
    try:
        users = [await _new_user(conn) for _ in range(5)]
        params = json.dumps(
            {"steps": 1, "log_dir": str(tmp_path), "fail": "random", "fail_rate": 0.1}
        )
        await conn.executemany(
            "insert into soundstage.jobs (user_id, kind, params) values ($1, 'test_steps', "
            "$2::jsonb)",
            [(users[i % len(users)], params) for i in range(n_jobs)],
        )
        for _ in range(4):  # 4 processes x 2 tasks = 8 concurrent workers
            spawn_worker(concurrency=2, SOUNDSTAGE_QUEUE_MAX_RUNNING_PER_USER="8")
        await _wait(
            conn,
            "select count(*) = 0 from soundstage.jobs where user_id = any($1::uuid[]) "
            "and status not in ('succeeded', 'failed')",
            users,
            within=240,
        )
        rows = await conn.fetch(
            "select id, status, attempts from soundstage.jobs where user_id = any($1::uuid[])",
            users,
        )
    finally:
        await conn.close()

    assert len(rows) == n_jobs
    by_status: dict[str, int] = defaultdict(int)
    for r in rows:
        by_status[r["status"]] += 1
    # with a 10% failure rate and 3 attempts, about 1 in 1000 fails for good
    assert by_status["succeeded"] >= n_jobs * 0.99

    # No overlap: per job, each attempt starts after the previous one ended.
    runs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    opened: dict[tuple[str, int], float] = {}
    for r in sorted(read_log(tmp_path), key=lambda r: float(r["t"])):  # type: ignore[arg-type]
        key = (str(r["job"]), int(r["attempt"]))  # type: ignore[call-overload]
        if r["event"] == "start":
            assert key not in opened, f"attempt {key} started twice"
            opened[key] = float(r["t"])  # type: ignore[arg-type]
        else:
            runs[key[0]].append((opened.pop(key), float(r["t"])))  # type: ignore[arg-type]
    for job_runs in runs.values():
        job_runs.sort()
        for (_, end), (start, _) in itertools.pairwise(job_runs):
            assert start >= end, "the same job ran twice at once"
    attempts = {str(r["id"]): r["attempts"] for r in rows}
    for job_id, job_runs in runs.items():
        assert len(job_runs) == attempts[job_id]
