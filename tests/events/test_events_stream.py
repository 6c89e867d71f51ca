"""GET /v1/events (SSE) and /v1/ws (WebSocket): a user's job and project
events, live, resumable with Last-Event-ID, and nobody else's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import websockets

from events_server import serving
from soundstage.config import Settings
from support import User

MakeUser = Callable[[], Awaitable[User]]


async def sse_events(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    event: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "event" in event:
                yield event
            event = {}
        elif line.startswith("id: "):
            event["id"] = line[4:]
        elif line.startswith("event: "):
            event["event"] = line[7:]
        elif line.startswith("data: "):
            event["data"] = json.loads(line[6:])


async def take(
    client: httpx.AsyncClient, user: User, n: int, last_event_id: str | None = None
) -> list[dict[str, Any]]:
    headers = {**user.headers, **({"Last-Event-ID": last_event_id} if last_event_id else {})}
    got: list[dict[str, Any]] = []
    async with client.stream("GET", "/v1/events", headers=headers) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        async for e in sse_events(r):
            got.append(e)
            if len(got) == n:
                break
    return got


@pytest.fixture
async def base(settings: Settings) -> AsyncIterator[str]:
    async with serving(settings) as url:
        yield url


async def test_sse_carries_jobs_and_projects_and_resumes(base: str, make_user: MakeUser) -> None:
    alice, bob = await make_user(), await make_user()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        # what alice does once her stream is open
        async def act() -> str:
            await asyncio.sleep(0.5)
            r = await client.post("/v1/projects", json={"name": "live"}, headers=alice.headers)
            pid = r.json()["id"]
            await client.post(f"/v1/projects/{pid}/commits", json={"message": "hi"},
                              headers=alice.headers)  # fmt: skip
            await client.post("/v1/jobs", json={"kind": "tone", "params": {"seconds": 0.2}},
                              headers=alice.headers)  # fmt: skip
            # bob's doings never reach alice
            await client.post("/v1/projects", json={"name": "bob's"}, headers=bob.headers)
            return str(pid)

        acting = asyncio.create_task(act())
        events = await asyncio.wait_for(take(client, alice, 3), 30)
        pid = await acting
        kinds = [e["event"] for e in events]
        assert kinds.count("project.created") == 1
        assert "commit.created" in kinds and "job.status" in kinds
        assert all(e["data"].get("project_id") in (None, pid) for e in events)
        created = next(e for e in events if e["event"] == "commit.created")
        assert created["data"]["message"] == "hi"
        # resume after the first event: the rest again, nothing before it (the
        # two logs may interleave differently; each keeps its own order)
        again = await asyncio.wait_for(take(client, alice, 2, events[0]["id"]), 30)

        def same(e: dict[str, Any]) -> str:
            return json.dumps([e["event"], e["data"]], sort_keys=True)

        assert sorted(map(same, again)) == sorted(map(same, events[1:3]))
        r = await client.get("/v1/events", headers={**alice.headers, "Last-Event-ID": "x"})
        assert r.status_code == 422
        assert (await client.get("/v1/events")).status_code == 401


async def test_websocket_token_in_first_message(base: str, make_user: MakeUser) -> None:
    alice = await make_user()
    ws_url = base.replace("http://", "ws://") + "/v1/ws"
    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"token": "not a token"}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

    async with websockets.connect(ws_url) as ws, httpx.AsyncClient(base_url=base) as client:
        await ws.send(json.dumps({"token": alice.token}))
        ready = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ready["type"] == "ready"
        r = await client.post("/v1/projects", json={"name": "ws"}, headers=alice.headers)
        msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert msg["event"] == "project.created"
        assert msg["data"]["project_id"] == r.json()["id"]
