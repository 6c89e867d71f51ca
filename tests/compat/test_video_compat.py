"""The story-video frontend's API (surface ``video``), driven under Node by
that frontend's calls against a real server (uvicorn on a free port) and a
real worker, plus the isolation rules checked with httpx."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn

from live_engine import free_port
from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from soundstage.worker import Worker
from support import User, wait_for_status

HERE = Path(__file__).parent
MakeUser = Callable[[], Awaitable[User]]


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[tuple[str, str]]:
    """The app on a real port, anonymous compat calls mapped to a fresh user."""
    email = f"frontend-{uuid.uuid4().hex[:10]}@example.com"
    app_settings = settings.model_copy(
        update={"compat_anonymous_email": email, "cors_origins": ["http://localhost:5173"]}
    )
    port = free_port()
    app = create_app(app_settings, pipelines=TEST_KINDS)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    for _ in range(200):
        if srv.started:
            break
        await asyncio.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}", email
    srv.should_exit = True
    await asyncio.wait_for(task, 30)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_frontend_makes_a_video_under_node(
    server: tuple[str, str], worker: Worker, dsn: str
) -> None:
    base, email = server
    # The guide's own request body, shortened (half a minute, three scenes) and
    # with small frames so the test stays quick; the rest is as the form sends it.
    body = {
        "topic": "The Vanishing Lighthouse", "story_type": "scary_horror",
        "image_style": "cinematic", "image_mode": "ai_only", "voice_id": "male_narrator_deep",
        "duration": 0.5, "hook_intensity": "extreme", "pacing": "dynamic", "num_scenes": 3,
        "characters": [{"name": "Sarah",
                        "description": "25 years old, brown hair, terrified expression"}],
        "manual_image_paths": [], "stock_keywords": ["lighthouse", "ocean", "storm"],
        "resolution": "480p",
    }  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        "node", str(HERE / "frontends" / "video.mjs"), base, json.dumps(body),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 300)
    assert proc.returncode == 0, stderr.decode()
    out = json.loads(stdout)

    assert out["health"] == {"status": 200, "body": {"status": "ok"}}
    assert out["preflight"]["status"] == 200
    assert out["preflight"]["allowOrigin"] == "http://localhost:5173"
    assert "POST" in out["preflight"]["allowMethods"]
    assert out["started"]["status"] == 200
    assert out["started"]["body"]["status"] == "generating"
    job_id = out["started"]["body"]["job_id"]
    uuid.UUID(job_id)

    final = out["final"]
    assert final["status"] == "complete", out["progress"][-3:]
    assert final["progress"] == 100 and final["substatus"] == "Video ready for download"
    assert final["video_path"] == f"video_{job_id}.mp4"
    generating = [p for p in out["progress"] if p["status"] == "generating"]
    assert all(0 <= p["progress"] <= 100 and "substatus" in p for p in generating)
    values = [p["progress"] for p in out["progress"]]
    assert values == sorted(values), values

    assert out["range"]["status"] == 206
    assert out["range"]["contentType"] == "video/mp4"
    assert out["range"]["contentRange"].startswith("bytes 0-99/")
    assert out["range"]["length"] == 100 and out["range"]["box"] == "ftyp"
    assert out["whole"]["status"] == 200 and out["whole"]["acceptRanges"] == "bytes"
    assert out["whole"]["length"] == int(out["range"]["contentRange"].split("/")[1])
    assert out["missing"]["status"] == 404

    # the male voice name picked the male local voice when there is one
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "select j.params, u.email from soundstage.jobs j join auth.users u on u.id = j.user_id"
            " where j.id = $1",
            job_id,
        )
    finally:
        await conn.close()
    assert row is not None and row["email"] == email  # the development anonymous user
    params = json.loads(row["params"])
    assert params["voice_id"] in ("local:piper-joe", "local:hibari-us-female")
    assert params["resolution"] == "480p" and params["num_scenes"] == 3


async def test_progress_and_files_are_the_callers_own(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    alice, bob = await make_user(), await make_user()
    r = await client.get("/api/progress", headers=bob.headers)
    assert r.status_code == 200 and r.json() == {"status": "idle", "progress": 0}
    script = [{"narration": f"Scene number {i}, short and sweet."} for i in (1, 2, 3)]
    r = await client.post(
        "/api/generate-video",
        json={"topic": "Mine", "script": script, "music": False, "resolution": "480p",
              "subtitles": "burned", "voice_id": "female_soft"},
        headers=alice.headers,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    job_id = r.json()["job_id"]
    done = await wait_for_status(client, alice, job_id, {"succeeded", "failed"}, within=120)
    assert done["status"] == "succeeded", done

    mine = await client.get("/api/progress", headers=alice.headers)
    assert mine.json()["status"] == "complete"
    name = mine.json()["video_path"]
    got = await client.get(f"/api/video/{name}", headers={**alice.headers, "Range": "bytes=10-19"})
    assert got.status_code == 206 and len(got.content) == 10
    # Bob sees neither Alice's progress nor her file
    assert (await client.get("/api/progress", headers=bob.headers)).json()["status"] == "idle"
    assert (await client.get(f"/api/video/{name}", headers=bob.headers)).status_code == 404
    assert (
        await client.get("/api/video/../../etc/passwd", headers=alice.headers)
    ).status_code == 404
    assert (await client.get("/api/video/video_nope.mp4", headers=alice.headers)).status_code == 404
    # no credentials and no anonymous user configured: refused
    assert (await client.get("/api/progress")).status_code == 401
    bad = await client.post("/api/generate-video", json={"topic": "x", "num_scenes": 99},
                            headers=alice.headers)  # fmt: skip
    assert bad.status_code == 422


async def test_api_keys_need_the_jobs_scope(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    owner = await make_user()
    r = await client.post(
        "/v1/api-keys", json={"name": "video fe", "scopes": ["jobs:read"]}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    key = {"X-API-Key": r.json()["key"]}
    progress = await client.get("/api/progress", headers=key)
    assert progress.status_code == 200 and progress.json() == {"status": "idle", "progress": 0}
    start = await client.post("/api/generate-video", json={"topic": "x"}, headers=key)
    assert start.status_code == 403 and "jobs:write" in start.text
