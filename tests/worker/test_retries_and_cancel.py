"""Retries, permanent failures, cancellation, fairness and live progress,
against a real worker on the real database (the `test_steps` pipeline)."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from pipelines_for_tests import TEST_KINDS, read_log
from soundstage.config import Settings
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status


async def create(client: httpx.AsyncClient, user: User, **params: Any) -> dict[str, Any]:
    r = await client.post(
        "/v1/jobs", json={"kind": "test_steps", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_retryable_failure_waits_for_retry_after_then_succeeds(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    job = await create(
        client, user, steps=1, fail="retryable", fail_attempts=1, retry_after=1.5,
        log_dir=str(tmp_path),
    )  # fmt: skip
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"})
    assert done["status"] == "succeeded"
    assert done["attempts"] == 2
    log = read_log(tmp_path)
    failed_at = next(float(r["t"]) for r in log if r["event"] == "fail")  # type: ignore[arg-type]
    restarted = [float(r["t"]) for r in log if r["event"] == "start" and r["attempt"] == 2]  # type: ignore[arg-type]
    assert restarted and restarted[0] - failed_at >= 1.4, "Retry-After was not honoured"


async def test_permanent_failure_fails_at_once_with_a_clear_message(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    user = await make_user()
    job = await create(client, user, steps=2, fail="permanent")
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"})
    assert done["status"] == "failed"
    assert done["attempts"] == 1
    assert done["error"] == {
        "code": "permanent_error",
        "message": "the manuscript is empty: add some text and submit again",
    }


async def test_retries_stop_at_max_attempts(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    job = await create(
        client, user, steps=1, fail="retryable", fail_attempts=99, log_dir=str(tmp_path)
    )
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"})
    assert done["status"] == "failed"
    assert done["attempts"] == done["max_attempts"] == 3
    assert done["error"]["code"] == "retryable_error"  # type: ignore[index]
    assert sum(1 for r in read_log(tmp_path) if r["event"] == "start") == 3


async def test_retry_endpoint_resumes_a_failed_job_from_its_checkpoints(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    # Fails at step 0 on attempts 1-3 (all of them), so the job ends failed...
    job = await create(
        client, user, steps=1, fail="retryable", fail_attempts=3, log_dir=str(tmp_path)
    )
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"})
    assert done["status"] == "failed"
    # ...and a retry is the same job, attempts counted afresh.
    r = await client.post(f"/v1/jobs/{job['id']}/retry", headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == job["id"] and r.json()["status"] == "queued"
    assert r.json()["attempts"] == 0 and r.json()["error"] is None
    # attempt 1 again fails (fail_attempts counts per attempt number) until 3: still failing
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"})
    assert done["status"] == "failed"
    r = await client.post(f"/v1/jobs/{job['id']}/retry", headers=user.headers)
    assert r.status_code == 200
    # A running or succeeded job cannot be retried.
    ok = await create(client, user, steps=1)
    await wait_for_status(client, user, ok["id"], {"succeeded"})
    r = await client.post(f"/v1/jobs/{ok['id']}/retry", headers=user.headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"


async def test_cancel_running_job_stops_it_within_a_second_and_kills_its_child(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    job = await create(client, user, steps=1, child_seconds=60, log_dir=str(tmp_path))
    await wait_for_status(client, user, job["id"], {"running"})
    for _ in range(100):
        children = [r for r in read_log(tmp_path) if r["event"] == "child"]
        if children:
            break
        await asyncio.sleep(0.05)
    pid = int(children[0]["pid"])  # type: ignore[call-overload]
    assert _alive(pid)

    loop = asyncio.get_running_loop()
    asked = loop.time()
    r = await client.post(f"/v1/jobs/{job['id']}/cancel", headers=user.headers)
    assert r.status_code == 200 and r.json()["status"] == "canceling"
    done = await wait_for_status(client, user, job["id"], {"canceled"}, within=5)
    assert loop.time() - asked < 1.0 + 0.2  # the poll interval of this test
    assert done["status"] == "canceled"
    assert not _alive(pid), "the pipeline's child process outlived the job"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is dead for our purposes
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


async def test_one_users_backlog_does_not_starve_another_user(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    engine: Engine,
    settings: Settings,
    dsn: str,
) -> None:
    alice, bob = await make_user(), await make_user()
    # Both backlogs exist before any worker looks, as when a worker frees up.
    a_jobs = [await create(client, alice, steps=1, step_seconds=0.5) for _ in range(50)]
    b_job = await create(client, bob, steps=1, step_seconds=0.5)
    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, concurrency=2, pipelines=TEST_KINDS
    )
    running = asyncio.create_task(worker.run(grace_seconds=5))
    try:
        b_done = await wait_for_status(client, bob, b_job["id"], {"succeeded"}, within=60)
    finally:
        worker.stop()
        await running
    conn = await asyncpg.connect(dsn)
    try:
        third = await conn.fetchrow(
            "select finished_at from soundstage.jobs where id = $1", a_jobs[2]["id"]
        )
        await conn.execute(
            "update soundstage.jobs set status = 'canceled' where user_id = $1 and status = "
            "'queued'",
            alice.id,
        )
    finally:
        await conn.close()
    assert third is not None
    started_b = datetime.fromisoformat(str(b_done["started_at"]))
    assert third["finished_at"] is None or started_b < third["finished_at"]


async def test_events_stream_every_change_in_order_and_resumes(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, dsn: str
) -> None:
    user = await make_user()
    job = await create(client, user, steps=5, step_seconds=0.3)
    events = await _read_events(client, user, job["id"])
    assert events[-1]["event"] == "status"
    assert events[-1]["data"]["status"] == "succeeded"
    ids = [e["id"] for e in events]
    assert ids == sorted(ids)

    conn = await asyncpg.connect(dsn)
    try:
        # status and output rows, and progress rows (kept apart: not published)
        logged = await conn.fetch(
            "select id, type from soundstage.job_events where job_id = $1 "
            "union all select id, 'progress' from soundstage.job_progress_events "
            "where job_id = $1 order by id",
            job["id"],
        )
    finally:
        await conn.close()
    # every change the database recorded reached the client, in order
    assert [(e["id"], e["event"]) for e in events] == [(r["id"], r["type"]) for r in logged]
    progress = [e["data"]["progress"] for e in events if e["event"] == "progress"]
    assert progress == sorted(progress)
    assert events[-1]["data"]["progress"] == 100
    assert any(e["event"] == "output" for e in events)

    # resuming after the third event replays exactly the rest
    resumed = await _read_events(client, user, job["id"], last_event_id=ids[2])
    assert [e["id"] for e in resumed] == ids[3:]


async def _read_events(
    client: httpx.AsyncClient, user: User, job_id: str, last_event_id: int | None = None
) -> list[dict[str, Any]]:
    headers = dict(user.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    async with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=headers, timeout=30) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        async for line in r.aiter_lines():
            if line.startswith("id: "):
                current["id"] = int(line[4:])
            elif line.startswith("event: "):
                current["event"] = line[7:]
            elif line.startswith("data: "):
                current["data"] = json.loads(line[6:])
            elif line == "" and "id" in current:
                events.append(current)
                current = {}
    return events


async def test_events_of_another_users_job_are_404(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    alice, mallory = await make_user(), await make_user()
    job = await create(client, alice, steps=1)
    r = await client.get(f"/v1/jobs/{job['id']}/events", headers=mallory.headers)
    assert r.status_code == 404
    await client.post(f"/v1/jobs/{job['id']}/cancel", headers=alice.headers)


async def test_queue_status_and_queued_cap(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Any
) -> None:
    user = await make_user()
    cap = settings.queue_max_queued_per_user
    jobs = [await create(client, user, steps=1) for _ in range(cap)]
    r = await client.post(
        "/v1/jobs", json={"kind": "test_steps", "params": {}}, headers=user.headers
    )
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["error"]["code"] == "rate_limited"

    r = await client.get("/v1/queue", headers=user.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mine"]["queued"] == cap
    assert body["counts"]["queued"] >= cap
    assert body["limits"] == {"max_running": 2, "max_queued": cap}
    positions = [q["position"] for q in body["queued"]]
    assert len(positions) == cap and positions == sorted(positions)
    assert all(q["estimated_start_seconds"] >= 0 for q in body["queued"])
    for j in jobs:
        await client.post(f"/v1/jobs/{j['id']}/cancel", headers=user.headers)
