"""Regeneration never breaks a finished book: its voice and text are checked
before anything is queued, and a regeneration that fails anyway leaves the
previous render downloadable and the book open to another regeneration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx

from soundstage.worker import Worker
from support import User, wait_for_status

MakeUser = Callable[[], Awaitable[User]]

BOOK = "# Chapter One\n\nThe mill stood by the river. It had stood there for years.\n"


async def _finished_book(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    r = await client.post(
        "/v1/jobs",
        json={"kind": "audiobook", "params": {"text": BOOK, "formats": ["mp3"]}},
        headers=user.headers,
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, 120)
    assert done["status"] == "succeeded", done
    return done


async def test_bad_voice_or_text_is_422_and_the_book_stays_finished(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    user = await make_user()
    job = await _finished_book(client, user)
    url = f"/v1/jobs/{job['id']}/regenerate"
    for body, needle in (
        ({"chapter": 1, "chunk": 0, "voice": "local:no-such-voice"}, "no voice"),
        ({"chapter": 1, "chunk": 0, "voice": "openai:alloy"}, "belongs to"),
        ({"chapter": 1, "chunk": 0, "text": " ... !? "}, "read aloud"),
    ):
        r = await client.post(url, json=body, headers=user.headers)
        assert r.status_code == 422, (body, r.text)
        assert needle in r.json()["error"]["message"], r.text
    r = await client.get(f"/v1/jobs/{job['id']}", headers=user.headers)
    assert r.json()["status"] == "succeeded"
    assert len(r.json()["outputs"]) == len(job["outputs"])


async def test_a_failed_regeneration_keeps_the_render_and_can_be_redone(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, dsn: str
) -> None:
    user = await make_user()
    job = await _finished_book(client, user)
    names = sorted(o["name"] for o in job["outputs"])
    # A regeneration that got past the API and failed in the worker (a voice
    # withdrawn by the provider in between, say): what the worker leaves behind.
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            """update soundstage.jobs set status = 'failed', finished_at = now(),
                 error = '{"code": "permanent_error", "message": "voice gone"}',
                 params = jsonb_set(params, '{replacements}',
                   '[{"chapter": 1, "chunk": 0, "text": null, "voice": "local:gone"}]')
               where id = $1""",
            job["id"],
        )
    finally:
        await conn.close()
    r = await client.get(f"/v1/jobs/{job['id']}", headers=user.headers)
    assert sorted(o["name"] for o in r.json()["outputs"]) == names
    for output in r.json()["outputs"]:
        assert (await client.get(output["url"])).status_code == 200
    # the book is not locked: a corrected regeneration replaces the failed one
    r = await client.post(
        f"/v1/jobs/{job['id']}/regenerate",
        json={"chapter": 1, "chunk": 0, "text": "The old mill stood by the river."},
        headers=user.headers,
    )
    assert r.status_code == 200, r.text
    done = await wait_for_status(client, user, job["id"], {"succeeded", "failed"}, 120)
    assert done["status"] == "succeeded", done
