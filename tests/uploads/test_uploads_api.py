"""Uploads through the API: real files in, content decides the type, names
are data, limits hold, and a refused file leaves nothing behind."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from support import MakeUser, User


def _stored(settings: Settings, user: User) -> list[Path]:
    root = settings.storage_root / "uploads" / str(user.id)
    return sorted(p for p in root.rglob("*")) if root.exists() else []


def _spooled(settings: Settings) -> set[str]:
    tmp = settings.data_path / "tmp"
    return {p.name for p in tmp.iterdir()} if tmp.exists() else set()


async def _count(client: httpx.AsyncClient, user: User) -> int:
    r = await client.get("/v1/uploads", params={"limit": 100}, headers=user.headers)
    assert r.status_code == 200, r.text
    return len(r.json()["items"])


async def _upload(
    client: httpx.AsyncClient,
    user: User,
    name: str,
    content: bytes,
    content_type: str = "application/octet-stream",
    **form: str,
) -> httpx.Response:
    return await client.post(
        "/v1/uploads",
        files={"file": (name, content, content_type)},
        data=form or None,
        headers=user.headers,
    )


async def _raw_upload(
    client: httpx.AsyncClient, user: User, disposition_filename: bytes, content: bytes
) -> httpx.Response:
    """A multipart body built by hand: httpx would percent-escape control
    characters in a file name, a hostile client does not."""
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="file"; filename="'
            + disposition_filename
            + b'"\r\n',
            b"Content-Type: text/plain\r\n\r\n",
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    return await client.post(
        "/v1/uploads",
        content=body,
        headers={**user.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def _assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = r.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


# --------------------------------------------------------------- happy path


async def test_a_manuscript_round_trip(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, book: bytes
) -> None:
    alice, bob = await users(), await users()
    r = await _upload(client, alice, "15122-8.txt", book, "text/plain")
    assert r.status_code == 201, r.text
    upload = r.json()
    assert upload["category"] == "manuscript"
    assert upload["format"] == "txt"
    assert upload["content_type"] == "text/plain"
    assert upload["original_name"] == "15122-8.txt"
    assert upload["bytes"] == len(book)
    assert upload["sha256"] == hashlib.sha256(book).hexdigest()

    # stored once, under the owner's id, byte for byte
    [stored] = [p for p in _stored(settings, alice) if p.is_file()]
    assert stored.read_bytes() == book
    assert stored.relative_to(settings.storage_root / "uploads").parts[0] == str(alice.id)
    assert stored.relative_to(settings.storage_root / "uploads").parts[1] == upload["id"]

    # the signed URL hands the same bytes back, without auth
    assert urlsplit(upload["url"]).path.startswith("/storage/v1/object/sign/uploads/")
    r = await client.get(upload["url"])
    assert r.status_code == 200
    assert r.content == book

    r = await client.get(f"/v1/uploads/{upload['id']}", headers=alice.headers)
    assert r.status_code == 200
    assert {k: v for k, v in r.json().items() if k not in {"url", "expires_at"}} == {
        k: v for k, v in upload.items() if k not in {"url", "expires_at"}
    }

    r = await client.get("/v1/uploads", headers=alice.headers)
    assert r.status_code == 200
    assert [u["id"] for u in r.json()["items"]] == [upload["id"]]
    r = await client.get("/v1/uploads", params={"category": "audio"}, headers=alice.headers)
    assert r.json()["items"] == []

    # another user sees nothing of it, and cannot delete it
    r = await client.get("/v1/uploads", headers=bob.headers)
    assert r.json()["items"] == []
    _assert_error(
        await client.get(f"/v1/uploads/{upload['id']}", headers=bob.headers), 404, "not_found"
    )
    _assert_error(
        await client.delete(f"/v1/uploads/{upload['id']}", headers=bob.headers), 404, "not_found"
    )
    assert stored.exists()
    assert (await client.get(f"/v1/uploads/{upload['id']}", headers=alice.headers)).status_code == (
        200
    )

    # delete: gone from the API and from disk
    r = await client.delete(f"/v1/uploads/{upload['id']}", headers=alice.headers)
    assert r.status_code == 204
    assert r.content == b""
    _assert_error(
        await client.get(f"/v1/uploads/{upload['id']}", headers=alice.headers), 404, "not_found"
    )
    _assert_error(
        await client.delete(f"/v1/uploads/{upload['id']}", headers=alice.headers), 404, "not_found"
    )
    assert not stored.exists()
    assert [p for p in _stored(settings, alice) if p.is_file()] == []
    assert (await client.get(upload["url"])).status_code == 404


async def test_other_real_files_from_the_corpus(
    client: httpx.AsyncClient, users: MakeUser, corpus: Path
) -> None:
    alice = await users()
    base = corpus / "little-colonels-hero"
    midi = sorted((base / "15122-h" / "music").glob("*.mid*"))[0]
    html = sorted((base / "15122-h").glob("*.htm"))[0]
    for path, category, fmt in (
        (base / "cover.png", "image", "png"),
        (midi, "midi", "mid"),
        (html, "manuscript", "html"),
        (base / "15122.txt", "manuscript", "txt"),
    ):
        r = await _upload(client, alice, path.name, path.read_bytes())
        assert r.status_code == 201, (path.name, r.text)
        assert (r.json()["category"], r.json()["format"]) == (category, fmt), path.name
    assert await _count(client, alice) == 4


async def test_unusual_but_harmless_names_are_kept_as_data(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    for name in (
        "Chapter 1 (draft) — été.txt",
        "   padded.txt  ",
        "no-extension",
        "a" * 251 + ".txt",
    ):
        r = await _upload(client, alice, name, b"Once upon a time.\n")
        assert r.status_code == 201, (name, r.text)
        assert r.json()["original_name"] == name.strip()


async def test_listing_pages_through_every_upload_once(
    client: httpx.AsyncClient, users: MakeUser
) -> None:
    alice = await users()
    ids = []
    for i in range(5):
        r = await _upload(client, alice, f"part-{i}.txt", f"Part {i}.\n".encode())
        assert r.status_code == 201
        ids.append(r.json()["id"])
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        r = await client.get("/v1/uploads", params=params, headers=alice.headers)
        assert r.status_code == 200, r.text
        seen += [u["id"] for u in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]


# ----------------------------------------------------------------- refusals


async def _assert_refused(
    r: httpx.Response,
    status: int,
    code: str,
    client: httpx.AsyncClient,
    user: User,
    settings: Settings,
    spooled_before: set[str],
) -> None:
    _assert_error(r, status, code)
    assert _stored(settings, user) == [], "a refused upload left a file behind"
    assert await _count(client, user) == 0, "a refused upload left a row behind"
    assert _spooled(settings) <= spooled_before, "a refused upload left its spool behind"


@pytest.mark.parametrize(
    ("name", "content", "form", "status", "code"),
    [
        pytest.param("song.mp3", b"Just some text, not audio.\n" * 20, {}, 415,
                     "unsupported_media_type", id="text-named-mp3"),
        pytest.param("cover.png", b"Just some text.\n" * 20, {}, 415,
                     "unsupported_media_type", id="text-named-png"),
        pytest.param("notes.txt", b"Just some text.\n" * 20, {"category": "audio"}, 415,
                     "unsupported_media_type", id="text-as-category-audio"),
        pytest.param("binary.txt", bytes(range(256)) * 8, {}, 415,
                     "unsupported_media_type", id="binary-named-txt"),
        pytest.param("program.exe", b"MZ\x90\x00" + bytes(500), {}, 415,
                     "unsupported_media_type", id="executable"),
        pytest.param("empty.txt", b"", {}, 422, "validation_error", id="empty"),
        pytest.param("notes.txt", b"text", {"category": "video"}, 422, "validation_error",
                     id="unknown-category"),
        pytest.param("../../x.txt", b"hello\n", {}, 422, "validation_error", id="dot-dot-slash"),
        pytest.param("a/b.txt", b"hello\n", {}, 422, "validation_error", id="slash"),
        pytest.param("..", b"hello\n", {}, 422, "validation_error", id="dot-dot"),
        pytest.param(".", b"hello\n", {}, 422, "validation_error", id="dot"),
        pytest.param("/etc/passwd", b"hello\n", {}, 422, "validation_error", id="absolute"),
        pytest.param("x" * 300 + ".txt", b"hello\n", {}, 422, "validation_error", id="300-chars"),
        pytest.param("é" * 130 + ".txt", b"hello\n", {}, 422, "validation_error",
                     id="over-255-bytes"),
        pytest.param("   ", b"hello\n", {}, 422, "validation_error", id="blank"),
    ],
)  # fmt: skip
async def test_refused_uploads_store_nothing(
    client: httpx.AsyncClient,
    users: MakeUser,
    settings: Settings,
    name: str,
    content: bytes,
    form: dict[str, str],
    status: int,
    code: str,
) -> None:
    alice = await users()
    before = _spooled(settings)
    r = await _upload(client, alice, name, content, **form)
    await _assert_refused(r, status, code, client, alice, settings, before)


@pytest.mark.parametrize(
    "filename",
    [
        pytest.param(b"a\x00b.txt", id="nul"),
        pytest.param(b"a\nb.txt", id="newline"),
        pytest.param(b"a\x1bb.txt", id="escape"),
        pytest.param(b"..\\..\\x.txt", id="backslashes"),
        pytest.param(b"", id="empty-name"),
    ],
)
async def test_hostile_names_in_a_hand_made_body_are_refused(
    client: httpx.AsyncClient, users: MakeUser, settings: Settings, filename: bytes
) -> None:
    alice = await users()
    before = _spooled(settings)
    r = await _raw_upload(client, alice, filename, b"hello there\n")
    await _assert_refused(r, 422, "validation_error", client, alice, settings, before)


async def test_missing_file_field_is_422(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    r = await client.post("/v1/uploads", data={"category": "manuscript"}, headers=alice.headers)
    _assert_error(r, 422, "validation_error")
    r = await client.post("/v1/uploads", json={"file": "x"}, headers=alice.headers)
    _assert_error(r, 422, "validation_error")


async def test_uploads_need_a_token(client: httpx.AsyncClient, settings: Settings) -> None:
    before = sorted((settings.storage_root / "uploads").rglob("*"))
    r = await client.post("/v1/uploads", files={"file": ("a.txt", b"hello\n", "text/plain")})
    _assert_error(r, 401, "unauthorized")
    assert sorted((settings.storage_root / "uploads").rglob("*")) == before
    for method, path in (
        ("GET", "/v1/uploads"),
        ("GET", f"/v1/uploads/{uuid.uuid4()}"),
        ("DELETE", f"/v1/uploads/{uuid.uuid4()}"),
    ):
        _assert_error(await client.request(method, path), 401, "unauthorized")


async def test_ids_that_are_not_mine_or_not_ids(client: httpx.AsyncClient, users: MakeUser) -> None:
    alice = await users()
    for method in ("GET", "DELETE"):
        r = await client.request(method, f"/v1/uploads/{uuid.uuid4()}", headers=alice.headers)
        _assert_error(r, 404, "not_found")
        r = await client.request(method, "/v1/uploads/not-a-uuid", headers=alice.headers)
        _assert_error(r, 422, "validation_error")
    r = await client.get("/v1/uploads", params={"cursor": "garbage!"}, headers=alice.headers)
    _assert_error(r, 422, "validation_error")
    r = await client.get("/v1/uploads", params={"limit": 0}, headers=alice.headers)
    _assert_error(r, 422, "validation_error")


# -------------------------------------------------------------------- limits


@pytest.fixture
async def small_limits_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on the same database and storage, with tiny upload limits:
    manuscripts up to 1000 bytes, everything else up to 4000 (so the largest
    limit, which bounds the spool, is 4000)."""
    small = settings.model_copy(
        update={
            "max_upload_bytes_manuscript": 1000,
            "max_upload_bytes_audio": 4000,
            "max_upload_bytes_midi": 4000,
            "max_upload_bytes_image": 4000,
            "db_pool_min": 1,
        }
    )
    app = create_app(small, pipelines=TEST_KINDS)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(1001, id="over-the-manuscript-limit"),
        pytest.param(20_000, id="over-every-limit"),
        pytest.param(200_000, id="over-the-request-limit"),
    ],
)
async def test_too_large_is_413_and_stores_nothing(
    small_limits_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    users: MakeUser,
    settings: Settings,
    book: bytes,
    size: int,
) -> None:
    alice = await users()
    before = _spooled(settings)
    r = await _upload(small_limits_client, alice, "book.txt", book[:size], "text/plain")
    await _assert_refused(r, 413, "payload_too_large", client, alice, settings, before)
    # just under the limit is fine
    r = await _upload(small_limits_client, alice, "book.txt", book[:1000], "text/plain")
    assert r.status_code == 201, r.text


async def test_too_large_without_a_content_length_is_413(
    small_limits_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    users: MakeUser,
    settings: Settings,
    book: bytes,
) -> None:
    """A chunked body (no Content-Length) is counted as it arrives."""
    alice = await users()
    before = _spooled(settings)
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="book.txt"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield head
        for i in range(0, 200_000, 10_000):
            yield book[i : i + 10_000]
        yield tail

    r = await small_limits_client.post(
        "/v1/uploads",
        content=chunks(),
        headers={**alice.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    await _assert_refused(r, 413, "payload_too_large", client, alice, settings, before)
