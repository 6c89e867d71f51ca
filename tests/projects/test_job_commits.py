"""A job that targets a project: its outputs become a commit when it succeeds
(music -> mix + midi, effects -> a new mix), a failed job makes none, and only
editors and owners may target a project."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from soundstage.projects.service import roles_for_outputs
from soundstage.worker import Worker
from support import User, wait_for_status

MakeUser = Callable[[], Awaitable[User]]
NewProject = Callable[..., Awaitable[dict[str, Any]]]


async def _history(client: httpx.AsyncClient, user: User, pid: str) -> dict[str, Any]:
    r = await client.get(f"/v1/projects/{pid}/history", headers=user.headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_music_then_effects_jobs_become_commits(
    client: httpx.AsyncClient, make_user: MakeUser, new_project: NewProject, worker: Worker
) -> None:
    alice = await make_user()
    pid = (await new_project(alice))["id"]
    r = await client.post(
        "/v1/jobs",
        json={
            "kind": "music",
            "params": {"duration_s": 5, "bpm": 96, "key": "A minor", "format": "wav", "seed": 7},
            "project": {"id": pid, "message": "first idea"},
        },
        headers=alice.headers,
    )
    assert r.status_code == 202, r.text
    music = r.json()
    assert music["project"] == {"id": pid, "branch": None, "message": "first idea"}
    await wait_for_status(client, alice, music["id"], {"succeeded"}, within=120)

    graph = await _history(client, alice, pid)
    assert [c["message"] for c in graph["commits"]] == ["first idea"]
    c1 = graph["commits"][0]
    assert c1["bpm"] == 96 and c1["key_signature"] == "A minor"
    r = await client.get(f"/v1/projects/{pid}/commits/{c1['id']}", headers=alice.headers)
    first = r.json()
    assert first["job_id"] == music["id"]
    files = {f["role"]: f for f in first["files"]}
    assert set(files) == {"mix", "midi"}
    assert files["mix"]["content_type"] == "audio/wav" and files["mix"]["duration_s"] > 4.5

    # effects on the committed mix: a new mix on top, the MIDI kept by reference
    r = await client.post(
        "/v1/jobs",
        json={
            "kind": "effects",
            "params": {
                "source": {"job_id": music["id"], "output": "music.wav"},
                "chain": [{"type": "gain", "db": -3}],
            },
            "project": {"id": pid, "branch": "main"},
        },
        headers=alice.headers,
    )
    assert r.status_code == 202, r.text
    effects = r.json()
    await wait_for_status(client, alice, effects["id"], {"succeeded"}, within=120)
    graph = await _history(client, alice, pid)
    assert len(graph["commits"]) == 2
    c2 = graph["commits"][1]
    assert c2["parents"] == [c1["id"]] and c2["message"] == f"effects job {effects['id']}"
    r = await client.get(
        f"/v1/projects/{pid}/diff", params={"from": c1["id"], "to": c2["id"]}, headers=alice.headers
    )
    d = r.json()
    assert [(f["role"], f["change"]) for f in d["files"]] == [("mix", "changed")]
    assert d["unchanged"] == ["midi"]


async def test_a_failed_job_makes_no_commit(
    client: httpx.AsyncClient, make_user: MakeUser, new_project: NewProject, worker: Worker
) -> None:
    alice = await make_user()
    pid = (await new_project(alice))["id"]
    r = await client.post(
        "/v1/jobs",
        json={"kind": "test_steps", "params": {"steps": 1, "fail": "permanent"},
              "project": {"id": pid}},
        headers=alice.headers,
    )  # fmt: skip
    assert r.status_code == 202, r.text
    await wait_for_status(client, alice, r.json()["id"], {"failed"})
    # a job that succeeds but has nothing to commit fails too, and commits nothing
    r = await client.post(
        "/v1/jobs",
        json={"kind": "test_steps", "params": {"steps": 1}, "project": {"id": pid}},
        headers=alice.headers,
    )
    job = await wait_for_status(client, alice, r.json()["id"], {"failed", "succeeded"})
    assert job["status"] == "failed"
    assert "no audio or MIDI outputs" in job["error"]["message"]  # type: ignore[index]
    assert (await _history(client, alice, pid))["commits"] == []


async def test_only_editors_may_target_a_project(
    client: httpx.AsyncClient, make_user: MakeUser, new_project: NewProject
) -> None:
    owner, viewer, editor, stranger = [await make_user() for _ in range(4)]
    pid = (await new_project(owner, visibility="public"))["id"]
    for who, role in ((viewer, "viewer"), (editor, "editor")):
        r = await client.post(
            f"/v1/projects/{pid}/members", json={"email": who.email, "role": role},
            headers=owner.headers,
        )  # fmt: skip
        assert r.status_code == 201

    def job(branch: str | None = None) -> dict[str, Any]:
        return {
            "kind": "tone",
            "params": {"seconds": 0.5},
            "project": {"id": pid, **({"branch": branch} if branch else {})},
        }

    for who in (viewer, stranger):
        r = await client.post("/v1/jobs", json=job(), headers=who.headers)
        assert r.status_code == 422, r.text
        assert "editor access" in r.json()["error"]["message"]
    r = await client.post("/v1/jobs", json=job("nope"), headers=editor.headers)
    assert r.status_code == 422 and "no branch" in r.json()["error"]["message"]
    r = await client.post("/v1/jobs", json=job(), headers=editor.headers)
    assert r.status_code == 202
    r = await client.post(
        "/v1/jobs", json={**job(), "project": {"id": str(owner.id)}}, headers=editor.headers
    )
    assert r.status_code == 422 and "no such project" in r.json()["error"]["message"]


def test_roles_for_outputs_by_kind() -> None:
    def out(name: str, ctype: str) -> dict[str, str]:
        return {"name": name, "content_type": ctype}

    music = [out("info.json", "application/json"), out("music.mid", "audio/midi"),
             out("music.wav", "audio/wav")]  # fmt: skip
    assert {r: o["name"] for r, o in roles_for_outputs("music", music).items()} == {  # type: ignore[arg-type]
        "midi": "music.mid",
        "mix": "music.wav",
    }
    stems = [out(f"{n}.wav", "audio/wav") for n in ("bass", "drums", "other", "vocals")]
    stems.append(out("stems.json", "application/json"))
    assert sorted(roles_for_outputs("stems", stems)) == ["bass", "drums", "other", "vocals"]  # type: ignore[arg-type]
    assert list(roles_for_outputs("effects", [out("processed.wav", "audio/wav")])) == ["mix"]  # type: ignore[list-item]


async def test_stems_job_adds_the_stems_of_the_parents_mix(
    client: httpx.AsyncClient, make_user: MakeUser, new_project: NewProject, worker: Worker
) -> None:
    alice = await make_user()
    pid = (await new_project(alice))["id"]
    r = await client.post(
        "/v1/jobs",
        json={"kind": "music", "params": {"duration_s": 5, "format": "wav", "seed": 3},
              "project": {"id": pid}},
        headers=alice.headers,
    )  # fmt: skip
    music = r.json()
    await wait_for_status(client, alice, music["id"], {"succeeded"}, within=120)
    r = await client.post(
        "/v1/jobs",
        json={"kind": "stems", "params": {"source": {"job_id": music["id"], "output": "music.wav"}},
              "project": {"id": pid, "message": "split"}},
        headers=alice.headers,
    )  # fmt: skip
    assert r.status_code == 202, r.text
    job = await wait_for_status(client, alice, r.json()["id"], {"succeeded", "failed"}, within=180)
    assert job["status"] == "succeeded", job
    graph = await _history(client, alice, pid)
    assert [c["message"] for c in graph["commits"]][-1] == "split"
    head = graph["commits"][-1]["id"]
    r = await client.get(f"/v1/projects/{pid}/commits/{head}", headers=alice.headers)
    roles = {f["role"]: f for f in r.json()["files"]}
    assert set(roles) == {"mix", "midi", "drums", "bass", "vocals", "other"}
    first = await client.get(
        f"/v1/projects/{pid}/commits/{graph['commits'][0]['id']}", headers=alice.headers
    )
    mix = next(f for f in first.json()["files"] if f["role"] == "mix")
    assert roles["mix"]["sha256"] == mix["sha256"]  # the parent's mix, by reference
