"""A separate `soundstage worker` process: its own /metrics port and JSON log
lines carrying the job id."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families


@pytest.fixture
def worker_process(dsn: str, data_dir: Path, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            # debug: the routine per-job lines ("job started", "job succeeded")
            [sys.executable, "-m", "soundstage", "worker", "--grace", "2", "--log-level", "debug"],
            env={
                **os.environ,
                "DATABASE_URL": dsn,
                "SOUNDSTAGE_DATA_DIR": str(data_dir),
                "SOUNDSTAGE_WORKER_METRICS_PORT": str(port),
                "SOUNDSTAGE_WORKER_POLL_SECONDS": "0.3",
                "SOUNDSTAGE_LOG_FORMAT": "json",
            },
            cwd=tmp_path,  # no stray .env
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            yield port, log_path
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def test_worker_process_serves_metrics_and_logs_job_ids(
    dsn: str, worker_process: tuple[int, Path]
) -> None:
    port, log_path = worker_process
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id",
            f"wm-{uuid.uuid4().hex[:10]}@example.com",
        )
        job_id = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind, params) values ($1, 'tone', $2::jsonb) "
            "returning id",
            user_id,
            json.dumps({"seconds": 0.1, "format": "wav"}),
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while await conn.fetchval("select status from soundstage.jobs where id = $1", job_id) in (
            "queued",
            "running",
        ):
            assert loop.time() < deadline, "the worker did not finish the job"
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text

    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("soundstage_jobs_total", (("kind", "tone"), ("outcome", "succeeded")))] == 1

    await asyncio.sleep(0.2)  # the last line may still be on its way to the file
    lines = [json.loads(x) for x in log_path.read_text().splitlines() if x.startswith("{")]
    mine = [x for x in lines if x.get("job_id") == str(job_id)]
    assert [x["message"].split(" ")[:2] for x in mine] == [
        ["job", "started"],
        ["job", "succeeded"],
    ]
    assert all(x["kind"] == "tone" and x["level"] == "debug" for x in mine)
