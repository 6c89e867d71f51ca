"""POST /v1/jobs/batch: up to 20 jobs created all or none, every spec checked
(params and admit hooks) before any is kept, the queued cap counting the batch."""

from __future__ import annotations

from typing import Any

import httpx

from soundstage.config import Settings
from support import MakeUser, User


def _tone(hz: float = 440) -> dict[str, Any]:
    return {"kind": "tone", "params": {"frequency_hz": hz, "seconds": 1}}


async def _count_jobs(client: httpx.AsyncClient, user: User) -> int:
    r = await client.get("/v1/jobs", params={"limit": 100}, headers=user.headers)
    assert r.status_code == 200, r.text
    return len(r.json()["items"])


def _error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    error: dict[str, Any] = r.json()["error"]
    assert error["code"] == code, error
    return error


async def test_batch_creates_every_job_in_order(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    specs = [_tone(220 + 10 * i) for i in range(5)]
    specs[2]["priority"] = 7
    r = await client.post("/v1/jobs/batch", json={"jobs": specs}, headers=alice.headers)
    assert r.status_code == 202, r.text
    items = r.json()["items"]
    assert [j["params"]["frequency_hz"] for j in items] == [220, 230, 240, 250, 260]
    assert [j["priority"] for j in items] == [0, 0, 7, 0, 0]
    assert all(j["status"] == "queued" and j["kind"] == "tone" for j in items)
    assert len({j["id"] for j in items}) == 5
    assert await _count_jobs(client, alice) == 5


async def test_one_bad_spec_names_its_index_and_creates_nothing(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    specs = [_tone() for _ in range(5)]
    specs[3]["params"]["frequency_hz"] = 5  # below the tone pipeline's 20 Hz
    r = await client.post("/v1/jobs/batch", json={"jobs": specs}, headers=alice.headers)
    error = _error(r, 422, "validation_error")
    assert error["message"].startswith("jobs[3].params.frequency_hz: "), error
    assert error["details"]["index"] == 3
    assert await _count_jobs(client, alice) == 0

    specs[3] = {"kind": "no_such_kind", "params": {}}
    r = await client.post("/v1/jobs/batch", json={"jobs": specs}, headers=alice.headers)
    error = _error(r, 422, "validation_error")
    assert error["message"].startswith("jobs[3]: unknown job kind"), error
    assert await _count_jobs(client, alice) == 0


async def test_batch_size_is_one_to_twenty(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    for size in (0, 21):
        body = {"jobs": [_tone() for _ in range(size)]}
        r = await client.post("/v1/jobs/batch", json=body, headers=alice.headers)
        _error(r, 422, "validation_error")
    assert await _count_jobs(client, alice) == 0
    r = await client.post("/v1/jobs/batch", json={"jobs": [_tone()] * 20}, headers=alice.headers)
    assert r.status_code == 202, r.text
    assert len(r.json()["items"]) == 20


async def test_queued_cap_counts_the_whole_batch(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings
) -> None:
    alice = await users()
    cap = settings.queue_max_queued_per_user
    room = 3
    for start in range(0, cap - room, 20):
        n = min(20, cap - room - start)
        body = {"jobs": [_tone() for _ in range(n)]}
        r = await client.post("/v1/jobs/batch", json=body, headers=alice.headers)
        assert r.status_code == 202, r.text
    # room for 3 more: a batch of 4 is refused whole, a batch of 3 fits
    r = await client.post(
        "/v1/jobs/batch", json={"jobs": [_tone() for _ in range(4)]}, headers=alice.headers
    )
    _error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 0
    r = await client.get("/v1/queue", headers=alice.headers)
    assert r.json()["mine"]["queued"] == cap - room
    r = await client.post(
        "/v1/jobs/batch", json={"jobs": [_tone() for _ in range(3)]}, headers=alice.headers
    )
    assert r.status_code == 202, r.text


async def test_another_users_upload_in_one_spec_creates_nothing(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice, bob = await users(), await users()
    r = await client.post(
        "/v1/uploads",
        files={"file": ("book.txt", b"# One\n\nA short manuscript.\n", "text/plain")},
        headers=bob.headers,
    )
    assert r.status_code == 201, r.text
    bobs_upload = r.json()["id"]
    specs: list[dict[str, Any]] = [_tone(), _tone()]
    specs.append({"kind": "audiobook", "params": {"upload_id": bobs_upload}})
    r = await client.post("/v1/jobs/batch", json={"jobs": specs}, headers=alice.headers)
    error = _error(r, 422, "validation_error")
    assert error["message"].startswith("jobs[2]: upload_id"), error
    # the two tone jobs before it were inserted, then rolled back with it
    assert await _count_jobs(client, alice) == 0
    # bob may use his own upload in a batch
    r = await client.post("/v1/jobs/batch", json={"jobs": specs}, headers=bob.headers)
    assert r.status_code == 202, r.text
    assert [j["kind"] for j in r.json()["items"]] == ["tone", "tone", "audiobook"]


async def test_batch_needs_a_token(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/jobs/batch", json={"jobs": [_tone()]})
    assert r.status_code == 401
