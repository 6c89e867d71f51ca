"""Direct uploads on the local backend: sign -> PUT the file to the signed URL
-> complete, with the same content rules as multipart uploads; refused files
are deleted; upload links are tokens of their own kind."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import jwt
import pytest

from soundstage.config import Settings
from soundstage.sniff import CONTENT_TYPES
from soundstage.storage import signing
from soundstage.uploads.service import _EXTENSION_CONTENT_TYPE, MAX_PENDING_UPLOADS
from support import MakeUser, User

SIGN_PREFIX = "/storage/v1/object/upload/sign/"


@pytest.fixture(scope="module")
def key(settings: Settings) -> bytes:
    return signing.derive_key(settings.local_jwt_secret())


def _error(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = r.json()["error"]
    if code is not None:
        assert error["code"] == code, error
    assert error["message"]
    return error


async def _sign(
    client: httpx.AsyncClient, user: User, filename: str, size: int, **extra: Any
) -> httpx.Response:
    return await client.post(
        "/v1/uploads/sign",
        json={"filename": filename, "bytes": size, **extra},
        headers=user.headers,
    )


async def _signed(
    client: httpx.AsyncClient, user: User, filename: str, size: int, **extra: Any
) -> dict[str, Any]:
    r = await _sign(client, user, filename, size, **extra)
    assert r.status_code == 201, r.text
    signed: dict[str, Any] = r.json()
    return signed


def _object(settings: Settings, signed: dict[str, Any]) -> Path:
    bucket_path = urlsplit(signed["upload_url"]).path.removeprefix(SIGN_PREFIX)
    return settings.storage_root / bucket_path


def _token(url: str) -> str:
    [token] = parse_qs(urlsplit(url).query)["token"]
    return token


async def _put(client: httpx.AsyncClient, signed: dict[str, Any], body: Any) -> httpx.Response:
    # Like a browser: no Authorization header, the link is the credential.
    return await client.put(signed["upload_url"], content=body, headers=signed["headers"])


async def _complete(client: httpx.AsyncClient, user: User, upload_id: str) -> httpx.Response:
    return await client.post(f"/v1/uploads/{upload_id}/complete", headers=user.headers)


async def _ids(client: httpx.AsyncClient, user: User) -> list[str]:
    r = await client.get("/v1/uploads", params={"limit": 100}, headers=user.headers)
    assert r.status_code == 200, r.text
    return [u["id"] for u in r.json()["items"]]


# --------------------------------------------------------------- happy path


async def test_sign_put_complete(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes
) -> None:
    alice = await users()
    before = datetime.now(UTC)
    signed = await _signed(client, alice, "Hero.TXT", len(book), category="manuscript")
    assert set(signed) == {"id", "upload_url", "method", "headers", "expires_at"}
    assert signed["method"] == "PUT"
    assert signed["headers"] == {"Content-Type": "text/plain"}
    url = urlsplit(signed["upload_url"])
    assert url.path == f"{SIGN_PREFIX}uploads/{alice.id}/{signed['id']}/source.txt"
    expires = datetime.fromisoformat(signed["expires_at"])
    assert abs((expires - before).total_seconds() - settings.upload_url_ttl_seconds) < 5

    # pending: not listed, not fetchable
    assert signed["id"] not in await _ids(client, alice)
    _error(await client.get(f"/v1/uploads/{signed['id']}", headers=alice.headers), 404)

    r = await _put(client, signed, book)
    assert r.status_code == 200, r.text
    assert r.json() == {"Key": f"uploads/{alice.id}/{signed['id']}/source.txt"}
    stored = _object(settings, signed)
    assert stored.read_bytes() == book
    assert [p.name for p in stored.parent.iterdir()] == ["source.txt"]  # no temp files left

    r = await _complete(client, alice, signed["id"])
    assert r.status_code == 200, r.text
    upload = r.json()
    assert upload["id"] == signed["id"]
    assert (upload["category"], upload["format"], upload["content_type"]) == (
        "manuscript",
        "txt",
        "text/plain",
    )
    assert upload["original_name"] == "Hero.TXT"
    assert upload["bytes"] == len(book)
    assert upload["sha256"] == hashlib.sha256(book).hexdigest()
    assert await _ids(client, alice) == [signed["id"]]
    assert (await client.get(upload["url"])).content == book

    # completing again is harmless: the same upload
    r = await _complete(client, alice, signed["id"])
    assert r.status_code == 200
    assert {k: v for k, v in r.json().items() if k not in {"url", "expires_at"}} == {
        k: v for k, v in upload.items() if k not in {"url", "expires_at"}
    }

    # the link cannot replace the checked file
    _error(await _put(client, signed, b"something else entirely"), 409, "conflict")
    assert stored.read_bytes() == book


async def test_a_chunked_body_is_stored(
    client: httpx.AsyncClient, users: MakeUser, corpus: Path
) -> None:
    alice = await users()
    cover = (corpus / "little-colonels-hero" / "cover.png").read_bytes()
    signed = await _signed(client, alice, "cover.png", len(cover))
    assert signed["headers"] == {"Content-Type": "image/png"}

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(cover), 7000):
            yield cover[i : i + 7000]

    assert (await _put(client, signed, chunks())).status_code == 200
    r = await _complete(client, alice, signed["id"])
    assert r.status_code == 200, r.text
    assert (r.json()["category"], r.json()["format"]) == ("image", "png")


async def test_a_multipart_body_stores_the_file_part(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes
) -> None:
    """supabase-js' uploadToSignedUrl sends a Blob as multipart form data (the
    file under "" beside cacheControl, and x-upsert): the file part is stored,
    so complete finds the declared size, not the framing's."""
    alice = await users()
    signed = await _signed(client, alice, "book.txt", len(book), category="manuscript")
    r = await client.put(
        signed["upload_url"],
        data={"cacheControl": "3600"},
        files={"": ("blob", book, "text/plain")},
        headers={"x-upsert": "false"},
    )
    assert r.status_code == 200, r.text
    assert _object(settings, signed).read_bytes() == book
    r = await _complete(client, alice, signed["id"])
    assert r.status_code == 200, r.text
    assert r.json()["bytes"] == len(book)


