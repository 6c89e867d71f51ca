"""Rate limits kept in Postgres: per user, per address, across API processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from live_engine import free_port
from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from soundstage.ratelimit import repository as repo
from support import MakeUser, User

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]
TONE = {"kind": "tone", "params": {"seconds": 0.1, "format": "wav"}}
NO_LIMITS = {
    f"rate_limit_{action}_{per}_minute": 0
    for action in ("jobs", "uploads", "previews")
    for per in ("per", "per_ip_per")
}


@pytest.fixture
async def limited_client(settings: Settings) -> AsyncIterator[MakeClient]:
    """A separate app with its own (low) limits; ``address`` is the client's IP."""
    stack = contextlib.AsyncExitStack()

    async def make(address: str = "192.0.2.10", **limits: int) -> httpx.AsyncClient:
        app = create_app(settings.model_copy(update={**NO_LIMITS, **limits}), pipelines=TEST_KINDS)
        await stack.enter_async_context(app.router.lifespan_context(app))
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        return await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://testserver")
        )

    async with stack:
        yield make


async def _cancel_all(client: httpx.AsyncClient, user: User) -> None:
    # queued jobs left behind would only give a later test's worker busywork
    r = await client.get(
        "/v1/jobs", params={"status": "queued", "limit": 100}, headers=user.headers
    )
    for job in r.json()["items"]:
        await client.post(f"/v1/jobs/{job['id']}/cancel", headers=user.headers)


