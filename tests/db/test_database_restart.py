"""The embedded Postgres stops for a while and starts again, with jobs running
and a client polling: the API answers 503 with Retry-After (not 500, not a
hang), /ready says not ready, and the worker keeps its running jobs' work and
finishes them once the database is back - each step done once, nothing lost.
Its own server (pgserver) in its own data directory: the session's is left alone."""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from pipelines_for_tests import TEST_KINDS, read_log
from soundstage.app import create_app
from soundstage.auth.tokens import mint_local_token
from soundstage.config import Settings
from soundstage.db.embedded import ensure_embedded, stop_embedded
from soundstage.db.migrate import migrate
from soundstage.engine import open_engine
from soundstage.worker import Worker

OUTAGE_SECONDS = float(os.environ.get("SOUNDSTAGE_OUTAGE_SECONDS", "4"))
JOBS = 4
STEPS = 6


def _start_again(data_dir: Path, options: list[str]) -> None:
    """Start the stopped server with the options pgserver started it with."""
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined,unused-ignore]

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(
        ["-w", "start", "-o", shlex.join(options), "-l", str(data_dir / "restart.log")],
        pgdata=data_dir / "pg",
        user=user,
    )


def _options(data_dir: Path) -> list[str]:
    """postmaster.opts: the server's command line, less the binary and -D."""
    words = shlex.split((data_dir / "pg" / "postmaster.opts").read_text())[1:]
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "-D":
            skip = True
            continue
        kept.append(word)
    return kept


@pytest.fixture
async def own_database() -> AsyncIterator[tuple[Path, str]]:
    data_dir = Path(tempfile.mkdtemp(prefix="soundstage-restart-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "pgserver")
    try:
        dsn = await ensure_embedded(data_dir)
        await migrate(dsn)
        yield data_dir, dsn
    finally:
        await asyncio.to_thread(stop_embedded, data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


async def test_a_database_restart_loses_nothing(
    own_database: tuple[Path, str], settings: Settings, tmp_path: Path
) -> None:
    data_dir, dsn = own_database
    local = settings.model_copy(
        update={
            "database_url": dsn,
            "data_dir": data_dir,
            "lease_seconds": 20,
            "queue_max_running_per_user": JOBS,
        }
    )
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id",
            f"restart-{uuid.uuid4().hex[:8]}@example.com",
        )
    finally:
        await conn.close()
    headers = {"Authorization": f"Bearer {mint_local_token(local, user_id, None)}"}

    app = create_app(local, pipelines=TEST_KINDS)
    async with (
        app.router.lifespan_context(app),
        open_engine(local, dsn, TEST_KINDS) as engine,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        worker = Worker(
            engine.db, engine.storage, local, dsn=dsn, concurrency=JOBS, pipelines=TEST_KINDS
        )
        worker_task = asyncio.create_task(worker.run(grace_seconds=5))
        try:
            ids = []
            for _ in range(JOBS):
                params = {"steps": STEPS, "step_seconds": 1.0, "log_dir": str(tmp_path)}
                r = await client.post(
                    "/v1/jobs", json={"kind": "test_steps", "params": params}, headers=headers
                )
                assert r.status_code == 202, r.text
                ids.append(r.json()["id"])
            for _ in range(300):  # all running, some steps done
                r = await client.get("/v1/jobs?status=running", headers=headers)
                if len(r.json()["items"]) == JOBS:
                    break
                await asyncio.sleep(0.1)
            assert len(r.json()["items"]) == JOBS, r.text
            await asyncio.sleep(1.5)

            options = _options(data_dir)
            assert await asyncio.to_thread(stop_embedded, data_dir)
            answers: Counter[int] = Counter()
            loop = asyncio.get_running_loop()
            until = loop.time() + OUTAGE_SECONDS
            while loop.time() < until:
                r = await asyncio.wait_for(client.get("/v1/jobs", headers=headers), 10)
                answers[r.status_code] += 1
                assert r.status_code == 503, r.text
                assert int(r.headers["Retry-After"]) > 0
                ready = await asyncio.wait_for(client.get("/ready"), 10)
                assert ready.status_code == 503
                await asyncio.sleep(0.25)
            await asyncio.to_thread(_start_again, data_dir, options)

            finals = []
            for job_id in ids:
                for _ in range(600):
                    r = await client.get(f"/v1/jobs/{job_id}", headers=headers)
                    if r.status_code == 200 and r.json()["status"] in ("succeeded", "failed"):
                        break
                    await asyncio.sleep(0.1)
                finals.append(r.json())
        finally:
            worker.stop()
            await asyncio.wait_for(worker_task, 60)

    assert [f["status"] for f in finals] == ["succeeded"] * JOBS, finals
    assert all(f["attempts"] == 1 for f in finals), [f["attempts"] for f in finals]
    steps = Counter(
        (str(row["job"]), str(row["unit"])) for row in read_log(tmp_path) if row["event"] == "start"
    )
    assert len(steps) == JOBS * STEPS and set(steps.values()) == {1}, steps
    print(f"outage {OUTAGE_SECONDS:g}s: {dict(answers)} answers to polling, jobs {JOBS}x{STEPS}")
