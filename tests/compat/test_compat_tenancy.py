"""Every compatibility route that names a job or a user's data: another user's
job is 404 in that API's own error shape, and so is a job of another kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from support import User

MakeUser = Callable[[], Awaitable[User]]
LRC = "[00:01.00] hello there\n[00:03.00] second line"


async def _job(client: httpx.AsyncClient, user: User, kind: str, params: dict[str, object]) -> str:
    r = await client.post("/v1/jobs", json={"kind": kind, "params": params}, headers=user.headers)
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


async def test_another_users_jobs_are_404_in_each_apis_shape(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner, other = await make_user(), await make_user()
    song = await _job(client, owner, "song", {"lyrics": LRC, "style": "pop", "seconds": 95})
    book = await _job(client, owner, "audiobook", {"text": "Once upon a time.", "title": "T"})
    tone = await _job(client, owner, "tone", {"seconds": 1})
    h = other.headers
    detail = {"detail": "Job not found"}
    studio = {"success": False, "error": "Job not found"}
    cases = [
        ("GET", f"/api/v1/status/{song}", detail),
        ("GET", f"/api/v1/download/{song}", detail),
        ("GET", f"/jobs/{book}", detail),
        ("GET", f"/jobs/{book}/download", detail),
        ("DELETE", f"/jobs/{book}", detail),
        ("GET", f"/api/jobs/{tone}", studio),
    ]
    for method, path, shape in cases:
        r = await client.request(method, path, headers=h)
        assert (r.status_code, r.json()) == (404, shape), (method, path, r.text)
        # the owner sees them (a kind the surface does not make aside)
        if "api/jobs" not in path and method == "GET" and "download" not in path:
            assert (await client.request(method, path, headers=owner.headers)).status_code == 200
    # another surface's kind, and a malformed id, are as unknown as another user's job
    for method, path, shape in (
        ("GET", f"/api/v1/status/{book}", detail),
        ("GET", f"/jobs/{song}", detail),
        ("GET", "/jobs/not-a-uuid", detail),
        ("GET", "/api/v1/status/nope", detail),
        ("GET", f"/api/jobs/{song}", studio),
    ):
        r = await client.request(method, path, headers=owner.headers)
        assert (r.status_code, r.json()) == (404, shape), (method, path, r.text)
    # lists hold only the caller's own
    listed = await client.get("/jobs", headers=h)
    assert listed.status_code == 200 and listed.json() == []
    mine = await client.get("/jobs", headers=owner.headers)
    assert [j["id"] for j in mine.json()] == [book]
    assert mine.json()[0]["status"] == "pending"


async def test_without_credentials_each_api_says_401_in_its_shape(
    client: httpx.AsyncClient,
) -> None:
    # the test settings set no SOUNDSTAGE_COMPAT_ANONYMOUS_EMAIL
    r = await client.get("/api/v1/queue")
    assert r.status_code == 401 and "detail" in r.json()
    r = await client.get("/jobs")
    assert r.status_code == 401 and "detail" in r.json()
    r = await client.get("/api/jobs/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 401 and r.json()["success"] is False
    # the public routes stay public
    assert (await client.get("/api/v1/health")).status_code == 200
    assert (await client.get("/api/jobs/health")).json()["success"] is True
    root = await client.get("/", headers={"Accept": "application/json"})
    assert root.status_code == 200 and root.json()["docs"] == "/docs"
    page = await client.get("/", headers={"Accept": "text/html,*/*"})
    assert page.status_code == 307 and page.headers["location"] == "/app"
    assert (await client.get("/health")).json() == {"status": "ok"}


async def test_api_keys_work_on_the_compat_routes_with_their_scopes(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner = await make_user()
    r = await client.post(
        "/v1/api-keys", json={"name": "song fe", "scopes": ["jobs:read"]}, headers=owner.headers
    )
    key = r.json()["key"]
    q = await client.get("/api/v1/queue", headers={"X-API-Key": key})
    assert q.status_code == 200 and "queue_length" in q.json()
    g = await client.post(
        "/api/v1/generate",
        json={"lyrics": LRC, "style_prompt": "pop"},
        headers={"X-API-Key": key},
    )
    assert g.status_code == 403 and "jobs:write" in g.json()["detail"]
    u = await client.post(
        "/api/upload/audio",
        files={"file": ("a.wav", b"RIFF", "audio/wav")},
        headers={"X-API-Key": key},
    )
    assert u.status_code == 403 and u.json()["success"] is False
    await client.delete(f"/v1/api-keys/{r.json()['id']}", headers=owner.headers)
    assert (await client.get("/api/v1/queue", headers={"X-API-Key": key})).status_code == 401


async def test_studio_upload_rules_and_song_validation(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    r = await client.post(
        "/api/upload/audio",
        files={"file": ("notes.txt", b"hello", "text/plain")},
        headers=user.headers,
    )
    assert r.status_code == 400
    assert r.json() == {"success": False, "error": "Invalid file type. Allowed: .wav, .mp3, .flac"}
    # the extension passes, the content check refuses
    r = await client.post(
        "/api/upload/midi",
        files={"file": ("tune.mid", b"not midi at all", "audio/midi")},
        headers=user.headers,
    )
    assert r.status_code in (415, 422) and r.json()["success"] is False
    r = await client.post(
        "/api/v1/generate",
        json={"lyrics": LRC, "style_prompt": "pop", "audio_length": 120},
        headers=user.headers,
    )
    assert r.status_code == 422 and isinstance(r.json()["detail"], list)


async def test_the_song_apis_ten_an_hour_and_the_studios_twenty_uploads_a_minute(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    for _ in range(10):
        r = await client.post(
            "/api/v1/generate", json={"lyrics": LRC, "style_prompt": "pop"}, headers=user.headers
        )
        assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/generate", json={"lyrics": LRC, "style_prompt": "pop"}, headers=user.headers
    )
    assert r.status_code == 429
    assert r.json()["detail"].startswith("rate limit exceeded: 10 generations per hour")
    assert int(r.headers["Retry-After"]) > 300  # one more comes back after 6 minutes
    # status polling is not charged
    assert (await client.get("/api/v1/queue", headers=user.headers)).status_code == 200

    for _ in range(20):
        r = await client.post(
            "/api/upload/image",
            files={"file": ("x.gif", b"GIF89a", "image/gif")},
            headers=user.headers,
        )
        assert r.status_code == 400
    r = await client.post(
        "/api/upload/image", files={"file": ("x.png", b"x", "image/png")}, headers=user.headers
    )
    assert r.status_code == 429 and r.json()["success"] is False
