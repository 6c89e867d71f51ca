"""Cancelling a running job ends it ``canceled`` for every kind that can be
started from parameters alone, and the race that made a short ``tone`` job end
``succeeded`` after the API had answered ``canceling`` is closed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest

from soundstage.jobs import repository as repo
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import User, wait_for_status

MakeUser = Callable[[], Awaitable[User]]

# A cancelled job's threads may still be writing when its workdir goes; that
# used to print `Wave_write.__del__` tracebacks (an unraisable exception).
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

LONG_BOOK = "\n\n".join(
    f"Chapter {n}\n\n" + " ".join(["The rain kept falling on the quiet town."] * 40)
    for n in range(1, 6)
)
LRC = "\n".join(f"[00:{s:02d}.00] la la la la" for s in range(0, 60, 4))

KINDS: list[tuple[str, dict[str, Any]]] = [
    ("tone", {"seconds": 600, "format": "mp3"}),
    ("music", {"duration_s": 300, "format": "flac"}),
    ("audiobook", {"text": LONG_BOOK, "formats": ["m4b"]}),
    ("song", {"lyrics": LRC, "style": "upbeat pop, 110 bpm", "seconds": 120}),
]


@pytest.mark.parametrize(("kind", "params"), KINDS, ids=[k for k, _ in KINDS])
async def test_a_running_job_of_each_kind_ends_canceled(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    kind: str,
    params: dict[str, Any],
) -> None:
    user = await make_user()
    r = await client.post("/v1/jobs", json={"kind": kind, "params": params}, headers=user.headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    await wait_for_status(client, user, job_id, {"running"}, within=30)
    loop = asyncio.get_running_loop()
    asked = loop.time()
    r = await client.post(f"/v1/jobs/{job_id}/cancel", headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] in ("canceling", "canceled")
    done = await wait_for_status(client, user, job_id, {"canceled", "succeeded", "failed"}, 10)
    assert done["status"] == "canceled", done
    # the worker checks every half second; the test polls every 0.1 s
    assert loop.time() - asked < 1.2


async def test_a_cancel_that_lands_after_the_last_tick_still_wins(
    engine: Engine, dsn: str, make_user: MakeUser
) -> None:
    """The pipeline finished between the worker's last status read and its
    success write, while the user's cancel went in: the write ends it canceled."""
    user = await make_user()
    worker_id = f"w-{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(dsn)
    try:
        job_id = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind, params, status, lease_owner, "
            "lease_expires_at,"
            " started_at) values ($1, 'tone', '{}', 'canceling', $2, now() + interval '1 min',"
            " now()) returning id",
            user.id,
            worker_id,
        )
        async with engine.db.privileged() as c:
            written = await repo.finish_succeeded(c, worker_id, [(job_id, "done")])
        assert written == {job_id}
        row = await conn.fetchrow("select status, stage from soundstage.jobs where id = $1", job_id)
        assert (row["status"], row["stage"]) == ("canceled", "canceled")
    finally:
        await conn.close()
