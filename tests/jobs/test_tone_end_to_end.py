from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from soundstage.worker import Worker
from support import User, wait_for_status


async def test_tone_job_runs_to_a_downloadable_mp3(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]], worker: Worker
) -> None:
    alice = await make_user()
    r = await client.post(
        "/v1/jobs",
        json={"kind": "tone", "params": {"frequency_hz": 440, "seconds": 3, "format": "mp3"}},
        headers=alice.headers,
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued"

    done = await wait_for_status(client, alice, job["id"], {"succeeded", "failed"})
    assert done["status"] == "succeeded", done
    assert done["progress"] == 100
    [output] = done["outputs"]  # type: ignore[misc]
    assert output["name"] == "tone.mp3"
    assert output["content_type"] == "audio/mpeg"

    # The signed URL needs no auth header.
    r = await client.get(output["url"])
    assert r.status_code == 200
    assert len(r.content) == output["bytes"] > 10_000
    assert r.content[:3] == b"ID3" or r.content[0] == 0xFF