async def test_a_multipart_body_without_one_file_is_refused(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes
) -> None:
    alice = await users()
    signed = await _signed(client, alice, "book.txt", len(book), category="manuscript")
    # httpx sends a form without files as urlencoded; force multipart framing
    r = await client.put(
        signed["upload_url"],
        content=b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n',
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    _error(r, 400, "bad_request")
    assert not _object(settings, signed).exists()


# ---------------------------------------------------------- refused content


async def test_bad_content_is_deleted_with_its_upload(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes
) -> None:
    alice = await users()
    cases: list[tuple[str, bytes, dict[str, Any], int, str]] = [
        ("song.mp3", book[:5000], {}, 415, "named as audio"),  # text named .mp3
        ("notes.txt", b"\x00\x01\x02\x03" * 100, {}, 415, "not a recognised"),
        ("song.wav", b"RIFF\x00\x00\x00\x00WAVEjunk", {}, 415, "damaged"),
        ("empty.txt", b"", {}, 422, "empty"),
    ]
    for name, body, extra, status, words in cases:
        declared = len(body) or 10
        signed = await _signed(client, alice, name, declared, **extra)
        assert (await _put(client, signed, body)).status_code == 200
        assert _object(settings, signed).exists()
        error = _error(await _complete(client, alice, signed["id"]), status)
        assert words in error["message"], (name, error)
        assert not _object(settings, signed).exists(), name
        assert not _object(settings, signed).parent.exists(), name
        # the upload is gone: completing again is 404, the link stored nothing new
        _error(await _complete(client, alice, signed["id"]), 404, "not_found")
    assert await _ids(client, alice) == []


async def test_category_and_size_are_checked_on_the_stored_file(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes, corpus: Path
) -> None:
    alice = await users()
    # a PNG named .png but the client asked for a manuscript
    cover = (corpus / "little-colonels-hero" / "cover.png").read_bytes()
    r = await _sign(client, alice, "cover.png", len(cover), category="manuscript")
    _error(r, 415, "unsupported_media_type")

    # fewer bytes than declared (a truncated upload)
    signed = await _signed(client, alice, "hero.txt", len(book))
    assert (await _put(client, signed, book[:1000])).status_code == 200
    error = _error(await _complete(client, alice, signed["id"]), 422, "validation_error")
    assert f"has 1000 bytes but {len(book)} were declared" in error["message"]
    assert not _object(settings, signed).exists()

    # markdown content in a .txt name is still a manuscript: accepted
    signed = await _signed(client, alice, "notes.txt", 14)
    assert (await _put(client, signed, b"# Heading\n\nok\n")).status_code == 200
    assert (await _complete(client, alice, signed["id"])).json()["category"] == "manuscript"


async def test_complete_before_the_file_arrives(
    client: httpx.AsyncClient, users: MakeUser, book: bytes
) -> None:
    alice = await users()
    signed = await _signed(client, alice, "hero.txt", len(book))
    error = _error(await _complete(client, alice, signed["id"]), 409, "conflict")
    assert "upload_url" in error["message"]
    # still pending: the file can come now
    assert (await _put(client, signed, book)).status_code == 200
    assert (await _complete(client, alice, signed["id"])).status_code == 200


async def test_a_pending_upload_can_be_deleted(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes
) -> None:
    alice = await users()
    signed = await _signed(client, alice, "hero.txt", len(book))
    assert (await _put(client, signed, book)).status_code == 200
    r = await client.delete(f"/v1/uploads/{signed['id']}", headers=alice.headers)
    assert r.status_code == 204
    assert not _object(settings, signed).exists()
    _error(await _complete(client, alice, signed["id"]), 404, "not_found")


# ------------------------------------------------------------- sign refusals


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"filename": "book.exe", "bytes": 10}, 415, "unsupported_media_type"),
        ({"filename": "no-extension", "bytes": 10}, 415, "unsupported_media_type"),
        ({"filename": "track.aac", "bytes": 10}, 415, "unsupported_media_type"),
        ({"filename": "a.txt", "bytes": 10, "category": "audio"}, 415, "unsupported_media_type"),
        ({"filename": "../../etc/passwd.txt", "bytes": 10}, 422, "validation_error"),
        ({"filename": "a\x00b.txt", "bytes": 10}, 422, "validation_error"),
        ({"filename": "   ", "bytes": 10}, 422, "validation_error"),
        ({"filename": "a.txt", "bytes": 0}, 422, "validation_error"),
        ({"filename": "a.txt"}, 422, "validation_error"),
        ({"filename": "a.txt", "bytes": 10, "category": "video"}, 422, "validation_error"),
        ({"filename": "a.txt", "bytes": 10, "extra": 1}, 422, "validation_error"),
    ],
)
async def test_sign_refuses(
    client: httpx.AsyncClient,
    users: MakeUser,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    alice = await users()
    r = await client.post("/v1/uploads/sign", json=body, headers=alice.headers)
    _error(r, status, code)


async def test_sign_refuses_files_over_the_limit_of_their_type(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings
) -> None:
    alice = await users()
    limit = settings.max_upload_bytes_image
    error = _error(await _sign(client, alice, "big.png", limit + 1), 413, "payload_too_large")
    assert str(limit) in error["message"]
    assert (await _sign(client, alice, "ok.png", limit)).status_code == 201


async def test_sign_needs_a_token(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/uploads/sign", json={"filename": "a.txt", "bytes": 1})
    _error(r, 401, "unauthorized")


def test_every_direct_upload_type_is_allowed_by_the_bucket() -> None:
    # storage (Supabase) checks the PUT's Content-Type against these
    assert set(_EXTENSION_CONTENT_TYPE.values()) <= set(CONTENT_TYPES)


# ------------------------------------------------------------- the PUT route


async def test_an_oversized_put_is_refused_and_leaves_nothing(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings
) -> None:
    alice = await users()
    signed = await _signed(client, alice, "small.txt", 10)
    target = _object(settings, signed)
    # declared by Content-Length
    _error(await _put(client, signed, b"x" * 11), 413, "payload_too_large")

    # chunked, with no length: cut off while streaming
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"y" * 5

    _error(await _put(client, signed, chunks()), 413, "payload_too_large")
    assert not target.exists()
    assert not target.parent.exists()  # no empty folders, no .part files
    # the link still works for a body of the declared size
    assert (await _put(client, signed, b"0123456789")).status_code == 200


async def test_the_engine_body_limit_does_not_cap_direct_uploads_at_the_json_limit(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings
) -> None:
    alice = await users()
    size = settings.max_json_bytes + 10  # over the JSON limit, under the upload limit
    body = (b"word " * (size // 5 + 1))[:size]
    signed = await _signed(client, alice, "long.txt", size)
    assert (await _put(client, signed, body)).status_code == 200, "JSON limit applied"
    assert (await _complete(client, alice, signed["id"])).status_code == 200


async def test_upload_tokens_are_checked(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, key: bytes
) -> None:
    alice = await users()
    signed = await _signed(client, alice, "a.txt", 5)
    target = _object(settings, signed)
    bucket_path = urlsplit(signed["upload_url"]).path.removeprefix(SIGN_PREFIX)
    bucket, _, path = bucket_path.partition("/")
    token = _token(signed["upload_url"])
    head, payload, sig = token.split(".")
    i = len(sig) // 2
    tampered_sig = f"{head}.{payload}.{sig[:i]}{'A' if sig[i] != 'A' else 'B'}{sig[i + 1 :]}"
    download_token, _ = signing.sign(key, bucket, path, 60)
    expired, _ = signing.sign_upload(key, bucket, path, -10, 5)
    other_path, _ = signing.sign_upload(key, bucket, f"{alice.id}/{uuid.uuid4()}/x.txt", 60, 5)
    # same claims, signed with the access-token secret instead of the storage key
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(claims, settings.local_jwt_secret(), algorithm="HS256")
    # a payload edited to allow more bytes, with the old signature
    big = dict(claims, max_bytes=10**9)
    edited = base64.urlsafe_b64encode(json.dumps(big).encode()).rstrip(b"=").decode()
    for bad, words in (
        (tampered_sig, "not valid"),
        (f"{head}.{edited}.{sig}", "not valid"),
        ("not-a-token", "not valid"),
        (download_token, "not valid"),  # a download link cannot upload
        (expired, "expired"),
        (other_path, "another file"),
        (forged, "not valid"),
    ):
        url = f"{SIGN_PREFIX}{bucket_path}"
        r = await client.put(url, params={"token": bad}, content=b"hello")
        error = _error(r, 400, "invalid_signature")
        assert words in error["message"], (bad, error)
    _error(await client.put(f"{SIGN_PREFIX}{bucket_path}", content=b"hello"), 422)
    assert not target.exists()

    # and an upload link cannot download
    assert (await _put(client, signed, b"hello")).status_code == 200
    r = await client.get(f"/storage/v1/object/sign/{bucket_path}", params={"token": token})
    _error(r, 400, "invalid_signature")
    assert b"hello" not in r.content


async def test_put_refuses_paths_outside_the_buckets(
    client: httpx.AsyncClient, key: bytes, settings: Settings
) -> None:
    for bucket, path in (("renders", "../uploads/a/b"), ("other", "a/b"), ("uploads", "single")):
        token, _ = signing.sign_upload(key, bucket, path, 60, 5)
        r = await client.put(f"{SIGN_PREFIX}{bucket}/{path}", params={"token": token}, content=b"x")
        assert 400 <= r.status_code < 500, (bucket, path, r.status_code)
    assert not (settings.storage_root / "uploads" / "single").exists()


# ------------------------------------------------------------------ tenancy


async def test_another_users_upload_is_404(
    client: httpx.AsyncClient, users: MakeUser, book: bytes, dsn: str
) -> None:
    alice, bob = await users(), await users()
    signed = await _signed(client, alice, "hero.txt", len(book))
    assert (await _put(client, signed, book)).status_code == 200
    _error(await _complete(client, bob, signed["id"]), 404, "not_found")
    _error(await client.delete(f"/v1/uploads/{signed['id']}", headers=bob.headers), 404)
    _error(await _complete(client, bob, str(uuid.uuid4())), 404, "not_found")
    assert (await _complete(client, alice, signed["id"])).status_code == 200
    _error(await _complete(client, bob, signed["id"]), 404, "not_found")


async def test_the_frontend_role_never_sees_pending_uploads(
    client: httpx.AsyncClient, users: MakeUser, book: bytes, dsn: str
) -> None:
    alice = await users()
    pending = await _signed(client, alice, "a.txt", 10)
    ready = await _signed(client, alice, "hero.txt", len(book))
    assert (await _put(client, ready, book)).status_code == 200
    assert (await _complete(client, alice, ready["id"])).status_code == 200
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "select set_config('role', 'authenticated', true),"
                " set_config('request.jwt.claims', $1, true)",
                json.dumps({"sub": str(alice.id), "role": "authenticated"}),
            )
            rows = await conn.fetch("select id, status from soundstage.uploads")
    finally:
        await conn.close()
    assert [(str(r["id"]), r["status"]) for r in rows] == [(ready["id"], "ready")]
    assert pending["id"] != ready["id"]


# ------------------------------------------------------- unfinished uploads


async def test_unfinished_uploads_are_capped_and_swept(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, dsn: str
) -> None:
    alice = await users()
    conn = await asyncpg.connect(dsn)
    try:
        # one abandoned long ago, with a file, and enough live ones to reach the cap
        old_id = uuid.uuid4()
        old_path = f"{alice.id}/{old_id}/source.txt"
        old_file = settings.storage_root / "uploads" / old_path
        old_file.parent.mkdir(parents=True)
        old_file.write_bytes(b"abandoned")
        await conn.execute(
            """
            insert into soundstage.uploads (id, user_id, status, original_name, object_path, bytes,
                                 upload_expires_at)
            values ($1, $2, 'pending', 'old.txt', $3, 9, $4)
            """,
            old_id,
            alice.id,
            old_path,
            datetime.now(UTC) - timedelta(days=2),
        )
        for _ in range(MAX_PENDING_UPLOADS - 1):
            await conn.execute(
                """
                insert into soundstage.uploads (id, user_id, status, original_name, object_path,
                  bytes,
                                     upload_expires_at)
                values ($1, $2, 'pending', 'live.txt', $3, 9, now() + interval '1 hour')
                """,
                (live := uuid.uuid4()),
                alice.id,
                f"{alice.id}/{live}/source.txt",
            )
        # the abandoned one is swept first, so one more fits
        assert (await _sign(client, alice, "a.txt", 5)).status_code == 201
        assert not old_file.exists()
        assert (
            await conn.fetchval("select count(*) from soundstage.uploads where id = $1", old_id)
            == 0
        )
        error = _error(await _sign(client, alice, "b.txt", 5), 409, "conflict")
        assert str(MAX_PENDING_UPLOADS) in error["message"]
        # another user is not affected
        bob = await users()
        assert (await _sign(client, bob, "a.txt", 5)).status_code == 201
    finally:
        await conn.close()


async def test_only_the_owner_can_complete_at_the_database_level(
    client: httpx.AsyncClient, users: MakeUser, dsn: str
) -> None:
    """The update policy and column grants of the direct-uploads migration."""
    alice, bob = await users(), await users()
    signed = await _signed(client, alice, "a.txt", 10)
    conn = await asyncpg.connect(dsn)

    async def as_role(role: str, user: User, sql: str) -> str:
        async with conn.transaction():
            await conn.execute(
                "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
                role,
                json.dumps({"sub": str(user.id), "role": "authenticated"}),
            )
            result: str = await conn.execute(sql, uuid.UUID(signed["id"]))
            return result

    ready = (
        "update soundstage.uploads set status = 'ready', category = 'manuscript', format = 'txt',"
        " content_type = 'text/plain', sha256 = 'x' where id = $1"
    )
    try:
        assert await as_role("soundstage_api", bob, ready) == "UPDATE 0"  # not his row
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            await as_role("authenticated", alice, ready)  # the frontend only reads
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            # no grant on user_id: an upload cannot be given away
            await as_role(
                "soundstage_api",
                alice,
                f"update soundstage.uploads set user_id = '{bob.id}' where id = $1",
            )
        with pytest.raises(asyncpg.exceptions.CheckViolationError):
            # ready without a type is refused by the table itself
            await as_role(
                "soundstage_api",
                alice,
                "update soundstage.uploads set status = 'ready' where id = $1",
            )
        assert await as_role("soundstage_api", alice, ready) == "UPDATE 1"
    finally:
        await conn.close()
