"""The dashboard signed in through Supabase follows jobs by Realtime Broadcast.

Real parts: a real engine process (API + worker, ``tests/engine_with_test_kinds.py``)
on its own embedded Postgres, which gains Supabase's ``realtime.send`` (a
stand-in recording each call); a fake Supabase (``tests/fake_supabase_realtime.py``)
serving Auth's password grant and Realtime's WebSocket, fed from that database
and authorizing joins as Realtime's private channels do; headless Chromium.
The engine is configured with the fake's URL, anon key and JWT secret, so the
dashboard offers the Supabase sign-in and the engine accepts its tokens.

Checked: progress and the final state reach the page with no SSE stream opened
(the engine's ``/v1/jobs/{id}/events`` is never requested), one socket serves
the list and a job page, a dropped and refused socket falls back to SSE, and
the page returns to Realtime when the socket can join again. The protocol
itself (join payload, heartbeats, token refresh, broadcast routing, a refused
join, a dead connection) is driven in the page against the same fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from fake_supabase_realtime import REALTIME_STAND_IN, FakeSupabase, serve
from live_engine import live_engine
from soundstage.db.embedded import ensure_embedded, stop_embedded
from soundstage.db.migrate import migrate

CHROMIUM = Path(os.environ.get("SOUNDSTAGE_TEST_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )
async_api = pytest.importorskip(
    "playwright.async_api",
    reason="the playwright package is not installed (pip install playwright)",
)

REPO = Path(__file__).resolve().parents[2]
ENTRY = REPO / "tests" / "engine_with_test_kinds.py"
ARTIFACTS = REPO / "test-artifacts" / "dashboard"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ANON_KEY = "anon-key-of-the-fake-project"
PASSWORD = "correct horse battery staple"

Page = Any  # playwright's Page


@dataclass
class Stack:
    url: str  # the engine
    fake: FakeSupabase
    dsn: str


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[tuple[Path, str]]:
    """The engine's own embedded Postgres, migrated, with Supabase's realtime.send."""
    root = Path(tempfile.mkdtemp(prefix="soundstage-realtime-"))
    data = root / "data"
    dsn = await ensure_embedded(data, stop_on_exit=True)
    await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        # the database gains Realtime: the triggers look realtime.send up per call
        await conn.execute(REALTIME_STAND_IN)
    finally:
        await conn.close()
    yield root, dsn
    stop_embedded(data)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(database: tuple[Path, str]) -> Iterator[Stack]:
    """The fake Supabase, and a real `soundstage run` configured with its URL,
    anon key and JWT secret (so the dashboard offers the Supabase sign-in)."""
    root, dsn = database
    secret = secrets.token_urlsafe(48)
    fake = FakeSupabase(dsn, jwt_secret=secret, anon_key=ANON_KEY, password=PASSWORD)
    with (
        serve(fake),
        live_engine(
            root,
            {
                "DATABASE_URL": dsn,
                "SUPABASE_URL": fake.url,
                "SUPABASE_ANON_KEY": ANON_KEY,
                "SUPABASE_JWT_SECRET": secret,
            },
        ) as url,
    ):
        yield Stack(url, fake, dsn)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_api.async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


@contextlib.asynccontextmanager
async def _page(browser: Any) -> AsyncIterator[tuple[Page, list[str], list[str]]]:
    """A page, the URLs it requested, and what it reported (errors, CSP refusals)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(60_000)
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        yield page, requests, problems
    finally:
        await context.close()


