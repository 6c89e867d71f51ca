"""A worker process killed (SIGKILL) between a job's state change and the
delivery of its event: the outbox row survives, and the next worker delivers
it with the same ``webhook-id``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from soundstage.webhooks.signing import new_secret
from webhook_receiver import Receiver

TESTS = Path(__file__).resolve().parents[1]
ENTRY = TESTS / "engine_with_test_kinds.py"  # the CLI with the test kinds


@pytest.fixture
def spawn_worker(dsn: str, data_dir: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[bytes]] = []

    def spawn() -> subprocess.Popen[bytes]:
        environ = {
            **os.environ,
            "DATABASE_URL": dsn,
            "SOUNDSTAGE_DATA_DIR": str(data_dir),
            "SOUNDSTAGE_LEASE_SECONDS": "3",
            "SOUNDSTAGE_WORKER_POLL_SECONDS": "0.5",
            # the held attempt must outlive the kill (a loaded machine), and
            # its claim (2 x 5 + 1 = 11 s) then runs out for the next worker
            "SOUNDSTAGE_WEBHOOK_TIMEOUT_SECONDS": "5",
            "SOUNDSTAGE_WEBHOOK_POLL_SECONDS": "0.2",
            "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        }
        proc = subprocess.Popen(
            [sys.executable, str(ENTRY), "worker", "--concurrency", "1", "--grace", "1"],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(proc)
        return proc

    yield spawn
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


async def test_a_killed_worker_does_not_lose_the_event(dsn: str, spawn_worker: Any) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        user_id: uuid.UUID = await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id",
            f"wh-{uuid.uuid4().hex[:10]}@example.com",
        )
        # the first request is held open: the worker is killed while sending it
        receiver = Receiver()
        receiver.hold = {0}
        with receiver.running():
            secret = new_secret()
            hook_id = await conn.fetchval(
                "insert into soundstage.webhooks (user_id, url, events, secret) "
                "values ($1, $2, $3, $4) returning id",
                user_id,
                receiver.url,
                ["job.succeeded"],
                secret,
            )
            job_id = await conn.fetchval(
                "insert into soundstage.jobs (user_id, kind, params) "
                "values ($1, 'test_steps', '{\"steps\": 1}'::jsonb) returning id",
                user_id,
            )
            first = spawn_worker()
            # the job's state change is committed, with its outbox row
            [held] = await receiver.wait_for(1, within=60)
            status = await conn.fetchval("select status from soundstage.jobs where id = $1", job_id)
            assert status == "succeeded"
            first.kill()
            first.wait()
            row = await conn.fetchrow(
                "select status, attempts from soundstage.webhook_outbox where webhook_id = $1",
                hook_id,
            )
            assert row["status"] == "pending" and row["attempts"] == 1

            spawn_worker()
            received = await receiver.wait_for(2, within=60)
            deadline = asyncio.get_running_loop().time() + 30
            while (
                await conn.fetchval(
                    "select status from soundstage.webhook_outbox where webhook_id = $1", hook_id
                )
                != "succeeded"
            ):
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.1)
        assert received[1].headers["webhook-id"] == held.headers["webhook-id"]
        event = Verifier(secret).verify(received[1].body, received[1].headers)
        assert event["type"] == "job.succeeded" and event["data"]["id"] == str(job_id)
    finally:
        await conn.execute("delete from auth.users where id = $1", user_id)
        await conn.close()