def _upload(user: User, client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
    return client.post(
        "/v1/uploads",
        files={"file": ("notes.txt", b"A short manuscript.\n", "text/plain")},
        headers=user.headers,
    )


async def test_per_user_job_limit_answers_429_with_retry_after_and_ratelimit_headers(
    limited_client: MakeClient, make_user: MakeUser
) -> None:
    client = await limited_client(rate_limit_jobs_per_minute=3)
    alice, bob = await make_user(), await make_user()

    # no token: 401, and it costs nothing
    for _ in range(4):
        assert (await client.post("/v1/jobs", json=TONE)).status_code == 401

    remaining = []
    for _ in range(3):
        r = await client.post("/v1/jobs", json=TONE, headers=alice.headers)
        assert r.status_code == 202, r.text
        assert r.headers["RateLimit-Limit"] == "3"
        assert r.headers["RateLimit-Policy"] == '"user";q=3;w=60'
        assert r.headers["RateLimit"].startswith('"user";r=')
        assert "Retry-After" not in r.headers
        remaining.append(int(r.headers["RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]

    r = await client.post("/v1/jobs", json=TONE, headers=alice.headers)
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    # one more request is possible 60/3 = 20 s after the burst
    assert 15 <= int(r.headers["Retry-After"]) <= 20
    assert r.json()["error"]["details"] == {"retry_after": int(r.headers["Retry-After"])}
    assert r.headers["RateLimit-Remaining"] == "0"
    assert r.headers["RateLimit"].startswith('"user";r=0;t=')
    assert 55 <= int(r.headers["RateLimit-Reset"]) <= 60
    assert r.headers["X-Request-ID"]

    # the refused request made no job; another user has a quota of their own
    listed = await client.get("/v1/jobs", headers=alice.headers)
    assert len(listed.json()["items"]) == 3
    r = await client.post("/v1/jobs", json=TONE, headers=bob.headers)
    assert r.status_code == 202
    for user in (alice, bob):
        await _cancel_all(client, user)


async def test_per_address_limit_covers_every_user_behind_that_address(
    limited_client: MakeClient, make_user: MakeUser
) -> None:
    shared_ip = await limited_client("198.51.100.7", rate_limit_uploads_per_ip_per_minute=2)
    other_ip = await limited_client("198.51.100.8", rate_limit_uploads_per_ip_per_minute=2)
    alice, bob = await make_user(), await make_user()

    r = await _upload(alice, shared_ip)
    assert r.status_code == 201, r.text
    assert r.headers["RateLimit-Policy"] == '"ip";q=2;w=60'
    assert (await _upload(bob, shared_ip)).status_code == 201
    r = await _upload(alice, shared_ip)
    assert r.status_code == 429
    assert "address" in r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) >= 1
    assert (await _upload(alice, other_ip)).status_code == 201


async def test_both_scopes_are_reported_and_the_tightest_drives_the_trio(
    limited_client: MakeClient, make_user: MakeUser
) -> None:
    client = await limited_client(
        "203.0.113.9", rate_limit_uploads_per_minute=5, rate_limit_uploads_per_ip_per_minute=2
    )
    alice = await make_user()
    r = await _upload(alice, client)
    assert r.status_code == 201
    assert r.headers["RateLimit-Policy"] == '"user";q=5;w=60, "ip";q=2;w=60'
    assert r.headers["RateLimit"].startswith('"user";r=4;t=')
    assert ', "ip";r=1;t=' in r.headers["RateLimit"]
    assert (r.headers["RateLimit-Limit"], r.headers["RateLimit-Remaining"]) == ("2", "1")


async def test_zero_turns_a_limit_off(limited_client: MakeClient, make_user: MakeUser) -> None:
    client = await limited_client()  # every limit 0
    alice = await make_user()
    for _ in range(5):
        r = await _upload(alice, client)
        assert r.status_code == 201
        assert "RateLimit" not in r.headers


async def test_the_upsert_is_atomic_under_concurrency_and_replenishes(
    dsn: str, settings: Settings
) -> None:
    conns = [await asyncpg.connect(dsn) for _ in range(10)]
    try:
        # 20 requests from 10 connections at once: exactly the 5 of the burst
        # pass. (A slow interval, so no token comes back while they race, however
        # loaded the machine is.)
        slow = f"test:{uuid.uuid4()}"
        minute, five_minutes = timedelta(seconds=60), timedelta(seconds=300)

        async def two(conn: asyncpg.Connection) -> list[bool]:
            return [(await repo.hit(conn, slow, minute, five_minutes))[0] for _ in range(2)]

        results = await asyncio.gather(*(two(conn) for conn in conns))
        assert sum(sum(r) for r in results) == 5
        allowed, ahead = await repo.hit(conns[0], slow, minute, five_minutes)
        assert not allowed and 290 <= ahead <= 300

        # Replenishing: once the burst is spent, one interval later one more fits.
        key = f"test:{uuid.uuid4()}"
        interval, period = timedelta(milliseconds=100), timedelta(milliseconds=500)
        for _ in range(50):
            if not (await repo.hit(conns[0], key, interval, period))[0]:
                break
        else:
            raise AssertionError("the burst never ran out")
        await asyncio.sleep(0.12)
        assert (await repo.hit(conns[0], key, interval, period))[0]

        await asyncio.sleep(0.55)  # fully replenished: the row is prunable
        await repo.prune(conns[0])
        assert not await conns[0].fetchval(
            "select exists (select from soundstage_private.rate_limits where key = $1)", key
        )
    finally:
        for conn in conns:
            await conn.close()


async def test_two_keys_in_one_statement_charge_the_second_only_when_the_first_allows(
    dsn: str,
) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        user, address = f"test:user:{uuid.uuid4()}", f"test:ip:{uuid.uuid4()}"
        period, minute = timedelta(seconds=60), timedelta(seconds=30)  # 2 per minute each

        async def tat_of(key: str) -> Any:
            return await conn.fetchval(
                "select tat from soundstage_private.rate_limits where key = $1", key
            )

        for _ in range(2):
            answers = await repo.hit_in_turn(conn, [(user, minute), (address, minute)], period)
            assert [allowed for allowed, _ in answers] == [True, True]
        before = await tat_of(address)
        # The user's quota is spent: refused, and the address is not charged.
        answers = await repo.hit_in_turn(conn, [(user, minute), (address, minute)], period)
        assert len(answers) == 1
        allowed, ahead = answers[0]
        assert not allowed and 55 <= ahead <= 60
        assert await tat_of(address) == before
        # Another user behind the same address spends what the address has left.
        other = f"test:user:{uuid.uuid4()}"
        answers = await repo.hit_in_turn(conn, [(other, minute), (address, minute)], period)
        assert [allowed for allowed, _ in answers] == [True, False]
        # One key alone is the single upsert.
        assert (await repo.hit_in_turn(conn, [(f"test:{uuid.uuid4()}", minute)], period))[0][0]
    finally:
        await conn.close()


async def test_the_table_is_out_of_reach_of_request_roles(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for role in ("authenticated", "soundstage_api", "anon"):
            for privilege in ("select", "insert", "update", "delete"):
                assert not await conn.fetchval(
                    "select has_table_privilege($1, 'soundstage_private.rate_limits', $2)",
                    role,
                    privilege,
                ), (role, privilege)
    finally:
        await conn.close()


# ------------------------------------------------------------ two processes


@pytest.fixture
def spawn_api(dsn: str, data_dir: Path, tmp_path: Path) -> Iterator[Any]:
    procs: list[tuple[subprocess.Popen[bytes], Any]] = []

    def spawn(**env: str) -> tuple[str, Path]:
        port = free_port()
        log_path = tmp_path / f"api-{port}.log"
        log_file = log_path.open("wb")
        environ = {
            **os.environ,
            "DATABASE_URL": dsn,
            "SOUNDSTAGE_DATA_DIR": str(data_dir),
            "SOUNDSTAGE_DB_POOL_MIN": "1",
            "SOUNDSTAGE_DB_POOL_MAX": "3",
            **env,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "soundstage", "api",
             "--port", str(port), "--no-migrate"],
            env=environ,
            cwd=tmp_path,  # no stray .env
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )  # fmt: skip
        procs.append((proc, log_file))
        return f"http://127.0.0.1:{port}", log_path

    yield spawn
    for proc, log_file in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log_file.close()


async def _wait_healthy(http: httpx.AsyncClient, base: str, within: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        with contextlib.suppress(httpx.TransportError):
            if (await http.get(f"{base}/health")).status_code == 200:
                return
        if loop.time() > deadline:
            raise AssertionError(f"{base} did not become healthy")
        await asyncio.sleep(0.1)


async def test_two_api_processes_share_one_limit(
    spawn_api: Any, make_user: MakeUser, settings: Settings
) -> None:
    env = {
        "SOUNDSTAGE_RATE_LIMIT_JOBS_PER_MINUTE": "5",
        "SOUNDSTAGE_RATE_LIMIT_JOBS_PER_IP_PER_MINUTE": "100",
        "SOUNDSTAGE_LOG_FORMAT": "json",
    }
    (a, a_log), (b, b_log) = spawn_api(**env), spawn_api(**env)
    alice = await make_user()
    async with httpx.AsyncClient(timeout=10) as http:
        await asyncio.gather(_wait_healthy(http, a), _wait_healthy(http, b))
        statuses = []
        for i in range(6):
            base = (a, b)[i % 2]
            r = await http.post(
                f"{base}/v1/jobs",
                json=TONE,
                headers={**alice.headers, "X-Request-ID": f"two-proc-{i}"},
            )
            statuses.append(r.status_code)
            assert r.headers["X-Request-ID"] == f"two-proc-{i}"
            assert r.headers["RateLimit-Limit"] == "5"
        assert statuses == [202] * 5 + [429]
        assert 1 <= int(r.headers["Retry-After"]) <= 12
        assert r.headers["RateLimit-Remaining"] == "0"
        assert r.headers["RateLimit-Policy"].startswith('"user";q=5;w=60')

        # a signed-URL style token in a query string must not reach the log
        fake = "eyJhbGciOiJIUzI1NiJ9.eyJ1cmwiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
        await http.get(f"{a}/storage/v1/object/sign/renders/x/y/z.wav?token={fake}")
        jobs = (await http.get(f"{a}/v1/jobs", headers=alice.headers)).json()["items"]
        for job in jobs:
            await http.post(f"{b}/v1/jobs/{job['id']}/cancel", headers=alice.headers)

    await asyncio.sleep(0.2)  # let the last lines reach the files
    lines = [
        json.loads(line)
        for path in (a_log, b_log)
        for line in path.read_text().splitlines()
        if line.startswith("{")
    ]
    access = [x for x in lines if x.get("logger") == "soundstage.access"]
    ours = {x["request_id"]: x for x in access if x["request_id"].startswith("two-proc-")}
    assert set(ours) == {f"two-proc-{i}" for i in range(6)}
    assert ours["two-proc-5"]["status"] == 429
    assert ours["two-proc-0"]["route"] == "/v1/jobs"
    assert any(x.get("logger", "").startswith("uvicorn") for x in lines)  # one format for all
    text = a_log.read_text() + b_log.read_text()
    assert alice.token not in text
    assert fake not in text
