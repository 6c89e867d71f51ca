"""The jobs API: idempotent creation, validation, limits, cancel and delete,
pagination, and tenancy (another user's job is always 404)."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from soundstage.config import Settings
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status

TONE: dict[str, Any] = {"kind": "tone", "params": {"frequency_hz": 440, "seconds": 1}}


def _error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = r.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


async def _create(
    client: httpx.AsyncClient,
    user: User,
    body: dict[str, Any] | None = None,
    key: str | None = None,
) -> httpx.Response:
    headers = dict(user.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post("/v1/jobs", json=body or TONE, headers=headers)


async def _job(client: httpx.AsyncClient, user: User, body: dict[str, Any] | None = None) -> str:
    r = await _create(client, user, body)
    assert r.status_code == 202, r.text
    job_id: str = r.json()["id"]
    return job_id


async def _all_ids(client: httpx.AsyncClient, user: User, **params: str | int) -> list[str]:
    """Every job the list shows, following next_cursor to the end."""
    ids: list[str] = []
    cursor: str | None = None
    for _ in range(100):
        query: dict[str, str | int] = {"limit": 2, **params}
        if cursor:
            query["cursor"] = cursor
        r = await client.get("/v1/jobs", params=query, headers=user.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        ids += [j["id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("pagination never ended")


# ---------------------------------------------------------------- creation


async def test_create_returns_a_queued_job(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    r = await _create(client, alice)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued"
    assert job["kind"] == "tone"
    # params come back in the pipeline's normalised form, defaults filled in
    assert job["params"] == {"frequency_hz": 440.0, "seconds": 1.0, "format": "mp3"}
    assert job["outputs"] == []
    assert job["progress"] == 0
    r = await client.get(f"/v1/jobs/{job['id']}", headers=alice.headers)
    assert r.status_code == 200
    assert r.json()["id"] == job["id"]


async def test_same_idempotency_key_and_body_give_the_same_job(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    key = f"key-{uuid.uuid4()}"
    first = await _create(client, alice, key=key)
    assert first.status_code == 202, first.text
    again = await _create(client, alice, key=key)
    assert again.status_code == 202, again.text
    assert again.json()["id"] == first.json()["id"]
    # the same request written differently is the same request
    equivalent = {
        "params": {"seconds": 1.0, "frequency_hz": 440.0, "format": "mp3"},
        "kind": "tone",
    }
    r = await _create(client, alice, equivalent, key=key)
    assert r.status_code == 202, r.text
    assert r.json()["id"] == first.json()["id"]
    assert await _all_ids(client, alice) == [first.json()["id"]]


async def test_concurrent_retries_with_one_key_make_one_job(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    key = f"key-{uuid.uuid4()}"
    responses = await asyncio.gather(*(_create(client, alice, key=key) for _ in range(8)))
    assert {r.status_code for r in responses} == {202}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(await _all_ids(client, alice)) == 1


async def test_same_key_with_a_different_body_is_422(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    key = f"key-{uuid.uuid4()}"
    first = await _create(client, alice, key=key)
    assert first.status_code == 202
    for body in (
        {"kind": "tone", "params": {"frequency_hz": 441, "seconds": 1}},
        {**TONE, "priority": 5},
        {"kind": "tone", "params": {}},
    ):
        _error(await _create(client, alice, body, key=key), 422, "validation_error")
    assert await _all_ids(client, alice) == [first.json()["id"]]
    r = await client.get(f"/v1/jobs/{first.json()['id']}", headers=alice.headers)
    assert r.json()["params"]["frequency_hz"] == 440


async def test_another_user_with_the_same_key_gets_their_own_job(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice, bob = await users(), await users()
    key = f"shared-{uuid.uuid4()}"
    a = await _create(client, alice, key=key)
    b = await _create(client, bob, key=key)
    assert a.status_code == b.status_code == 202
    assert a.json()["id"] != b.json()["id"]
    # even with a different body: keys are per user
    c = await _create(client, bob, {"kind": "tone", "params": {"frequency_hz": 880}}, key=key)
    assert c.status_code == 422
    assert await _all_ids(client, alice) == [a.json()["id"]]
    assert await _all_ids(client, bob) == [b.json()["id"]]


@pytest.mark.parametrize(
    "key", [pytest.param("", id="empty"), pytest.param("k" * 256, id="too-long")]
)
async def test_bad_idempotency_keys_are_422(
    client: httpx.AsyncClient, users: MakeUser, key: str
) -> None:
    alice = await users()
    _error(await _create(client, alice, key=key), 422, "validation_error")
    assert await _all_ids(client, alice) == []


# -------------------------------------------------------------- validation


async def test_unknown_kind_lists_the_valid_ones(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    error = _error(
        await _create(client, alice, {"kind": "karaoke", "params": {}}), 422, "validation_error"
    )
    assert "tone" in error["details"]["valid_kinds"]
    assert "karaoke" in error["message"]
    assert "tone" in error["message"]
    assert await _all_ids(client, alice) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"frequency_hz": 5}, "frequency_hz", id="too-low"),
        pytest.param({"frequency_hz": "loud"}, "frequency_hz", id="wrong-type"),
        pytest.param({"seconds": 0}, "seconds", id="too-short"),
        pytest.param({"format": "ogg"}, "format", id="unknown-format"),
        pytest.param({"volume": 11}, "volume", id="extra-param"),
    ],
)
async def test_bad_params_are_422_with_details(
    client: httpx.AsyncClient, users: MakeUser, params: dict[str, Any], field: str
) -> None:
    alice = await users()
    error = _error(
        await _create(client, alice, {"kind": "tone", "params": params}), 422, "validation_error"
    )
    assert isinstance(error["details"]["errors"], list) and error["details"]["errors"]
    assert any(field in d["loc"] for d in error["details"]["errors"]), error["details"]
    assert "'input'" not in json.dumps(error)  # the caller's input is not echoed back
    assert await _all_ids(client, alice) == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**TONE, "user_id": str(uuid.uuid4())}, id="user_id"),
        pytest.param({**TONE, "status": "succeeded"}, id="status"),
        pytest.param({**TONE, "surprise": 1}, id="unknown"),
        pytest.param({"params": {}}, id="no-kind"),
        pytest.param({**TONE, "kind": ""}, id="empty-kind"),
        pytest.param({**TONE, "priority": 101}, id="priority-too-high"),
        pytest.param({**TONE, "params": [1, 2]}, id="params-not-an-object"),
        pytest.param([TONE], id="body-is-a-list"),
        pytest.param("tone", id="body-is-a-string"),
    ],
)
async def test_malformed_bodies_are_422(
    client: httpx.AsyncClient, users: MakeUser, body: Any
) -> None:
    alice = await users()
    r = await client.post("/v1/jobs", json=body, headers=alice.headers)
    error = _error(r, 422, "validation_error")
    assert error["details"]
    assert await _all_ids(client, alice) == []


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(b'{"kind": "tone", ', "application/json", id="truncated"),
        pytest.param(b"{'kind': 'tone'}", "application/json", id="single-quotes"),
        pytest.param(b"\xff\xfe\x00garbage", "application/json", id="binary"),
        pytest.param(b"", "application/json", id="empty"),
        pytest.param(b"kind=tone", "application/x-www-form-urlencoded", id="form-encoded"),
    ],
)
async def test_malformed_json_is_a_422_envelope(
    client: httpx.AsyncClient, users: MakeUser, content: bytes, content_type: str
) -> None:
    alice = await users()
    r = await client.post(
        "/v1/jobs", content=content, headers={**alice.headers, "Content-Type": content_type}
    )
    _error(r, 422, "validation_error")
    assert await _all_ids(client, alice) == []


async def test_a_json_body_over_the_limit_is_413(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings
) -> None:
    alice = await users()
    big = {"kind": "tone", "params": {"padding": "x" * (settings.max_json_bytes + 1)}}
    r = await client.post("/v1/jobs", json=big, headers=alice.headers)
    error = _error(r, 413, "payload_too_large")
    assert str(settings.max_json_bytes) in error["message"]
    assert await _all_ids(client, alice) == []


async def test_a_chunked_json_body_over_the_limit_is_413(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings
) -> None:
    """No Content-Length to check up front: the body is counted as it arrives."""
    alice = await users()
    payload = json.dumps(
        {"kind": "tone", "params": {"padding": "x" * (settings.max_json_bytes + 1)}}
    ).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 64 * 1024):
            yield payload[i : i + 64 * 1024]

    r = await client.post(
        "/v1/jobs",
        content=chunks(),
        headers={**alice.headers, "Content-Type": "application/json"},
    )
    _error(r, 413, "payload_too_large")
    assert await _all_ids(client, alice) == []


# ------------------------------------------------------------ cancel, delete


async def test_cancel_a_queued_job(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    job_id = await _job(client, alice)
    r = await client.post(f"/v1/jobs/{job_id}/cancel", headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "canceled"
    assert r.json()["finished_at"] is not None
    error = _error(
        await client.post(f"/v1/jobs/{job_id}/cancel", headers=alice.headers), 409, "conflict"
    )
    assert "canceled" in error["message"]
    r = await client.get(f"/v1/jobs/{job_id}", headers=alice.headers)
    assert r.json()["status"] == "canceled"
    # a canceled job can be deleted
    assert (await client.delete(f"/v1/jobs/{job_id}", headers=alice.headers)).status_code == 204


async def test_delete_a_queued_job(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    keep = await _job(client, alice)
    job_id = await _job(client, alice)
    r = await client.delete(f"/v1/jobs/{job_id}", headers=alice.headers)
    assert r.status_code == 204
    assert r.content == b""
    _error(await client.get(f"/v1/jobs/{job_id}", headers=alice.headers), 404, "not_found")
    _error(await client.delete(f"/v1/jobs/{job_id}", headers=alice.headers), 404, "not_found")
    _error(await client.post(f"/v1/jobs/{job_id}/cancel", headers=alice.headers), 404, "not_found")
    assert await _all_ids(client, alice) == [keep]


async def test_deleting_a_finished_job_removes_its_files(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, worker: Worker
) -> None:
    alice = await users()
    job_id = await _job(client, alice, {"kind": "tone", "params": {"seconds": 0.2}})
    done = await wait_for_status(client, alice, job_id, {"succeeded", "failed"})
    assert done["status"] == "succeeded", done
    [output] = done["outputs"]  # type: ignore[misc]
    job_dir = settings.storage_root / "renders" / str(alice.id) / job_id
    stored = job_dir / "tone.mp3"
    assert stored.stat().st_size == output["bytes"]
    assert (await client.get(output["url"])).status_code == 200
    # finished jobs cannot be canceled, but can be deleted
    _error(await client.post(f"/v1/jobs/{job_id}/cancel", headers=alice.headers), 409, "conflict")
    r = await client.delete(f"/v1/jobs/{job_id}", headers=alice.headers)
    assert r.status_code == 204
    assert not stored.exists()
    assert not job_dir.exists()  # the emptied folder is pruned too
    assert (settings.storage_root / "renders").is_dir()  # never the bucket
    _error(await client.get(output["url"]), 404, "not_found")
    _error(await client.get(f"/v1/jobs/{job_id}", headers=alice.headers), 404, "not_found")


# ------------------------------------------------------------------ listing


async def test_list_pages_newest_first_through_every_job_once(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice, bob = await users(), await users()
    created = [await _job(client, alice) for _ in range(5)]
    await _job(client, bob)  # someone else's, never listed for alice
    assert await _all_ids(client, alice) == created[::-1]

    r = await client.get("/v1/jobs", params={"limit": 5}, headers=alice.headers)
    assert [j["id"] for j in r.json()["items"]] == created[::-1]
    assert r.json()["next_cursor"] is None
    r = await client.get("/v1/jobs", params={"limit": 100}, headers=alice.headers)
    assert len(r.json()["items"]) == 5

    # a cursor stays valid while new jobs arrive: no repeats, no gaps
    r = await client.get("/v1/jobs", params={"limit": 2}, headers=alice.headers)
    first_page = [j["id"] for j in r.json()["items"]]
    cursor = r.json()["next_cursor"]
    newer = await _job(client, alice)
    rest: list[str] = []
    while cursor:
        r = await client.get(
            "/v1/jobs", params={"limit": 2, "cursor": cursor}, headers=alice.headers
        )
        rest += [j["id"] for j in r.json()["items"]]
        cursor = r.json()["next_cursor"]
    assert first_page + rest == created[::-1]
    assert await _all_ids(client, alice) == [newer, *created[::-1]]


async def test_list_filters(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    queued = [await _job(client, alice) for _ in range(3)]
    canceled = [await _job(client, alice) for _ in range(2)]
    for job_id in canceled:
        r = await client.post(f"/v1/jobs/{job_id}/cancel", headers=alice.headers)
        assert r.status_code == 200
    assert await _all_ids(client, alice, status="queued") == queued[::-1]
    assert await _all_ids(client, alice, status="canceled") == canceled[::-1]
    assert await _all_ids(client, alice, status="succeeded") == []
    assert await _all_ids(client, alice, kind="tone") == (queued + canceled)[::-1]
    assert await _all_ids(client, alice, kind="tone", status="canceled") == canceled[::-1]
    assert await _all_ids(client, alice, kind="no_such_kind") == []
    for job in (await client.get("/v1/jobs", headers=alice.headers)).json()["items"]:
        if job["id"] in queued:
            await client.post(f"/v1/jobs/{job['id']}/cancel", headers=alice.headers)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"status": "lost"}, id="unknown-status"),
        pytest.param({"limit": 0}, id="limit-0"),
        pytest.param({"limit": 101}, id="limit-101"),
        pytest.param({"limit": "ten"}, id="limit-not-a-number"),
        pytest.param({"kind": "k" * 65}, id="kind-too-long"),
        pytest.param({"cursor": "garbage!"}, id="cursor-garbage"),
        pytest.param({"cursor": "c" * 201}, id="cursor-too-long"),
        pytest.param(
            {"cursor": base64.urlsafe_b64encode(b"yesterday|not-a-uuid").decode()},
            id="cursor-bad-fields",
        ),
        pytest.param(
            {
                "cursor": base64.urlsafe_b64encode(
                    f"2026-01-01T00:00:00|{'0' * 5}".encode()
                ).decode()
            },
            id="cursor-bad-uuid",
        ),
        pytest.param(
            {"cursor": base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode()}, id="cursor-not-utf8"
        ),
        pytest.param(
            {
                "cursor": base64.urlsafe_b64encode(
                    f"2026-01-01T00:00:00|{uuid.uuid4()}".encode()
                ).decode()
            },
            id="cursor-naive-time",
        ),
        pytest.param(
            {
                "cursor": base64.urlsafe_b64encode(
                    f"0001-01-01T00:00:00+05:00|{uuid.uuid4()}".encode()
                ).decode()
            },
            id="cursor-date-out-of-range",
        ),
    ],
)
async def test_invalid_list_parameters_are_422(
    client: httpx.AsyncClient, users: MakeUser, params: dict[str, Any]
) -> None:
    alice = await users()
    _error(
        await client.get("/v1/jobs", params=params, headers=alice.headers), 422, "validation_error"
    )


# ------------------------------------------------------------------ tenancy


def _routes(job_id: str) -> list[tuple[str, str]]:
    return [
        ("GET", f"/v1/jobs/{job_id}"),
        ("GET", f"/v1/jobs/{job_id}/events"),
        ("POST", f"/v1/jobs/{job_id}/cancel"),
        ("POST", f"/v1/jobs/{job_id}/retry"),
        ("DELETE", f"/v1/jobs/{job_id}"),
    ]


async def test_another_users_job_is_404_on_every_route(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice, bob = await users(), await users()
    queued = await _job(client, alice)
    canceled = await _job(client, alice)
    assert (
        await client.post(f"/v1/jobs/{canceled}/cancel", headers=alice.headers)
    ).status_code == (200)
    before = {
        j: (await client.get(f"/v1/jobs/{j}", headers=alice.headers)).json()
        for j in (queued, canceled)
    }
    for job_id in (queued, canceled):
        for method, path in _routes(job_id):
            r = await client.request(method, path, headers=bob.headers)
            _error(r, 404, "not_found")
            assert job_id not in r.text
    # nothing bob did changed alice's jobs
    for job_id, was in before.items():
        r = await client.get(f"/v1/jobs/{job_id}", headers=alice.headers)
        assert r.status_code == 200
        now = r.json()
        assert (now["status"], now["updated_at"]) == (was["status"], was["updated_at"])
    # and no list of bob's shows them, whatever the filters
    for params in ({}, {"status": "queued"}, {"status": "canceled"}, {"kind": "tone"}):
        assert await _all_ids(client, bob, **params) == []
    # alice's own cursor does not open her jobs to bob either
    r = await client.get("/v1/jobs", params={"limit": 1}, headers=alice.headers)
    cursor = r.json()["next_cursor"]
    assert cursor
    r = await client.get("/v1/jobs", params={"cursor": cursor}, headers=bob.headers)
    assert r.status_code == 200
    assert r.json()["items"] == []


async def test_unknown_and_malformed_job_ids(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    for method, path in _routes(str(uuid.uuid4())):
        _error(await client.request(method, path, headers=alice.headers), 404, "not_found")
    for bad in ("not-a-uuid", "1", "00000000-0000-0000-0000-00000000000g", "%00"):
        for method, path in _routes(bad):
            r = await client.request(method, path, headers=alice.headers)
            _error(r, 422, "validation_error")


async def test_every_jobs_route_needs_a_token(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    job_id = await _job(client, alice)
    for method, path in [*_routes(job_id), ("GET", "/v1/jobs"), ("POST", "/v1/jobs")]:
        r = await client.request(method, path, json=TONE if method == "POST" else None)
        _error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
    r = await client.get(f"/v1/jobs/{job_id}", headers=alice.headers)
    assert r.json()["status"] == "queued"
    assert await _all_ids(client, alice) == [job_id]
