"""A verified token whose user was deleted (Supabase keeps access tokens valid
for up to an hour) gets 401 user_not_found on every route that touches the
database, reads included; the check rides on the statement that installs the
request's identity, so it costs no extra round trip."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from soundstage.db.errors import USER_NOT_FOUND_SQLSTATE
from soundstage.resources import Engine
from support import User


async def _delete(dsn: str, user: User) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("delete from auth.users where id = $1", user.id)
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/jobs", None),
        ("GET", "/v1/uploads", None),
        ("GET", "/v1/lexicon", None),
        ("GET", "/v1/usage", None),
        ("GET", "/v1/queue", None),
        ("GET", f"/v1/jobs/{uuid.uuid4()}", None),
        ("POST", "/v1/jobs", {"kind": "tone", "params": {"seconds": 1}}),
        ("POST", "/v1/lexicon", {"term": "Anne", "replacement": "Ann"}),
    ],
)
async def test_deleted_user_gets_401_user_not_found(
    client: httpx.AsyncClient,
    make_user: Callable[[], Awaitable[User]],
    dsn: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
) -> None:
    user = await make_user()
    assert (await client.get("/v1/jobs", headers=user.headers)).status_code == 200
    await _delete(dsn, user)
    r = await client.request(method, path, json=body, headers=user.headers)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "user_not_found"
    assert "Bearer" in r.headers["WWW-Authenticate"]


async def test_upload_by_a_deleted_user_is_401_not_500(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]], dsn: str
) -> None:
    user = await make_user()
    await _delete(dsn, user)
    files = {"file": ("book.txt", b"Chapter 1\n\nIt was a dark night.\n", "text/plain")}
    r = await client.post("/v1/uploads", files=files, headers=user.headers)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "user_not_found"


async def test_identity_and_existence_check_are_one_round_trip(engine: Engine) -> None:
    """A subject that is no uuid, or absent, is refused the same way (never a 500)."""
    for sub in ("not-a-uuid", "", str(uuid.uuid4())):
        with pytest.raises(asyncpg.PostgresError) as caught:
            async with engine.db.as_user({"sub": sub, "role": "authenticated"}):
                pass
        assert caught.value.sqlstate == USER_NOT_FOUND_SQLSTATE
    # the pool is healthy afterwards: no transaction left open
    async with engine.db.privileged() as conn:
        assert await conn.fetchval("select 1") == 1
