"""Deliveries to real HTTP receivers on local ports, from the outbox the jobs
table's triggers write, signatures checked with the Standard Webhooks
reference library."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from soundstage.config import Settings
from soundstage.resources import Engine
from soundstage.webhooks import repository as repo
from soundstage.webhooks.delivery import Deliverer
from soundstage.webhooks.signing import new_secret
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status
from webhook_receiver import Receiver


@pytest.fixture
async def db(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn)
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    yield conn
    await conn.close()


async def _webhook(
    conn: asyncpg.Connection, user: User, url: str, events: list[str]
) -> tuple[uuid.UUID, str]:
    secret = new_secret()
    hook_id: uuid.UUID = await conn.fetchval(
        "insert into soundstage.webhooks (user_id, url, events, secret) "
        "values ($1, $2, $3, $4) returning id",
        user.id,
        url,
        events,
        secret,
    )
    return hook_id, secret


async def _finished_job(conn: asyncpg.Connection, user: User, status: str) -> uuid.UUID:
    """A job that runs and then reaches ``status``: two real state changes."""
    job_id: uuid.UUID = await conn.fetchval(
        "insert into soundstage.jobs (user_id, kind, status) "
        "values ($1, 'tone', 'running') returning id",
        user.id,
    )
    await conn.execute(
        "update soundstage.jobs set status = $2, finished_at = now() where id = $1", job_id, status
    )
    return job_id


def _settings(settings: Settings, **update: Any) -> Settings:
    return settings.model_copy(
        update={
            "webhook_retry_base_seconds": 0.05,
            "webhook_retry_max_seconds": 0.2,
            "webhook_poll_seconds": 0.05,
            **update,
        }
    )


@contextlib.asynccontextmanager
async def _delivering(deliverer: Deliverer) -> AsyncIterator[Deliverer]:
    stop = asyncio.Event()
    task = asyncio.create_task(deliverer.run(stop))
    try:
        yield deliverer
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _until(check: Callable[[], Awaitable[Any]], within: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.05)


async def test_a_finished_job_is_delivered_signed(
    client: httpx.AsyncClient, users: MakeUser, worker: Worker
) -> None:
    """End to end: the API registers the webhook, the worker runs the job and
    delivers its event; the reference library verifies the signature."""
    user = await users()
    with Receiver().running() as receiver:
        r = await client.post(
            "/v1/webhooks",
            json={"url": receiver.url, "events": ["job.succeeded"]},
            headers=user.headers,
        )
        assert r.status_code == 201, r.text
        hook, secret = r.json(), r.json()["secret"]
        job = await client.post(
            "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers=user.headers
        )
        assert job.status_code == 202, job.text
        await wait_for_status(client, user, job.json()["id"], {"succeeded"})
        [got] = await receiver.wait_for(1)

        event = Verifier(secret).verify(got.body, got.headers)
        assert event["type"] == "job.succeeded"
        assert event["data"]["id"] == job.json()["id"] and event["data"]["status"] == "succeeded"
        assert [o["name"] for o in event["data"]["outputs"]] == [
            o["name"]
            for o in (
                await client.get(f"/v1/jobs/{job.json()['id']}", headers=user.headers)
            ).json()["outputs"]
        ]
        assert got.headers["content-type"] == "application/json"
        assert got.headers["webhook-id"].startswith("msg_")
        # a wrong secret does not verify
        with pytest.raises(WebhookVerificationError):
            Verifier(new_secret()).verify(got.body, got.headers)

        async def logged() -> Any:
            log = await client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=user.headers)
            items = log.json()["items"]
            return items if items and items[0]["status"] == "succeeded" else None

        [item] = await _until(logged)
        assert item["response_code"] == 200 and item["attempts"] == 1
        assert item["message_id"] == got.headers["webhook-id"]
        assert item["latency_ms"] is not None and item["next_attempt_at"] is None


async def test_a_receiver_failing_three_times_gets_the_same_id_then_nothing(
    engine: Engine, settings: Settings, users: MakeUser, db: asyncpg.Connection
) -> None:
    user = await users()
    with Receiver([500, 503, 502]).running() as receiver:
        hook_id, secret = await _webhook(db, user, receiver.url, ["job.failed"])
        await _finished_job(db, user, "failed")
        deliverer = Deliverer(engine.db, _settings(settings))
        async with _delivering(deliverer):
            got = await receiver.wait_for(4)

            async def settled() -> Any:
                return await db.fetchrow(
                    "select status, attempts from soundstage.webhook_outbox "
                    "where webhook_id = $1 and status <> 'pending'",
                    hook_id,
                )

            row = await _until(settled)
        assert row["status"] == "succeeded" and row["attempts"] == 4
        assert len({r.headers["webhook-id"] for r in got}) == 1
        for r in got:
            assert Verifier(secret).verify(r.body, r.headers)["type"] == "job.failed"
        # every attempt logged, with its code
        codes = await db.fetch(
            "select status_code from soundstage.webhook_attempts where webhook_id = $1 "
            "order by attempt",
            hook_id,
        )
        assert [c["status_code"] for c in codes] == [500, 503, 502, 200]
        # nothing is due any more: a further pass sends nothing
        assert await Deliverer(engine.db, _settings(settings)).deliver_due() == 0
        assert len(receiver.received) == 4


async def test_after_the_retry_window_the_webhook_is_disabled(
    client: httpx.AsyncClient,
    engine: Engine,
    settings: Settings,
    users: MakeUser,
    db: asyncpg.Connection,
) -> None:
    user = await users()
    with Receiver(default=500).running() as receiver:
        hook_id, _ = await _webhook(db, user, receiver.url, ["job.succeeded", "job.canceled"])
        await _finished_job(db, user, "succeeded")
        deliverer = Deliverer(engine.db, _settings(settings, webhook_retry_window_seconds=0.6))
        async with _delivering(deliverer):

            async def disabled() -> Any:
                r = await client.get(f"/v1/webhooks/{hook_id}", headers=user.headers)
                return r.json() if not r.json()["enabled"] else None

            hook = await _until(disabled)
        assert hook["disabled_at"] is not None
        assert "HTTP 500" in hook["disabled_reason"] and "failed for" in hook["disabled_reason"]
        log = await client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=user.headers)
        [item] = log.json()["items"]
        assert item["status"] == "failed" and item["attempts"] >= 2
        assert item["response_code"] == 500 and item["next_attempt_at"] is None

        # disabled: later events are not queued for it, and a test is refused
        await _finished_job(db, user, "canceled")
        n = await db.fetchval(
            "select count(*) from soundstage.webhook_outbox where webhook_id = $1", hook_id
        )
        assert n == 1
        r = await client.post(f"/v1/webhooks/{hook_id}/test", headers=user.headers)
        assert r.status_code == 409
        # enabled again, it is sent events again
        r = await client.post(f"/v1/webhooks/{hook_id}/enable", headers=user.headers)
        assert r.status_code == 200 and r.json()["enabled"] and r.json()["disabled_reason"] is None
        r = await client.post(f"/v1/webhooks/{hook_id}/test", headers=user.headers)
        assert r.status_code == 202


async def test_redirects_are_not_followed(
    engine: Engine, settings: Settings, users: MakeUser, db: asyncpg.Connection
) -> None:
    user = await users()
    with Receiver([302]).running() as receiver:
        hook_id, _ = await _webhook(db, user, receiver.url, ["job.succeeded"])
        await _finished_job(db, user, "succeeded")
        assert await Deliverer(engine.db, _settings(settings)).deliver_due() == 1
        assert len(receiver.received) == 1
    row = await db.fetchrow(
        "select status, last_status_code, last_error from soundstage.webhook_outbox "
        "where webhook_id = $1",
        hook_id,
    )
    assert row["status"] == "pending" and row["last_status_code"] == 302
    assert "redirects are not followed" in row["last_error"]


async def test_a_name_is_re_resolved_and_checked_at_delivery(
    engine: Engine, settings: Settings, users: MakeUser, db: asyncpg.Connection
) -> None:
    """DNS rebinding: the name pointed somewhere public when it was registered
    and resolves to loopback now; production refuses to send, and logs why."""
    user = await users()
    with Receiver().running() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        hook_id, _ = await _webhook(
            db, user, f"https://rebind.example.com:{port}/hook", ["job.succeeded"]
        )
        await _finished_job(db, user, "succeeded")
        asked: list[tuple[str, int]] = []

        async def rebound(host: str, port: int) -> list[str]:
            asked.append((host, port))
            return ["127.0.0.1"]

        production = _settings(settings, env="production")
        assert await Deliverer(engine.db, production, resolver=rebound).deliver_due() == 1
        assert asked == [("rebind.example.com", int(port))]
        assert receiver.received == []
    row = await db.fetchrow(
        "select status, last_status_code, last_error from soundstage.webhook_outbox "
        "where webhook_id = $1",
        hook_id,
    )
    assert row["last_status_code"] is None and "127.0.0.1 is refused" in row["last_error"]
    attempt = await db.fetchrow(
        "select error from soundstage.webhook_attempts where webhook_id = $1", hook_id
    )
    assert "private, loopback" in attempt["error"]


async def test_the_checked_address_is_the_one_connected_to(
    engine: Engine, settings: Settings, users: MakeUser, db: asyncpg.Connection
) -> None:
    """A name is resolved once per attempt by our resolver, and the request goes
    to that address with the name kept in Host (no second lookup to rebind)."""
    user = await users()
    with Receiver().running() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        _, secret = await _webhook(
            db, user, f"http://receiver.test:{port}/hook?x=1", ["job.succeeded"]
        )
        await _finished_job(db, user, "succeeded")

        async def resolver(host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

        assert await Deliverer(engine.db, _settings(settings), resolver=resolver).deliver_due() == 1
        [got] = receiver.received
    assert got.headers["host"] == f"receiver.test:{port}" and got.path == "/hook?x=1"
    assert Verifier(secret).verify(got.body, got.headers)["type"] == "job.succeeded"


def _certificate(name: str) -> tuple[bytes, bytes]:
    """A self-signed certificate for ``name`` and its key, PEM."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


