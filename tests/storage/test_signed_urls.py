"""Signed download URLs served by the engine (local storage), from a real
finished tone job; and the local backend's path resolution."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import asyncpg
import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.auth.tokens import mint_local_token
from soundstage.config import Settings
from soundstage.errors import BadRequest, InvalidSignature, NotFound
from soundstage.resources import Engine
from soundstage.storage import signing
from soundstage.storage.local import LocalStorage
from soundstage.worker import Worker
from support import User, wait_for_status

PREFIX = "/storage/v1/object/sign"


@dataclass(frozen=True)
class Rendered:
    user: User
    job_id: str
    url: str  # as the API returned it
    path: str  # object path inside the renders bucket
    bytes: int
    file: Path  # where local storage keeps it


@pytest.fixture(scope="module")
async def rendered(
    app_client: httpx.AsyncClient, engine: Engine, settings: Settings, dsn: str
) -> AsyncIterator[Rendered]:
    """One real tone job, rendered by a real worker, shared by this module's tests.

    (Module-scoped to render once; it builds the worker exactly as the ``worker``
    fixture does, which is function-scoped and so cannot be used here.)"""
    conn = await asyncpg.connect(dsn)
    try:
        email = f"signed-{uuid.uuid4().hex[:10]}@example.com"
        user_id = await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id", email
        )
    finally:
        await conn.close()
    user = User(user_id, email, mint_local_token(settings, user_id, email))

    worker = Worker(
        engine.db, engine.storage, settings, dsn=dsn, concurrency=2, pipelines=TEST_KINDS
    )
    task = asyncio.create_task(worker.run(grace_seconds=5))
    try:
        r = await app_client.post(
            "/v1/jobs",
            json={"kind": "tone", "params": {"frequency_hz": 330, "seconds": 1, "format": "mp3"}},
            headers=user.headers,
        )
        assert r.status_code == 202, r.text
        done = await wait_for_status(app_client, user, r.json()["id"], {"succeeded", "failed"})
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)
    assert done["status"] == "succeeded", done
    [output] = done["outputs"]  # type: ignore[misc]
    url = output["url"]
    prefix = f"{PREFIX}/renders/"
    path = urlsplit(url).path.removeprefix(prefix)
    assert path == f"{user.id}/{done['id']}/tone.mp3"
    yield Rendered(
        user=user,
        job_id=str(done["id"]),
        url=url,
        path=path,
        bytes=output["bytes"],
        file=settings.storage_root / "renders" / path,
    )


@pytest.fixture(scope="module")
def key(settings: Settings) -> bytes:
    return signing.derive_key(settings.local_jwt_secret())


def _token(url: str) -> str:
    [token] = parse_qs(urlsplit(url).query)["token"]
    return token


def _assert_json_error(r: httpx.Response, status: int | None = None) -> dict[str, str]:
    if status is None:
        assert 400 <= r.status_code < 500, (r.status_code, r.text)
    else:
        assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), r.headers
    error: dict[str, str] = r.json()["error"]
    assert error["code"] and error["message"]
    return error


# --------------------------------------------------------------- downloads


async def test_download_needs_no_auth(client: httpx.AsyncClient, rendered: Rendered) -> None:
    r = await client.get(rendered.url)
    assert r.status_code == 200
    assert r.headers["content-type"] == "audio/mpeg"
    assert "attachment" in r.headers["content-disposition"]
    assert r.content == rendered.file.read_bytes()
    assert len(r.content) == rendered.bytes


async def test_range_requests(client: httpx.AsyncClient, rendered: Rendered) -> None:
    whole = rendered.file.read_bytes()
    r = await client.get(rendered.url, headers={"Range": "bytes=0-99"})
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes 0-99/{len(whole)}"
    assert r.content == whole[:100]

    r = await client.get(rendered.url, headers={"Range": "bytes=-50"})
    assert r.status_code == 206
    assert r.content == whole[-50:]

    r = await client.get(rendered.url, headers={"Range": f"bytes={len(whole) - 10}-"})
    assert r.status_code == 206
    assert r.content == whole[-10:]

    r = await client.get(rendered.url, headers={"Range": f"bytes={len(whole) + 10}-"})
    assert r.status_code == 416
    assert whole[:100] not in r.content
    assert _assert_json_error(r, 416)["code"] == "range_not_satisfiable"
    assert r.headers["content-range"] == f"bytes */{len(whole)}"

    r = await client.get(rendered.url, headers={"Range": "pages=1-2"})
    assert _assert_json_error(r, 400)["code"] == "bad_request"


async def test_head_gives_the_headers_alone(client: httpx.AsyncClient, rendered: Rendered) -> None:
    r = await client.head(rendered.url)
    assert r.status_code == 200
    assert r.headers["content-type"] == "audio/mpeg"
    assert int(r.headers["content-length"]) == rendered.bytes
    assert r.headers["accept-ranges"] == "bytes"
    assert r.content == b""


# ------------------------------------------------------------ refused links


async def test_an_expired_link_is_refused(
    client: httpx.AsyncClient, rendered: Rendered, key: bytes
) -> None:
    token, _ = signing.sign(key, "renders", rendered.path, expires_in=-10)
    r = await client.get(f"{PREFIX}/renders/{rendered.path}", params={"token": token})
    error = _assert_json_error(r, 400)
    assert error["code"] == "invalid_signature"
    assert "expired" in error["message"]
    assert rendered.file.read_bytes()[:64] not in r.content


async def test_a_tampered_token_is_refused(client: httpx.AsyncClient, rendered: Rendered) -> None:
    token = _token(rendered.url)
    head, payload, signature = token.split(".")
    # Flip a character in the middle of the signature (the last one may only
    # carry padding bits and decode to the same bytes).
    i = len(signature) // 2
    flipped = signature[:i] + ("A" if signature[i] != "A" else "B") + signature[i + 1 :]
    for bad in (
        f"{head}.{payload}.{flipped}",
        f"{head}.{payload}.",
        f"{head}.{payload}",
        "not-a-token",
        token + "x",
    ):
        r = await client.get(f"{PREFIX}/renders/{rendered.path}", params={"token": bad})
        error = _assert_json_error(r, 400)
        assert error["code"] == "invalid_signature"
        assert rendered.file.read_bytes()[:64] not in r.content


async def test_a_forged_payload_is_refused(
    client: httpx.AsyncClient, rendered: Rendered, settings: Settings
) -> None:
    # Signed with the engine's access-token secret instead of the storage key.
    import jwt

    forged = jwt.encode(
        {"url": f"renders/{rendered.path}", "exp": 2**31}, settings.local_jwt_secret(), "HS256"
    )
    r = await client.get(f"{PREFIX}/renders/{rendered.path}", params={"token": forged})
    assert _assert_json_error(r, 400)["code"] == "invalid_signature"


async def test_a_token_only_opens_its_own_path(
    client: httpx.AsyncClient, rendered: Rendered, key: bytes, settings: Settings
) -> None:
    token = _token(rendered.url)
    # A real second object, so "not found" cannot be what stops the request.
    other_path = f"{rendered.user.id}/{uuid.uuid4()}/other.mp3"
    other = settings.storage_root / "renders" / other_path
    other.parent.mkdir(parents=True)
    other.write_bytes(b"secret bytes of another file")
    try:
        for bucket, path in (
            ("renders", other_path),
            ("uploads", rendered.path),  # same path, other bucket
            ("renders", rendered.path.replace("tone.mp3", "tone.wav")),
        ):
            r = await client.get(f"{PREFIX}/{bucket}/{path}", params={"token": token})
            assert _assert_json_error(r, 400)["code"] == "invalid_signature"
            assert b"secret bytes" not in r.content
        # while a token of its own opens it
        own, _ = signing.sign(key, "renders", other_path, 60)
        r = await client.get(f"{PREFIX}/renders/{other_path}", params={"token": own})
        assert r.status_code == 200
        assert r.content == b"secret bytes of another file"
    finally:
        other.unlink()
        other.parent.rmdir()


async def test_missing_token_is_a_json_error(client: httpx.AsyncClient, rendered: Rendered) -> None:
    _assert_json_error(await client.get(f"{PREFIX}/renders/{rendered.path}"), 422)
    _assert_json_error(await client.get(f"{PREFIX}/renders/{rendered.path}?token="), 422)


async def test_a_valid_token_for_a_missing_object_is_404(
    client: httpx.AsyncClient, rendered: Rendered, key: bytes
) -> None:
    path = f"{rendered.user.id}/{uuid.uuid4()}/gone.mp3"
    token, _ = signing.sign(key, "renders", path, 60)
    assert _assert_json_error(
        await client.get(f"{PREFIX}/renders/{path}", params={"token": token}), 404
    )["code"] == ("not_found")


@pytest.mark.parametrize(
    "raw_path",
    [
        "renders/..%2f..%2fjwt_secret",
        "renders/..%2F..%2F..%2Fetc%2Fpasswd",
        "renders/%2e%2e/%2e%2e/jwt_secret",
        "renders/%2e%2e%2f%2e%2e%2fjwt_secret",
        "renders/{user}/..%2f..%2f..%2fjwt_secret",
        "renders/%2fetc%2fpasswd",
        "renders/{user}/%252e%252e%252f%252e%252e%252fjwt_secret",
        "renders/{user}/..%5c..%5cjwt_secret",
        "renders/{user}/x%00/tone.mp3",
        "..%2fjwt_secret/x",
        "%2e%2e/renders/{user}/x",
        "uploads/..%2frenders%2f{user}%2f{job}%2ftone.mp3",
    ],
)
async def test_path_traversal_is_refused_even_with_a_matching_token(
    client: httpx.AsyncClient,
    rendered: Rendered,
    key: bytes,
    settings: Settings,
    raw_path: str,
) -> None:
    """Every attempt gets a 4xx JSON error: with a token for another path, and
    even with a *valid* token signed for the traversal path itself (the second
    line of defence: the path check in storage)."""
    raw_path = raw_path.format(user=rendered.user.id, job=rendered.job_id)
    secret = (settings.data_path / "jwt_secret").read_bytes()
    decoded = unquote(raw_path)  # what the route sees
    bucket, _, path = decoded.partition("/")
    forged_for_path, _ = signing.sign(key, bucket, path, 60)
    for token in (_token(rendered.url), forged_for_path):
        r = await client.get(f"{PREFIX}/{raw_path}?token={quote(token)}")
        _assert_json_error(r)
        assert secret not in r.content
        assert rendered.file.read_bytes()[:64] not in r.content


# ------------------------------------------------------- LocalStorage.resolve


@pytest.fixture
def local(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "storage", "a-test-secret")


def test_resolve_keeps_plain_paths_inside_the_bucket(local: LocalStorage) -> None:
    user, owner = uuid.uuid4(), uuid.uuid4()
    target = local.resolve("renders", f"{user}/{owner}/tone.mp3")
    assert target == local.root / "renders" / str(user) / str(owner) / "tone.mp3"
    assert local.resolve("uploads", "a/b").is_relative_to(local.root / "uploads")


@pytest.mark.parametrize(
    ("bucket", "path"),
    [
        ("renders", "../uploads/a/b"),
        ("renders", "a/../../x"),
        ("renders", "a/b/../../../etc/passwd"),
        ("renders", "/etc/passwd"),
        ("renders", "a//b"),
        ("renders", "a/b/"),
        ("renders", "a/./b"),
        ("renders", "a/.hidden"),
        ("renders", "a/b\\..\\..\\x"),
        ("renders", "a/b\x00c"),
        ("renders", "a/b%2f..%2fc"),
        ("renders", "single-segment"),
        ("renders", ""),
        ("renders", "a/" + "b" * 129),
        ("..", "renders/a/b"),
        ("", "a/b"),
        ("other", "a/b"),
        ("renders/..", "a/b"),
        ("Renders", "a/b"),
    ],
)
def test_resolve_refuses_escapes(local: LocalStorage, bucket: str, path: str) -> None:
    with pytest.raises(BadRequest):
        local.resolve(bucket, path)


def test_resolve_refuses_symlinks_out_of_the_bucket(local: LocalStorage, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    user_dir = local.root / "renders" / "user"
    user_dir.mkdir(parents=True)
    os.symlink(outside, user_dir / "link")
    with pytest.raises(NotFound):
        local.resolve("renders", "user/link/secret.txt")
    # a symlinked file too
    os.symlink(outside / "secret.txt", user_dir / "file.txt")
    with pytest.raises(NotFound):
        local.resolve("renders", "user/file.txt")
    # and into the other bucket
    (local.root / "uploads" / "u").mkdir()
    os.symlink(local.root / "uploads" / "u", user_dir / "cross")
    with pytest.raises(NotFound):
        local.resolve("renders", "user/cross/x")


async def test_storage_operations_refuse_escapes_before_touching_disk(
    local: LocalStorage, tmp_path: Path
) -> None:
    source = tmp_path / "payload.bin"
    source.write_bytes(b"payload")
    with pytest.raises(BadRequest):
        await local.put_file("renders", "../../escaped.bin", source, "application/octet-stream")
    assert not (tmp_path / "escaped.bin").exists()
    assert not (local.root / "escaped.bin").exists()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    with pytest.raises(BadRequest):
        await local.delete("renders", "../../victim.txt")
    assert victim.read_text() == "keep me"
    with pytest.raises(BadRequest):
        await local.signed_url("renders", "../x/y", expires_in=60, base_url="http://t")


def test_verify_signed_checks_the_token_before_the_file(local: LocalStorage) -> None:
    path = "u/o/a.mp3"
    target = local.root / "renders" / path
    target.parent.mkdir(parents=True)
    target.write_bytes(b"x")
    key = signing.derive_key("a-test-secret")
    good, _ = signing.sign(key, "renders", path, 60)
    assert local.verify_signed("renders", path, good) == target
    with pytest.raises(InvalidSignature):
        local.verify_signed("renders", path, signing.sign(key, "renders", "u/o/b.mp3", 60)[0])
    with pytest.raises(InvalidSignature):
        local.verify_signed(
            "renders",
            path,
            signing.sign(b"another key of 32 bytes or more!!", "renders", path, 60)[0],
        )
    with pytest.raises(InvalidSignature):
        local.verify_signed("renders", path, signing.sign(key, "renders", path, -1)[0])
