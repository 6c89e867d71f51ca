"""API keys against the real app and the real embedded Postgres (RLS included)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from support import User

MakeUser = Callable[[], Awaitable[User]]


async def _create(
    client: httpx.AsyncClient, user: User, scopes: list[str], name: str = "test key"
) -> dict[str, object]:
    r = await client.post(
        "/v1/api-keys", json={"name": name, "scopes": scopes}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


async def test_a_key_acts_as_its_owner(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    owner = await make_user()
    created = await _create(client, owner, ["jobs:read", "jobs:write"])
    key = str(created["key"])
    assert key.startswith("sk_") and created["prefix"] == key[:11]
    assert created["scopes"] == ["jobs:read", "jobs:write"]

    # X-API-Key and Authorization: Bearer sk_... both work, as the owner
    job = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers={"X-API-Key": key}
    )
    assert job.status_code == 202, job.text
    job_id = job.json()["id"]
    seen = await client.get(f"/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"})
    assert seen.status_code == 200
    # the owner's token sees the job the key made: same user, same RLS rows
    mine = await client.get(f"/v1/jobs/{job_id}", headers=owner.headers)
    assert mine.status_code == 200

    # another user's job is not found for the key, as for the owner's token
    other = await make_user()
    theirs = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers=other.headers
    )
    r = await client.get(f"/v1/jobs/{theirs.json()['id']}", headers={"X-API-Key": key})
    assert r.status_code == 404


async def test_the_key_is_shown_once_and_stored_as_a_hash_only(
    client: httpx.AsyncClient, make_user: MakeUser, dsn: str
) -> None:
    owner = await make_user()
    created = await _create(client, owner, ["jobs:read"])
    key = str(created["key"])
    listed = await client.get("/v1/api-keys", headers=owner.headers)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == created["id"] and "key" not in item and item["prefix"] == key[:11]
    assert key not in listed.text

    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow("select * from soundstage.api_keys where id = $1", created["id"])
        assert row is not None
        assert bytes(row["key_hash"]) == hashlib.sha256(key.encode()).digest()
        # the key appears nowhere in the row, nor anywhere in the table's text
        assert all(key not in str(v) for v in row.values())
        dump = await conn.fetchval("select string_agg(t::text, '\n') from soundstage.api_keys t")
        assert key not in dump and key[11:] not in dump
        # and the request roles cannot read the hash at all
        async with conn.transaction():
            await conn.execute("set local role authenticated")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch("select key_hash from soundstage.api_keys")
    finally:
        await conn.close()


async def test_a_revoked_key_is_refused_at_once(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner = await make_user()
    created = await _create(client, owner, ["jobs:read"])
    key = str(created["key"])
    assert (await client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200

    r = await client.delete(f"/v1/api-keys/{created['id']}", headers=owner.headers)
    assert r.status_code == 204
    # the very next request, with either header
    for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
        refused = await client.get("/v1/jobs", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthorized"
    [item] = (await client.get("/v1/api-keys", headers=owner.headers)).json()["items"]
    assert item["revoked_at"] is not None


async def test_scopes_are_enforced_per_route(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner = await make_user()
    reader = str((await _create(client, owner, ["jobs:read"]))["key"])
    headers = {"X-API-Key": reader}
    assert (await client.get("/v1/jobs", headers=headers)).status_code == 200
    assert (await client.get("/v1/queue", headers=headers)).status_code == 200

    write = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers=headers
    )
    assert write.status_code == 403
    assert write.json()["error"]["code"] == "insufficient_scope"
    assert write.json()["error"]["details"] == {"required": "jobs:write"}
    uploads = await client.get("/v1/uploads", headers=headers)
    assert uploads.status_code == 403
    assert uploads.json()["error"]["details"] == {"required": "uploads:read"}
    # a key cannot manage keys (the routes declare no scope), whatever it holds
    everything = str(
        (
            await _create(
                client,
                owner,
                ["jobs:read", "jobs:write", "uploads:read", "uploads:write", "usage:read"],
            )
        )["key"]
    )
    for method, path in (("GET", "/v1/api-keys"), ("POST", "/v1/api-keys")):
        r = await client.request(
            method,
            path,
            json={"name": "x", "scopes": ["jobs:read"]},
            headers={"X-API-Key": everything},
        )
        assert r.status_code == 403, r.text
    assert (await client.get("/v1/usage", headers={"X-API-Key": everything})).status_code == 200


async def test_unknown_keys_and_scopes(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    owner = await make_user()
    for key in ("sk_nope", "sk_" + "A" * 43, "not-a-key"):
        r = await client.get("/v1/jobs", headers={"X-API-Key": key})
        assert r.status_code == 401, key
    r = await client.post(
        "/v1/api-keys", json={"name": "x", "scopes": ["root"]}, headers=owner.headers
    )
    assert r.status_code == 422
    r = await client.post("/v1/api-keys", json={"name": " ", "scopes": []}, headers=owner.headers)
    assert r.status_code == 422
    r = await client.post("/v1/api-keys", json={"name": "x", "scopes": ["jobs:read"]})
    assert r.status_code == 401


async def test_only_the_owner_lists_and_revokes(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner, other = await make_user(), await make_user()
    created = await _create(client, owner, ["jobs:read"])
    assert (await client.get("/v1/api-keys", headers=other.headers)).json()["items"] == []
    r = await client.delete(f"/v1/api-keys/{created['id']}", headers=other.headers)
    assert r.status_code == 404
    key = str(created["key"])
    assert (await client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200


async def test_last_use_is_recorded_without_a_write_per_request(
    client: httpx.AsyncClient, make_user: MakeUser, dsn: str
) -> None:
    owner = await make_user()
    created = await _create(client, owner, ["jobs:read"])
    key = str(created["key"])
    assert created["last_used_at"] is None
    assert (await client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200
    [item] = (await client.get("/v1/api-keys", headers=owner.headers)).json()["items"]
    first = item["last_used_at"]
    assert first is not None
    conn = await asyncpg.connect(dsn)
    try:
        # the row is not rewritten by the next requests within the minute
        xmin = await conn.fetchval(
            "select xmin::text from soundstage.api_keys where id = $1", item["id"]
        )
        for _ in range(3):
            assert (await client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200
        again = await conn.fetchval(
            "select xmin::text from soundstage.api_keys where id = $1", item["id"]
        )
        assert again == xmin
    finally:
        await conn.close()


async def test_rate_limits_are_the_owners(
    client: httpx.AsyncClient, make_user: MakeUser, dsn: str
) -> None:
    """The key's requests are charged to its owner's rate-limit key."""
    owner = await make_user()
    key = str((await _create(client, owner, ["jobs:write", "jobs:read"]))["key"])
    r = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers={"X-API-Key": key}
    )
    assert r.status_code == 202
    conn = await asyncpg.connect(dsn)
    try:
        charged = await conn.fetchval(
            "select count(*) from soundstage_private.rate_limits where key = $1",
            f"user:{owner.id}:jobs",
        )
    finally:
        await conn.close()
    assert charged == 1


async def test_projects_and_events_have_scopes_of_their_own(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner = await make_user()
    jobs_only = {
        "X-API-Key": str((await _create(client, owner, ["jobs:read", "jobs:write"]))["key"])
    }
    r = await client.get("/v1/projects", headers=jobs_only)
    assert r.status_code == 403
    assert r.json()["error"]["details"] == {"required": "projects:read"}

    reader = {"X-API-Key": str((await _create(client, owner, ["projects:read"]))["key"])}
    assert (await client.get("/v1/projects", headers=reader)).status_code == 200
    made = await client.post("/v1/projects", json={"name": "Demo"}, headers=reader)
    assert made.status_code == 403
    assert made.json()["error"]["details"] == {"required": "projects:write"}

    writer = {"X-API-Key": str((await _create(client, owner, ["projects:write"]))["key"])}
    assert (
        await client.post("/v1/projects", json={"name": "Demo"}, headers=writer)
    ).status_code == 201