async def test_https_connects_to_the_checked_address_and_verifies_the_name(
    engine: Engine,
    settings: Settings,
    users: MakeUser,
    db: asyncpg.Connection,
    tmp_path: Any,
) -> None:
    """TLS to the resolved address, with the name in SNI and the certificate
    checked against the name (not the address): a certificate for another
    name is refused."""
    import ssl

    cert, key = _certificate("hooks.test")
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    trust = ssl.create_default_context(cadata=cert.decode())
    user = await users()
    with Receiver(tls=server).running() as receiver:
        good, secret = await _webhook(
            db, user, f"https://hooks.test:{receiver.port}/hook", ["job.succeeded"]
        )
        await _finished_job(db, user, "succeeded")

        async def resolver(host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

        deliverer = Deliverer(engine.db, _settings(settings), resolver=resolver, verify=trust)
        assert await deliverer.deliver_due() == 1
        [got] = receiver.received
        assert got.headers["host"] == f"hooks.test:{receiver.port}"
        assert Verifier(secret).verify(got.body, got.headers)["type"] == "job.succeeded"

        await db.execute("delete from soundstage.webhooks where id = $1", good)
        wrong, _ = await _webhook(
            db, user, f"https://wrong.test:{receiver.port}/hook", ["job.succeeded"]
        )
        await _finished_job(db, user, "succeeded")
        assert await deliverer.deliver_due() == 1
        assert len(receiver.received) == 1
    error = await db.fetchval(
        "select last_error from soundstage.webhook_outbox where webhook_id = $1", wrong
    )
    assert "CERTIFICATE_VERIFY_FAILED" in error or "certificate" in error.lower(), error


async def test_progress_events_are_throttled_per_job(
    users: MakeUser, db: asyncpg.Connection
) -> None:
    user = await users()
    hook_id, _ = await _webhook(db, user, "http://127.0.0.1:9/", ["job.progress"])
    job_id: uuid.UUID = await db.fetchval(
        "insert into soundstage.jobs (user_id, kind, status) "
        "values ($1, 'tone', 'running') returning id",
        user.id,
    )
    for percent in (10, 20, 30, 40):
        await db.execute("update soundstage.jobs set progress = $2 where id = $1", job_id, percent)
    rows = await db.fetch(
        "select data from soundstage.webhook_outbox where webhook_id = $1", hook_id
    )
    assert [r["data"]["progress"] for r in rows] == [10]
    # another job has its own 10 s
    other: uuid.UUID = await db.fetchval(
        "insert into soundstage.jobs (user_id, kind, status) "
        "values ($1, 'tone', 'running') returning id",
        user.id,
    )
    await db.execute("update soundstage.jobs set progress = 5 where id = $1", other)
    n = await db.fetchval(
        "select count(*) from soundstage.webhook_outbox where webhook_id = $1", hook_id
    )
    assert n == 2


async def test_the_cancel_route_writes_the_event(
    client: httpx.AsyncClient, users: MakeUser, db: asyncpg.Connection
) -> None:
    """The outbox row comes from the same transaction as any status change,
    the API's cancel (as the request role, under RLS) included."""
    user = await users()
    other = await users()
    hook_id, _ = await _webhook(db, user, "http://127.0.0.1:9/", ["job.canceled"])
    await _webhook(db, other, "http://127.0.0.1:9/", ["job.canceled"])
    job = await client.post(
        "/v1/jobs",
        json={"kind": "tone", "params": {"seconds": 1}},
        headers=user.headers,
    )
    r = await client.post(f"/v1/jobs/{job.json()['id']}/cancel", headers=user.headers)
    assert r.status_code == 200 and r.json()["status"] == "canceled", r.text
    rows = await db.fetch(
        "select webhook_id, event_type, data from soundstage.webhook_outbox where subject_id = $1",
        uuid.UUID(job.json()["id"]),
    )
    # only the owner's webhook gets it
    assert [(r["webhook_id"], r["event_type"]) for r in rows] == [(hook_id, "job.canceled")]


async def test_two_claimers_never_take_the_same_message(
    engine: Engine, users: MakeUser, db: asyncpg.Connection
) -> None:
    user = await users()
    hook_id, _ = await _webhook(db, user, "http://127.0.0.1:9/", ["job.succeeded"])
    for _ in range(40):
        await _finished_job(db, user, "succeeded")

    async def claim() -> set[uuid.UUID]:
        async with engine.db.privileged() as conn, conn.transaction():
            rows = await repo.claim_due(conn, limit=25, claim_seconds=60)
            await asyncio.sleep(0.2)  # hold the row locks while the other claims
            return {r["id"] for r in rows}

    a, b = await asyncio.gather(claim(), claim())
    assert not a & b and len(a | b) == 40
    await db.execute("delete from soundstage.webhooks where id = $1", hook_id)


async def test_a_commit_is_an_event_and_a_fork_is_not(
    client: httpx.AsyncClient, users: MakeUser, db: asyncpg.Connection
) -> None:
    alice, bob = await users(), await users()
    alice_hook, _ = await _webhook(db, alice, "http://127.0.0.1:9/", ["project.committed"])
    bob_hook, _ = await _webhook(db, bob, "http://127.0.0.1:9/", ["project.committed"])
    r = await client.post("/v1/projects", json={"name": "song"}, headers=alice.headers)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    await client.patch(f"/v1/projects/{pid}", json={"visibility": "public"}, headers=alice.headers)
    r = await client.post(
        f"/v1/projects/{pid}/commits", json={"message": "first take"}, headers=alice.headers
    )
    assert r.status_code == 201, r.text
    commit = r.json()
    rows = await db.fetch(
        "select event_type, data from soundstage.webhook_outbox where webhook_id = $1", alice_hook
    )
    assert [(x["event_type"], x["data"]["commit_id"]) for x in rows] == [
        ("project.committed", commit["id"])
    ]
    assert rows[0]["data"]["message"] == "first take"
    r = await client.post(f"/v1/projects/{pid}/fork", json={"name": "remix"}, headers=bob.headers)
    assert r.status_code == 201, r.text
    n = await db.fetchval(
        "select count(*) from soundstage.webhook_outbox where webhook_id = $1", bob_hook
    )
    assert n == 0


async def test_old_finished_messages_are_purged(
    engine: Engine, settings: Settings, users: MakeUser, db: asyncpg.Connection
) -> None:
    user = await users()
    hook_id, _ = await _webhook(db, user, "http://127.0.0.1:9/", ["job.succeeded"])
    for status, age in [("succeeded", 31), ("failed", 40), ("pending", 45), ("succeeded", 2)]:
        await db.execute(
            "insert into soundstage.webhook_outbox "
            "(webhook_id, user_id, event_type, data, status, created_at) "
            "values ($1, $2, 'job.succeeded', '{}', $3, now() - make_interval(days => $4))",
            hook_id,
            user.id,
            status,
            age,
        )
    assert await Deliverer(engine.db, settings).purge() >= 2
    rows = await db.fetch(
        "select status from soundstage.webhook_outbox where webhook_id = $1 order by created_at",
        hook_id,
    )
    assert [r["status"] for r in rows] == ["pending", "succeeded"]


async def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(
    client: httpx.AsyncClient,
    engine: Engine,
    settings: Settings,
    users: MakeUser,
    db: asyncpg.Connection,
) -> None:
    """A receiver still on the old key keeps verifying for the overlap (a second
    signature, the scheme's rotation); after it only the new key verifies."""
    user = await users()
    with Receiver().running() as receiver:
        created = await client.post(
            "/v1/webhooks",
            json={"url": receiver.url, "events": ["job.succeeded"]},
            headers=user.headers,
        )
        assert created.status_code == 201, created.text
        hook_id, old = created.json()["id"], created.json()["secret"]
        rotated = await client.post(f"/v1/webhooks/{hook_id}/rotate-secret", headers=user.headers)
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        # the previous secret is no more readable than the current one
        assert (
            old not in rotated.text
            and old not in (await client.get(f"/v1/webhooks/{hook_id}", headers=user.headers)).text
        )

        deliverer = Deliverer(engine.db, _settings(settings))
        await _finished_job(db, user, "succeeded")
        async with _delivering(deliverer):
            [during] = await receiver.wait_for(1)
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        for key in (new, old):
            assert Verifier(key).verify(during.body, during.headers)["type"] == "job.succeeded"

        await db.execute(
            "update soundstage.webhooks set previous_secret_expires_at = now() - interval '1 s' "
            "where id = $1",
            uuid.UUID(hook_id),
        )
        await _finished_job(db, user, "succeeded")
        async with _delivering(deliverer):
            after = (await receiver.wait_for(2))[1]
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        assert Verifier(new).verify(after.body, after.headers)["type"] == "job.succeeded"
        with pytest.raises(WebhookVerificationError):
            Verifier(old).verify(after.body, after.headers)
