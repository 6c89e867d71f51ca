"""/v1/projects end to end: commits from soundstage.uploads, history with branches and a
merge, diff, checkout, fork, members, and every role and visibility through
the routes (another user's private project is 404)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from support import User

MakeUser = Callable[[], Awaitable[User]]
Upload = Callable[[User, float], Awaitable[str]]
NewProject = Callable[..., Awaitable[dict[str, Any]]]
Commit = Callable[..., Awaitable[dict[str, Any]]]


async def test_commit_history_branches_merge_and_diff(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    upload: Upload,
    new_project: NewProject,
    commit: Commit,
) -> None:
    alice = await make_user()
    project = await new_project(alice, genre="synthwave")
    pid = project["id"]
    assert project["access"] == "owner" and project["link_token"]

    mix1 = await upload(alice, 220)
    c1 = await commit(
        alice, pid, message="first", bpm=100, files=[{"role": "mix", "upload_id": mix1}]
    )
    assert [f["role"] for f in c1["files"]] == ["mix"]
    assert c1["files"][0]["url"].startswith("http://testserver/storage/v1/object/sign/renders/")
    # the signed URL serves the bytes
    r = await client.get(c1["files"][0]["url"])
    assert r.status_code == 200 and r.content[:4] == b"RIFF"

    drums = await upload(alice, 330)
    c2 = await commit(alice, pid, message="drums", files=[{"role": "drums", "upload_id": drums}])
    # the mix is kept by reference: same object
    assert {f["role"]: f["sha256"] for f in c2["files"]}["mix"] == c1["files"][0]["sha256"]
    assert c2["bpm"] == 100 and c2["parent_id"] == c1["id"]

    # a branch from c1, a commit on it, then a merge into main
    r = await client.post(
        f"/v1/projects/{pid}/branches",
        json={"name": "idea/bass", "from_commit": c1["id"]},
        headers=alice.headers,
    )
    assert r.status_code == 201, r.text
    bass = await upload(alice, 440)
    c3 = await commit(
        alice, pid, branch="idea/bass", message="bass", files=[{"role": "bass", "upload_id": bass}]
    )
    assert c3["parent_id"] == c1["id"]
    c4 = await commit(
        alice,
        pid,
        message="merge bass",
        merge_parent_id=c3["id"],
        files=[{"role": "bass", "upload_id": bass}],
    )
    assert c4["parent_id"] == c2["id"] and c4["second_parent_id"] == c3["id"]

    r = await client.get(f"/v1/projects/{pid}/history", headers=alice.headers)
    assert r.status_code == 200
    graph = r.json()
    assert [c["id"] for c in graph["commits"]] == [c1["id"], c2["id"], c3["id"], c4["id"]]
    parents = {c["id"]: c["parents"] for c in graph["commits"]}
    assert parents == {
        c1["id"]: [],
        c2["id"]: [c1["id"]],
        c3["id"]: [c1["id"]],
        c4["id"]: [c2["id"], c3["id"]],
    }
    assert {b["name"]: b["head_id"] for b in graph["branches"]} == {
        "main": c4["id"],
        "idea/bass": c3["id"],
    }

    # committing on a stale parent is refused: no commit is lost
    r = await client.post(
        f"/v1/projects/{pid}/commits",
        json={"parent_id": c2["id"], "message": "stale"},
        headers=alice.headers,
    )
    assert r.status_code == 409

    r = await client.get(
        f"/v1/projects/{pid}/diff", params={"from": c1["id"], "to": c4["id"]}, headers=alice.headers
    )
    assert r.status_code == 200
    d = r.json()
    assert {(f["role"], f["change"]) for f in d["files"]} == {
        ("drums", "added"),
        ("bass", "added"),
    }
    assert d["unchanged"] == ["mix"]
    assert d["params"]["message"] == {"from": "first", "to": "merge bass"}

    # checkout: signed URLs, or one zip
    r = await client.get(f"/v1/projects/{pid}/checkout", headers=alice.headers)
    assert r.status_code == 200 and r.json()["commit_id"] == c4["id"]
    assert {f["role"] for f in r.json()["files"]} == {"mix", "drums", "bass"}
    r = await client.get(
        f"/v1/projects/{pid}/checkout",
        params={"ref": "idea/bass", "format": "zip"},
        headers=alice.headers,
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(r.content)).namelist()) == ["bass.wav", "mix.wav"]

    # move and delete a branch; the default one stays
    r = await client.patch(
        f"/v1/projects/{pid}/branches/idea/bass", json={"head_id": c4["id"]}, headers=alice.headers
    )
    assert r.status_code == 200 and r.json()["head_id"] == c4["id"]
    r = await client.delete(f"/v1/projects/{pid}/branches/main", headers=alice.headers)
    assert r.status_code == 409
    r = await client.delete(f"/v1/projects/{pid}/branches/idea/bass", headers=alice.headers)
    assert r.status_code == 204


async def test_roles_and_visibility_through_routes(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    upload: Upload,
    new_project: NewProject,
    commit: Commit,
) -> None:
    owner, viewer, editor, stranger = [await make_user() for _ in range(4)]
    project = await new_project(owner)
    pid = project["id"]
    c1 = await commit(owner, pid, files=[{"role": "mix", "upload_id": await upload(owner, 500)}])

    reads = [
        f"/v1/projects/{pid}",
        f"/v1/projects/{pid}/history",
        f"/v1/projects/{pid}/branches",
        f"/v1/projects/{pid}/members",
        f"/v1/projects/{pid}/commits/{c1['id']}",
        f"/v1/projects/{pid}/checkout",
        f"/v1/projects/{pid}/diff?from={c1['id']}&to={c1['id']}",
    ]
    writes: list[tuple[str, str, dict[str, object]]] = [
        ("PATCH", f"/v1/projects/{pid}", {"name": "x"}),
        ("POST", f"/v1/projects/{pid}/commits", {"message": "x"}),
        ("POST", f"/v1/projects/{pid}/branches", {"name": "b"}),
        ("POST", f"/v1/projects/{pid}/members", {"email": "a@b.c"}),
        ("POST", f"/v1/projects/{pid}/fork", {}),
        ("DELETE", f"/v1/projects/{pid}", {}),
    ]

    async def statuses(user: User, headers: dict[str, str] | None = None) -> list[int]:
        h = {**user.headers, **(headers or {})}
        out = [(await client.get(u, headers=h)).status_code for u in reads]
        for method, url, body in writes:
            kw = {"json": body} if method != "DELETE" else {}
            out.append((await client.request(method, url, headers=h, **kw)).status_code)  # type: ignore[arg-type]
        return out

    # private: a stranger sees nothing at all, on every route
    assert await statuses(stranger) == [404] * (len(reads) + len(writes))

    for who, role in ((viewer, "viewer"), (editor, "editor")):
        r = await client.post(
            f"/v1/projects/{pid}/members", json={"email": who.email, "role": role},
            headers=owner.headers,
        )  # fmt: skip
        assert r.status_code == 201, r.text
    # a viewer reads and forks, never writes
    assert await statuses(viewer) == [200] * len(reads) + [403, 403, 403, 403, 201, 403]
    # an editor also commits and branches
    r = await client.post(
        f"/v1/projects/{pid}/commits", json={"message": "e"}, headers=editor.headers
    )
    assert r.status_code == 201
    r = await client.post(
        f"/v1/projects/{pid}/branches", json={"name": "ed"}, headers=editor.headers
    )
    assert r.status_code == 201
    r = await client.patch(f"/v1/projects/{pid}", json={"name": "x"}, headers=editor.headers)
    assert r.status_code == 403

    # shared with me / mine lists
    r = await client.get("/v1/projects", params={"scope": "shared"}, headers=viewer.headers)
    assert [p["id"] for p in r.json()["items"]] == [pid]
    assert r.json()["items"][0]["access"] == "reader" and r.json()["items"][0]["link_token"] is None
    r = await client.get("/v1/projects", params={"scope": "mine"}, headers=viewer.headers)
    assert pid not in [p["id"] for p in r.json()["items"]]

    # a member removed mid-session loses access on the very next request
    r = await client.delete(f"/v1/projects/{pid}/members/{viewer.id}", headers=owner.headers)
    assert r.status_code == 204
    assert (await client.get(f"/v1/projects/{pid}", headers=viewer.headers)).status_code == 404

    # unlisted: readable with the link token, 404 without
    r = await client.patch(
        f"/v1/projects/{pid}", json={"visibility": "unlisted"}, headers=owner.headers
    )
    token = r.json()["link_token"]
    assert (await client.get(f"/v1/projects/{pid}", headers=stranger.headers)).status_code == 404
    got = await statuses(stranger, {"X-Project-Token": token})
    # the token lets its holder read and fork; write routes do not take it at all
    assert got == [200] * len(reads) + [404, 404, 404, 404, 201, 404]
    r = await client.get(f"/v1/projects/{pid}/history?link_token={token}", headers=stranger.headers)
    assert r.status_code == 200
    # a rotated token stops the old link
    r = await client.patch(
        f"/v1/projects/{pid}", json={"rotate_link_token": True}, headers=owner.headers
    )
    assert r.json()["link_token"] != token
    r = await client.get(
        f"/v1/projects/{pid}", headers={**stranger.headers, "X-Project-Token": token}
    )
    assert r.status_code == 404

    # public: any signed-in user reads and forks, and finds it in the public list
    await client.patch(f"/v1/projects/{pid}", json={"visibility": "public"}, headers=owner.headers)
    assert await statuses(stranger) == [200] * len(reads) + [403, 403, 403, 403, 201, 403]
    r = await client.get(
        "/v1/projects", params={"scope": "public", "limit": 100}, headers=stranger.headers
    )
    assert pid in [p["id"] for p in r.json()["items"]]
    assert (await client.get(f"/v1/projects/{pid}")).status_code == 401

    # the owner deletes; it is gone for everyone
    assert (await client.delete(f"/v1/projects/{pid}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"/v1/projects/{pid}", headers=owner.headers)).status_code == 404


async def test_list_pagination_and_fork_shares_objects(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    upload: Upload,
    new_project: NewProject,
    commit: Commit,
) -> None:
    alice, bob = await make_user(), await make_user()
    ids = [(await new_project(alice, name=f"p{i}"))["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await client.get("/v1/projects", params=params, headers=alice.headers)
        assert r.status_code == 200
        seen += [p["id"] for p in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]

    pid = ids[0]
    await client.patch(f"/v1/projects/{pid}", json={"visibility": "public"}, headers=alice.headers)
    a = await commit(
        alice, pid, message="a", files=[{"role": "mix", "upload_id": await upload(alice, 610)}]
    )
    b = await commit(
        alice, pid, message="b", files=[{"role": "vocals", "upload_id": await upload(alice, 620)}]
    )
    await commit(alice, pid, message="c (not forked)")
    r = await client.post(
        f"/v1/projects/{pid}/fork",
        json={"commit_id": b["id"], "name": "remix"},
        headers=bob.headers,
    )
    assert r.status_code == 201, r.text
    fork = r.json()
    assert fork["owner_id"] == str(bob.id) and fork["forked_from_commit"] == b["id"]
    assert fork["visibility"] == "private" and fork["access"] == "owner"
    r = await client.get(f"/v1/projects/{fork['id']}/history", headers=bob.headers)
    graph = r.json()
    assert [c["message"] for c in graph["commits"]] == ["a", "b"]
    head = graph["branches"][0]["head_id"]
    r = await client.get(f"/v1/projects/{fork['id']}/commits/{head}", headers=bob.headers)
    assert {f["sha256"] for f in r.json()["files"]} == {f["sha256"] for f in b["files"]}
    # the original's owner cannot see bob's private fork
    assert (
        await client.get(f"/v1/projects/{fork['id']}", headers=alice.headers)
    ).status_code == 404
    # a bad cursor is a 422
    r = await client.get("/v1/projects", params={"cursor": "nope"}, headers=alice.headers)
    assert r.status_code == 422
    assert a["id"] != head


async def test_members_invite_promote_leave(
    client: httpx.AsyncClient, make_user: MakeUser, new_project: NewProject
) -> None:
    owner, bob, carol = await make_user(), await make_user(), await make_user()
    pid = (await new_project(owner))["id"]
    url = f"/v1/projects/{pid}/members"
    r = await client.post(url, json={"email": "nobody@example.com"}, headers=owner.headers)
    assert r.status_code == 422 and "signed up" in r.json()["error"]["message"]
    r = await client.post(url, json={"email": owner.email, "role": "editor"}, headers=owner.headers)
    assert r.status_code == 422
    r = await client.post(url, json={"email": bob.email.upper()}, headers=owner.headers)
    assert r.status_code == 201 and r.json()["role"] == "viewer"
    # promoted to owner, bob may invite (but not delete the project)
    r = await client.patch(f"{url}/{bob.id}", json={"role": "owner"}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["role"] == "owner"
    r = await client.post(url, json={"email": carol.email, "role": "editor"}, headers=bob.headers)
    assert r.status_code == 201
    assert (await client.delete(f"/v1/projects/{pid}", headers=bob.headers)).status_code == 403
    r = await client.get(url, headers=carol.headers)
    assert {m["user_id"]: m["role"] for m in r.json()["items"]} == {
        str(bob.id): "owner",
        str(carol.id): "editor",
    }
    # carol leaves on her own; then the project is gone for her
    assert (await client.delete(f"{url}/{carol.id}", headers=carol.headers)).status_code == 204
    assert (await client.get(f"/v1/projects/{pid}", headers=carol.headers)).status_code == 404
    r = await client.patch(f"{url}/{carol.id}", json={"role": "viewer"}, headers=owner.headers)
    assert r.status_code == 404
