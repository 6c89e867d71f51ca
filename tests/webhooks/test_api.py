"""Webhooks through the real app and the real embedded Postgres (RLS included)."""

from __future__ import annotations

import dataclasses
import uuid

import asyncpg
import httpx
import pytest

from soundstage.auth.tokens import Principal
from soundstage.config import Settings
from soundstage.resources import Engine
from soundstage.webhooks.addresses import AddressRefused
from soundstage.webhooks.schemas import WebhookCreate
from soundstage.webhooks.service import WebhookService
from support import MakeUser, User


async def _create(
    client: httpx.AsyncClient, user: User, url: str = "http://127.0.0.1:9/hook", **extra: object
) -> dict[str, object]:
    body = {"url": url, "events": ["job.succeeded", "job.failed"], **extra}
    r = await client.post("/v1/webhooks", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    created: dict[str, object] = r.json()
    return created


async def test_create_shows_the_secret_once(client: httpx.AsyncClient, users: MakeUser) -> None:
    user = await users()
    created = await _create(client, user, description="render farm")
    secret = str(created["secret"])
    assert secret.startswith("whsec_") and len(secret) > 40
    assert created["events"] == ["job.failed", "job.succeeded"]
    assert created["enabled"] is True and created["disabled_reason"] is None

    got = await client.get(f"/v1/webhooks/{created['id']}", headers=user.headers)
    assert got.status_code == 200 and "secret" not in got.json()
    listed = await client.get("/v1/webhooks", headers=user.headers)
    assert [w["id"] for w in listed.json()["items"]] == [created["id"]]
    assert secret not in listed.text

    rotated = await client.post(f"/v1/webhooks/{created['id']}/rotate-secret", headers=user.headers)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != secret
    assert rotated.json()["secret_rotated_at"] is not None

    deleted = await client.delete(f"/v1/webhooks/{created['id']}", headers=user.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/v1/webhooks/{created['id']}", headers=user.headers)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


async def test_the_list_pages(client: httpx.AsyncClient, users: MakeUser) -> None:
    user = await users()
    ids = [(await _create(client, user))["id"] for _ in range(3)]
    first = (await client.get("/v1/webhooks?limit=2", headers=user.headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = (
        await client.get(
            f"/v1/webhooks?limit=2&cursor={first['next_cursor']}", headers=user.headers
        )
    ).json()
    assert second["next_cursor"] is None
    seen = [w["id"] for w in first["items"] + second["items"]]
    assert seen == list(reversed(ids))


async def test_another_users_webhook_is_not_found(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    owner, other = await users(), await users()
    hook = await _create(client, owner)
    base = f"/v1/webhooks/{hook['id']}"
    for method, path in [
        ("GET", base),
        ("DELETE", base),
        ("POST", f"{base}/rotate-secret"),
        ("POST", f"{base}/test"),
        ("POST", f"{base}/enable"),
        ("GET", f"{base}/deliveries"),
    ]:
        r = await client.request(method, path, headers=other.headers)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["code"] == "not_found"
    assert (await client.get("/v1/webhooks", headers=other.headers)).json()["items"] == []
    # and the owner's is untouched
    assert (await client.get(base, headers=owner.headers)).status_code == 200


async def test_the_secret_is_readable_by_no_request_role(
    client: httpx.AsyncClient, users: MakeUser, dsn: str
) -> None:
    user = await users()
    hook = await _create(client, user)
    conn = await asyncpg.connect(dsn)
    try:
        for role in ("authenticated", "soundstage_api"):
            async with conn.transaction():
                await conn.execute(
                    "select set_config('role', $1, true), "
                    "set_config('request.jwt.claims', $2, true)",
                    role,
                    f'{{"sub": "{user.id}", "role": "authenticated"}}',
                )
                # the owner sees their row, but not its secret
                assert await conn.fetchval(
                    "select url from soundstage.webhooks where id = $1", uuid.UUID(str(hook["id"]))
                )
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.fetchval("select secret from soundstage.webhooks")
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://0xa9fea9fe/", "link-local"),  # 169.254.169.254 written in hex
        ("http://100.100.100.200/", "metadata"),
        ("http://100.64.0.1/", "CGNAT"),
        ("http://0.0.0.0/", "unspecified"),
        ("ftp://example.com/hook", "http or https"),
        ("http://user:pw@127.0.0.1/", "credentials"),
        ("http:///nohost", "no host"),
    ],
)
async def test_development_refuses_metadata_and_odd_urls(
    client: httpx.AsyncClient, users: MakeUser, url: str, words: str
) -> None:
    user = await users()
    r = await client.post(
        "/v1/webhooks", json={"url": url, "events": ["job.succeeded"]}, headers=user.headers
    )
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "webhook_url_refused" and words in error["message"], error


async def test_bad_bodies_are_422(client: httpx.AsyncClient, users: MakeUser) -> None:
    user = await users()
    for body in [
        {"url": "http://127.0.0.1/", "events": []},
        {"url": "http://127.0.0.1/", "events": ["job.exploded"]},
        {"url": "http://127.0.0.1/", "events": ["job.failed"], "secret": "mine"},
        {"events": ["job.failed"]},
    ]:
        r = await client.post("/v1/webhooks", json=body, headers=user.headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "validation_error"
    r = await client.get("/v1/webhooks/not-a-uuid", headers=user.headers)
    assert r.status_code == 422


async def test_api_keys_need_the_webhooks_scope(client: httpx.AsyncClient, users: MakeUser) -> None:
    user = await users()

    async def key(scopes: list[str]) -> dict[str, str]:
        r = await client.post(
            "/v1/api-keys", json={"name": "k", "scopes": scopes}, headers=user.headers
        )
        assert r.status_code == 201, r.text
        return {"X-API-Key": r.json()["key"]}

    jobs_only, read_only, writer = (
        await key(["jobs:read", "jobs:write"]),
        await key(["webhooks:read"]),
        await key(["webhooks:read", "webhooks:write"]),
    )
    body = {"url": "http://127.0.0.1:9/hook", "events": ["job.succeeded"]}
    assert (await client.get("/v1/webhooks", headers=jobs_only)).status_code == 403
    assert (await client.get("/v1/webhooks", headers=read_only)).status_code == 200
    refused = await client.post("/v1/webhooks", json=body, headers=read_only)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    assert (await client.post("/v1/webhooks", json=body, headers=writer)).status_code == 201


async def test_test_event_is_queued_and_logged(client: httpx.AsyncClient, users: MakeUser) -> None:
    user = await users()
    hook = await _create(client, user)
    r = await client.post(f"/v1/webhooks/{hook['id']}/test", headers=user.headers)
    assert r.status_code == 202, r.text
    delivery_id = r.json()["delivery_id"]
    log = (await client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=user.headers)).json()
    [item] = log["items"]
    assert item["id"] == delivery_id and item["event_type"] == "webhook.test"
    assert item["message_id"] == "msg_" + uuid.UUID(delivery_id).hex
    assert item["status"] == "pending" and item["attempts"] == 0


# --- production rules, through the service with production settings ---------


def _production(engine: Engine) -> Engine:
    settings: Settings = engine.settings.model_copy(update={"env": "production"})
    return dataclasses.replace(engine, settings=settings)


def _principal(user: User) -> Principal:
    from types import MappingProxyType

    claims = {"sub": str(user.id), "role": "authenticated", "aud": "authenticated"}
    return Principal(user_id=user.id, email=user.email, claims=MappingProxyType(claims))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # not https
        "https://10.0.0.1/",
        "https://172.16.5.4/",
        "https://192.168.1.1/",
        "https://[::1]/",
        "https://127.0.0.1/",
        "https://0x7f000001/",
        "https://2130706433/",
        "https://127.1/",
        "https://100.64.0.1/",
        "https://[::ffff:10.0.0.1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "https://[2002:a00:1::1]/",  # 6to4 of 10.0.0.1
        "https://[fd00::1]/",
        "https://[fd00:ec2::254]/",
        "https://224.0.0.1/",
        "https://240.0.0.1/",
        "https://localhost/",
        "https://169.254.169.254/",
    ],
)
async def test_production_refuses_private_addresses(
    engine: Engine, users: MakeUser, url: str
) -> None:
    user = await users()

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    service = WebhookService(_production(engine), public)
    with pytest.raises(AddressRefused):
        await service.create(_principal(user), WebhookCreate(url=url, events=["job.succeeded"]))


@pytest.mark.parametrize(
    "answers",
    [
        ["10.1.2.3"],
        ["127.0.0.1"],
        ["93.184.215.14", "192.168.0.7"],  # one bad address among good ones
        ["::ffff:169.254.169.254"],
        ["fe80::1%eth0"],
    ],
)
async def test_production_refuses_names_that_resolve_to_private_addresses(
    engine: Engine, users: MakeUser, answers: list[str]
) -> None:
    user = await users()

    async def resolver(host: str, port: int) -> list[str]:
        assert host == "hooks.example.com" and port == 443
        return answers

    service = WebhookService(_production(engine), resolver)
    body = WebhookCreate(url="https://hooks.example.com/in", events=["job.succeeded"])
    with pytest.raises(AddressRefused) as refused:
        await service.create(_principal(user), body)
    assert "hooks.example.com" in refused.value.message


async def test_production_accepts_public_https(engine: Engine, users: MakeUser) -> None:
    user = await users()

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]

    service = WebhookService(_production(engine), resolver)
    created = await service.create(
        _principal(user),
        WebhookCreate(url="https://hooks.example.com/in", events=["job.succeeded"]),
    )
    assert created.url == "https://hooks.example.com/in"