async def _eventually(check: Callable[[], bool], what: str, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        await asyncio.sleep(0.1)


def _streams(requests: list[str], job_id: str) -> list[str]:
    return [u for u in requests if u.endswith(f"/v1/jobs/{job_id}/events")]


async def _sign_in(page: Page, stack: Stack, email: str) -> None:
    await page.goto(f"{stack.url}/app")
    await page.locator("#sb-email").fill(email)
    await page.locator("#sb-password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in with Supabase").click()
    await page.locator("#create-job").wait_for()
    assert await page.locator("#session .who").inner_text() == email


async def _create_steps(page: Page, steps: int, seconds: float) -> str:
    await page.get_by_label("Kind").select_option("test_steps")
    await page.locator("#form-test_steps").wait_for()
    await page.get_by_label("Steps", exact=True).fill(str(steps))
    await page.get_by_label("Step Seconds", exact=True).fill(str(seconds))
    async with page.expect_response(
        lambda r: r.url.endswith("/v1/jobs") and r.request.method == "POST"
    ) as info:
        await page.get_by_role("button", name="Create job").click()
    response = await info.value
    assert response.status == 202, await response.text()
    job_id: str = (await response.json())["id"]
    return job_id


async def _progress_moves(page: Page, selector: str) -> None:
    """The progress bar shows a value above 0 while the job still runs."""
    await page.wait_for_function(
        """sel => { const p = document.querySelector(sel);
           const host = p && p.closest('[data-status]');
           return p && host.dataset.status === 'running' && Number(p.value) > 0 }""",
        arg=selector,
    )


async def test_progress_and_final_state_by_realtime_one_socket_and_sse_fallback(
    stack: Stack, browser: Any
) -> None:
    fake = stack.fake
    seen, sockets = len(fake.frames), fake.sockets  # what other tests' pages did
    async with _page(browser) as (page, requests, problems):
        await _sign_in(page, stack, "live@example.com")
        user_id = await page.evaluate(
            "async () => (await import('/app/static/js/api.js'))"
            ".tokenClaims(JSON.parse(localStorage.getItem('soundstage.session')).access_token).sub"
        )
        topic = f"realtime:soundstage:user:{user_id}"
        await _eventually(lambda: (topic, "ok") in fake.joins, "the page joined its topic")

        # The list: progress while running, then the final state, all broadcast.
        first = await _create_steps(page, 5, 1)
        row = f'li.job[data-job-id="{first}"]'
        await _progress_moves(page, f"{row} progress")
        await page.locator(f"{row}[data-status=succeeded]").wait_for()
        assert await page.locator(f"{row} progress").get_attribute("value") == "100"
        assert await page.locator(f"{row} .stage").inner_text() == "done"
        # the output's count comes with the job fetched after the final broadcast
        await page.locator(f"{row} .job-foot", has_text="1 file").wait_for()
        await page.screenshot(path=str(ARTIFACTS / "20-realtime-list.png"))

        # A job page opened from the list: the same socket, no stream either.
        second = await _create_steps(page, 4, 1)
        await page.locator(f'li.job[data-job-id="{second}"] a.job-kind').click()
        await _progress_moves(page, ".job-page progress")
        await page.locator(".job-page[data-status=succeeded]").wait_for()
        assert await page.locator(".job-page progress").get_attribute("value") == "100"
        await page.locator(".outputs .file-name", has_text="result.txt").wait_for()
        assert _streams(requests, first) == [] and _streams(requests, second) == []
        assert fake.sockets - sockets == 1, "one socket for the list and the job page"
        joins = [f for f in fake.frames[seen:] if f["event"] == "phx_join"]
        assert len(joins) == 1 and joins[0]["topic"] == topic

        # The socket dies and Realtime refuses new ones: the list falls back to SSE.
        await page.get_by_role("link", name="All jobs").click()
        third = await _create_steps(page, 8, 1)
        row = f'li.job[data-job-id="{third}"]'
        await _progress_moves(page, f"{row} progress")
        await asyncio.to_thread(fake.kill, refuse=True)
        await _eventually(lambda: bool(_streams(requests, third)), "an SSE stream opened")
        await page.locator(f"{row}[data-status=succeeded]").wait_for()
        assert await page.locator(f"{row} progress").get_attribute("value") == "100"

        # Realtime is back: the page joins again (its backoff) and stops streaming.
        fake.refusing = False
        await _eventually(lambda: fake.joins.count((topic, "ok")) == 2, "a second join")
        fourth = await _create_steps(page, 2, 0.5)
        await page.locator(f'li.job[data-job-id="{fourth}"][data-status=succeeded]').wait_for()
        assert _streams(requests, fourth) == []
        assert not problems, problems


async def test_protocol_join_heartbeat_token_refresh_routing_refusal_and_dead_socket(
    stack: Stack, browser: Any
) -> None:
    fake = stack.fake
    seen = len(fake.frames)  # frames before this test are another page's

    def frames() -> list[dict[str, Any]]:
        return fake.frames[seen:]

    async with httpx.AsyncClient(base_url=fake.url, headers={"apikey": ANON_KEY}) as http:

        async def session(email: str) -> dict[str, Any]:
            r = await http.post(
                "/auth/v1/token?grant_type=password", json={"email": email, "password": PASSWORD}
            )
            assert r.status_code == 200, r.text
            body: dict[str, Any] = r.json()
            return body

        alice, bob = await session("alice-rt@example.com"), await session("bob-rt@example.com")
    alice_id, bob_id = alice["user"]["id"], bob["user"]["id"]
    alice_topic = f"realtime:soundstage:user:{alice_id}"
    fresh = fake.token_for(uuid.UUID(alice_id), "alice-rt@example.com", ttl=7200)

    async with _page(browser) as (page, _, problems):
        await page.goto(f"{stack.url}/app")
        await page.evaluate(
            """async ([url, anon, topic, token]) => {
              const rt = await import('/app/static/js/realtime.js');
              window.__rt = { messages: [], states: [], token, rt };
              window.__alice = new rt.RealtimeTopic({
                url: rt.socketUrl({ url, anon_key: anon }),
                topic,
                token: async () => window.__rt.token,
                onMessage: (event, payload) => window.__rt.messages.push([event, payload]),
                onState: (state) => window.__rt.states.push(state),
                heartbeatMs: 150,
                reconnectMs: [200],
              });
              window.__alice.start();
            }""",
            [fake.url, ANON_KEY, f"soundstage:user:{alice_id}", alice["access_token"]],
        )

        async def states() -> list[str]:
            got: list[str] = await page.evaluate("() => window.__rt.states")
            return got

        await page.wait_for_function("() => window.__rt.states.includes('joined')")
        join = next(f for f in frames() if f["event"] == "phx_join")
        assert join == {
            "topic": alice_topic,
            "event": "phx_join",
            "payload": {
                "config": {
                    "broadcast": {"ack": False, "self": False},
                    "presence": {"key": ""},
                    "postgres_changes": [],
                    "private": True,
                },
                "access_token": alice["access_token"],
            },
            "ref": join["ref"],
            "join_ref": join["ref"],
        }

        # Broadcasts from the database reach the topic's own socket only.
        conn = await asyncpg.connect(stack.dsn)
        try:
            for user, progress in ((bob_id, 7), (alice_id, 42)):
                await conn.execute(
                    "select realtime.send($1::jsonb, 'job.progress', $2, true)",
                    f'{{"job_id": "j-{progress}", "progress": {progress}}}',
                    f"soundstage:user:{user}",
                )
        finally:
            await conn.close()
        await page.wait_for_function("() => window.__rt.messages.length > 0")
        await page.wait_for_timeout(300)  # bob's message would have come by now
        assert await page.evaluate("() => window.__rt.messages") == [
            ["job.progress", {"job_id": "j-42", "progress": 42}]
        ]

        # Heartbeats every interval; a refreshed token goes to the joined channel.
        await page.evaluate("t => { window.__rt.token = t }", fresh)
        await _eventually(
            lambda: any(
                f["event"] == "access_token" and f["payload"] == {"access_token": fresh}
                for f in frames()
            ),
            "the new token sent",
        )
        beats = [f for f in frames() if f["topic"] == "phoenix"]
        assert len(beats) >= 2
        assert all(f["event"] == "heartbeat" and f["payload"] == {} for f in beats)
        assert (alice_topic, "error") not in fake.joins

        # Alice's token on Bob's topic: refused, the topic goes down.
        await page.evaluate(
            """([url, anon, topic]) => new Promise((resolve) => {
              const rt = window.__rt.rt;
              const t = new rt.RealtimeTopic({
                url: rt.socketUrl({ url, anon_key: anon }),
                topic,
                token: async () => window.__rt.token,
                onMessage: () => {},
                onState: (s) => { if (s === 'down') { t.stop(); resolve(); } },
              });
              t.start();
            })""",
            [fake.url, ANON_KEY, f"soundstage:user:{bob_id}"],
        )
        assert (f"realtime:soundstage:user:{bob_id}", "error") in fake.joins

        # Heartbeats unanswered: the connection is dead, down, then joined anew.
        fake.mute_heartbeats = True
        await page.wait_for_function("() => window.__rt.states.includes('down')")
        fake.mute_heartbeats = False
        await page.wait_for_function(
            "() => window.__rt.states.filter((s) => s === 'joined').length >= 2"
        )
        assert (await states())[:4] == ["connecting", "joined", "down", "connecting"]

        # Leaving says so.
        await page.evaluate("() => window.__alice.stop()")
        await _eventually(
            lambda: any(f["event"] == "phx_leave" and f["topic"] == alice_topic for f in frames()),
            "phx_leave",
        )
        assert not problems, problems
