"""Kind-routed worker pools: two real ``soundstage worker`` processes on one
queue, one started with ``--kinds``, the other with ``--exclude-kinds``. Each
claims only its kinds, and the per-user running cap and fairness hold across
the two pools."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
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
def spawn_pool(dsn: str, data_dir: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(*args: str, **env: str) -> subprocess.Popen[bytes]:
        environ = {
            **os.environ,
            "DATABASE_URL": dsn,
            "SOUNDSTAGE_DATA_DIR": str(data_dir),
            "SOUNDSTAGE_LEASE_SECONDS": "5",
            "SOUNDSTAGE_WORKER_POLL_SECONDS": "0.3",
            "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
            **env,
        }
        proc = subprocess.Popen(
            [sys.executable, str(ENTRY), "worker", "--grace", "5", *args],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        procs.append(proc)
        return proc

    yield spawn
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


async def _insert(conn: asyncpg.Connection, user: uuid.UUID, kind: str, log_dir: Path) -> str:
    params = {"steps": 2, "step_seconds": 0.25, "log_dir": str(log_dir)}
    job_id = await conn.fetchval(
        "insert into soundstage.jobs (user_id, kind, params) values ($1, $2, $3::jsonb) "
        "returning id",
        user,
        kind,
        json.dumps(params),
    )
    return str(job_id)


async def test_two_pools_claim_only_their_kinds_and_share_the_per_user_cap(
    dsn: str, spawn_pool: Any, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        heavy, light = [
            await conn.fetchval(
                "insert into auth.users (email) values ($1) returning id",
                f"pool-{uuid.uuid4().hex[:10]}@example.com",
            )
            for _ in range(2)
        ]
        kind_of: dict[str, str] = {}
        owner: dict[str, uuid.UUID] = {}
        # the heavy user queues first, and more, of both kinds
        for kind in ("test_steps", "test_steps_b") * 3:
            job = await _insert(conn, heavy, kind, tmp_path)
            kind_of[job], owner[job] = kind, heavy
        for _ in range(2):
            job = await _insert(conn, light, "test_steps_b", tmp_path)
            kind_of[job], owner[job] = "test_steps_b", light

        cap = {"SOUNDSTAGE_QUEUE_MAX_RUNNING_PER_USER": "1"}
        gpu = spawn_pool("--kinds", "test_steps", "--concurrency", "2", **cap)
        cpu = spawn_pool("--exclude-kinds", "test_steps", "--concurrency", "2", **cap)

        ids = list(kind_of)
        deadline = asyncio.get_running_loop().time() + 120
        while True:
            done = await conn.fetchval(
                "select count(*) from soundstage.jobs where id = any($1::uuid[]) and status = "
                "'succeeded'",
                ids,
            )
            if done == len(ids):
                break
            assert gpu.poll() is None and cpu.poll() is None, "a worker exited"
            assert asyncio.get_running_loop().time() < deadline, f"{done}/{len(ids)} done"
            await asyncio.sleep(0.2)
    finally:
        await conn.close()

    records = read_log(tmp_path)
    pid_of: dict[str, set[int]] = defaultdict(set)
    span: dict[str, list[float]] = {}
    for r in records:
        job = str(r["job"])
        if r["event"] == "start":
            pid_of[job].add(int(r["pid"]))  # type: ignore[call-overload]
        t = float(r["t"])  # type: ignore[arg-type]
        lo, hi = span.get(job, [t, t])
        span[job] = [min(lo, t), max(hi, t)]
    # routing: every kind ran only in its pool
    assert {p for j in ids if kind_of[j] == "test_steps" for p in pid_of[j]} == {gpu.pid}
    assert {p for j in ids if kind_of[j] == "test_steps_b" for p in pid_of[j]} == {cpu.pid}
    # the cap of one running job per user held across both pools: the heavy
    # user's jobs never overlapped, though two pools could have run them at once
    heavy_spans = sorted(span[j] for j in ids if owner[j] == heavy)
    for (_, end), (start, _) in itertools.pairwise(heavy_spans):
        assert start >= end, heavy_spans
    # fairness: the light user, who queued last, did not wait for the heavy
    # user's backlog to drain
    light_first = min(span[j][0] for j in ids if owner[j] == light)
    assert light_first < max(end for _, end in heavy_spans)


async def test_a_pool_with_an_unknown_kind_refuses_to_start(spawn_pool: Any) -> None:
    proc = spawn_pool("--kinds", "music,tpyo")
    _, stderr = await asyncio.to_thread(proc.communicate, timeout=60)
    assert proc.returncode == 1
    assert (
        stderr.decode()
        .strip()
        .splitlines()[-1]
        .startswith("soundstage worker: unknown job kind tpyo; known: ")
    )
