"""A user deleted while their job runs: the job stops (its child process is
killed), every stored file of theirs goes, and nothing of anyone else's."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx

from pipelines_for_tests import read_log
from soundstage.resources import Engine
from soundstage.worker import Worker, orphans
from support import User, wait_for_status

MakeUser = Callable[[], Awaitable[User]]
BOOK = b"Chapter 1\n\nThe mill stood by the river.\n"


async def _files(client: httpx.AsyncClient, user: User) -> None:
    """An upload and a finished job's output of this user."""
    r = await client.post(
        "/v1/uploads", files={"file": ("b.txt", BOOK, "text/plain")}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 0.2}}, headers=user.headers
    )
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded"})
    assert done["outputs"]


async def _objects(dsn: str, user: User) -> list[tuple[str, str]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "select bucket, object_path from soundstage.uploads where user_id = $1 union all "
            "select bucket, object_path from soundstage.job_outputs where user_id = $1",
            user.id,
        )
    finally:
        await conn.close()
    return [(r["bucket"], r["object_path"]) for r in rows]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def test_deleting_a_user_stops_their_job_and_removes_their_files(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    engine: Engine,
    dsn: str,
    tmp_path: Path,
) -> None:
    doomed, bystander = await make_user(), await make_user()
    for user in (doomed, bystander):
        await _files(client, user)
    doomed_objects = await _objects(dsn, doomed)
    kept_objects = await _objects(dsn, bystander)
    assert len(doomed_objects) == 2 and len(kept_objects) == 2

    r = await client.post(
        "/v1/jobs",
        json={
            "kind": "test_steps",
            "params": {"steps": 1, "child_seconds": 60, "log_dir": str(tmp_path)},
        },
        headers=doomed.headers,
    )
    job_id = r.json()["id"]
    await wait_for_status(client, doomed, job_id, {"running"})
    for _ in range(100):
        children = [row for row in read_log(tmp_path) if row["event"] == "child"]
        if children:
            break
        await asyncio.sleep(0.05)
    pid = int(children[0]["pid"])  # type: ignore[call-overload]

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("delete from auth.users where id = $1", doomed.id)
    finally:
        await conn.close()

    for _ in range(100):  # the worker notices at its next tick (0.5 s)
        if not _alive(pid):
            break
        await asyncio.sleep(0.05)
    assert not _alive(pid), "the deleted user's job kept running"

    await orphans.sweep(engine.db, engine.storage)  # what the worker's maintenance pass does
    for bucket, path in doomed_objects:
        assert not await engine.storage.exists(bucket, path), path
    for bucket, path in kept_objects:
        assert await engine.storage.exists(bucket, path), path
    r = await client.get("/v1/jobs", headers=doomed.headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "user_not_found"
