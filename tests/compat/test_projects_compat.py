"""Compatibility surface ``projects`` (the music studio frontend's API): the
frontend's own calls made with fetch under Node against a real server, and the
rules checked in-process (owner is the caller; other users' things are 404)."""

from __future__ import annotations

import asyncio
import io
import json
import math
import shutil
import struct
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from events_server import serving
from soundstage.config import Settings
from soundstage.worker import Worker
from support import User

MakeUser = Callable[[], Awaitable[User]]
SCRIPT = Path(__file__).with_name("projects_frontend.mjs")


def wav(seconds: float = 3.0, freq: float = 440.0, rate: int = 22050) -> bytes:
    frames = b"".join(
        struct.pack("<h", int(9000 * math.sin(2 * math.pi * freq * i / rate)))
        for i in range(int(seconds * rate))
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_frontend_under_node(
    settings: Settings, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    sample = tmp_path / "take.wav"
    sample.write_bytes(wav())
    async with serving(settings) as base:
        proc = await asyncio.create_subprocess_exec(
            "node", str(SCRIPT),
            env={"BASE": base, "TOKEN": user.token, "WAV": str(sample),
                 "PATH": "/usr/bin:/bin:/usr/local/bin"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 300)
        assert proc.returncode == 0, err.decode()
    seen: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    assert all(v["status"] == 200 for k, v in seen.items() if k != "statuses"), {
        k: v for k, v in seen.items() if k != "statuses" and v["status"] != 200
    }

    repo = seen["create_repo"]["body"]
    assert repo["owner_id"] == str(user.id) and set(repo) == {"id", "name", "owner_id",
                                                              "created_at"}  # fmt: skip
    assert seen["get_repo"]["body"] | {"created_at": None} == {
        "id": repo["id"], "name": "Beat tape", "description": "late night", "is_public": True,
        "genre": "lofi", "created_at": None, "owner_id": str(user.id),
    }  # fmt: skip
    up = seen["upload"]["body"]
    assert up["filename"].startswith("upload_") and up["size"] == sample.stat().st_size
    assert seen["download"]["body"]["bytes"] == sample.stat().st_size
    analysis = seen["analyze_upload"]["body"]
    assert set(analysis) == {"bpm", "key_signature", "duration"}
    assert abs(analysis["duration"] - 3.0) < 0.1 and analysis["key_signature"].endswith("or")

    assert seen["generate"]["body"]["status"] == "pending"
    assert set(seen["statuses"]) <= {"pending", "started", "progress", "success"}
    assert seen["statuses"][-1] == "success"
    status = seen["status"]["body"]
    assert set(status) == {"task_id", "status", "result", "progress", "error"}
    assert status["result"]["file_path"].startswith("/api/audio/download/")
    assert status["result"]["repo_id"] == repo["id"]
    assert seen["download_generated"]["body"]["type"] in {"audio/wav", "audio/x-wav"}

    first = seen["history_after_generate"]["body"]["commits"]
    assert len(first) == 1 and first[0]["bpm"] == 128 and first[0]["parent_id"] is None
    got = seen["get_commit"]["body"]
    assert set(got) == {"id", "message", "bpm", "key_signature", "render_url", "timestamp", "stems"}
    assert got["render_url"] and [s["type"] for s in got["stems"]] == ["midi"]
    commit = seen["commit"]["body"]
    assert commit["parent_commit_id"] == first[0]["id"] and commit["message"] == "Added 808 bass"
    manual = seen["get_manual_commit"]["body"]
    assert manual["key_signature"] == "C Major" and manual["bpm"] == 120
    assert manual["render_url"] is not None  # the mix, kept from its parent
    history = seen["history"]["body"]
    assert history["repo_id"] == repo["id"] and history["root"] == first[0]["id"]
    assert [c["parent_id"] for c in history["commits"]] == [None, first[0]["id"]]
    assert set(history["commits"][0]) == {"id", "parent_id", "message", "timestamp", "bpm",
                                          "key_signature"}  # fmt: skip

    forked = seen["fork"]["body"]
    assert forked["owner_id"] == str(user.id) and forked["name"] == "My Remix"
    assert forked["description"] == "Fork of Beat tape"
    assert seen["stems"]["body"]["status"] == "pending"
    assert seen["hum"]["body"]["status"] == "pending"
    assert seen["batch"]["body"]["count"] == 2 and len(seen["batch"]["body"]["task_ids"]) == 2


async def test_owner_is_the_caller_and_others_are_404(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    alice, bob = await make_user(), await make_user()
    r = await client.post(
        f"/api/repositories/create?owner_id={bob.id}",
        json={"name": "mine", "is_public": False},
        headers=alice.headers,
    )
    assert r.status_code == 200 and r.json()["owner_id"] == str(alice.id)
    repo = r.json()["id"]
    for url in (f"/api/repositories/{repo}", f"/api/vcs/history/{repo}"):
        assert (await client.get(url, headers=bob.headers)).status_code == 404
    r = await client.post(f"/api/vcs/commit/{repo}", json={"message": "x"}, headers=bob.headers)
    assert r.status_code == 404
    r = await client.post(
        "/api/vcs/fork",
        params={"original_repo_id": repo, "fork_name": "theft", "owner_id": str(bob.id)},
        headers=bob.headers,
    )
    assert r.status_code == 404
    # an empty repository's history, as the old API answered it
    r = await client.get(f"/api/vcs/history/{repo}", headers=alice.headers)
    assert r.json() == {"commits": [], "root": None}
    # the query-parameter fork of the old route works for the owner
    r = await client.post(
        "/api/vcs/fork", params={"original_repo_id": repo, "fork_name": "copy"},
        headers=alice.headers,
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["name"] == "copy"
    # files and tasks of others: 404; no credentials outside development: 401 on /v1 alike
    r = await client.post("/api/audio/upload", files={"file": ("a.wav", wav(0.5), "audio/wav")},
                          headers=alice.headers)  # fmt: skip
    name = r.json()["filename"]
    assert (await client.get(f"/api/audio/download/{name}", headers=bob.headers)).status_code == 404
    r = await client.get(f"/api/audio/download/{name}", headers=alice.headers)
    assert r.status_code == 307 and "/storage/v1/object/sign/uploads/" in r.headers["location"]
    r = await client.post("/api/ai/generate", json={"prompt": "x", "duration": 5},
                          headers=alice.headers)  # fmt: skip
    task = r.json()["task_id"]
    assert (await client.get(f"/api/ai/status/{task}", headers=bob.headers)).status_code == 404
    r = await client.get(f"/api/ai/status/{task}", headers=alice.headers)
    assert r.json()["status"] in {"pending", "started", "progress", "success"}
