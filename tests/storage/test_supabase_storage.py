"""The Supabase Storage backend against a fake server that speaks Storage's REST
shapes (tests/fake_supabase_storage.py): objects, signed URLs, signed uploads,
buckets, and failures (503, 429 with Retry-After, timeouts, refused
connections, legacy 400s, wrong key); then the whole app on it."""

from __future__ import annotations

import hashlib
import logging
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import jwt
import pytest
from pydantic import ValidationError

from fake_supabase_storage import FakeSupabaseStorage, serve
from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.auth.tokens import mint_local_token
from soundstage.config import Settings
from soundstage.engine import make_storage
from soundstage.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    PipelineError,
    ServiceUnavailable,
    UnsupportedMediaType,
)
from soundstage.sniff import CONTENT_TYPES
from soundstage.storage.supabase import (
    RENDER_CONTENT_TYPES,
    BucketSpec,
    StorageFailed,
    StorageUnavailable,
    SupabaseStorage,
    bucket_specs,
    ensure_supabase_buckets,
)
from support import User

KEY = "service-role-key-" + "x" * 40
BOOK = "little-colonels-hero/15122-8.txt"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSupabaseStorage]:
    with serve(FakeSupabaseStorage(KEY)) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeSupabaseStorage) -> FakeSupabaseStorage:
    server.reset()
    server.add_bucket("uploads")
    server.add_bucket("renders")
    return server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # A short read timeout so a stalled server is a timeout within the test.
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5, connect=1.0)) as client:
        yield client


def _storage(fake: FakeSupabaseStorage, http: httpx.AsyncClient, **kw: float) -> SupabaseStorage:
    options: dict[str, float] = {"backoff_seconds": 0.01, "max_backoff_seconds": 0.05}
    options.update(kw)
    return SupabaseStorage(fake.url, KEY, http, **options)  # type: ignore[arg-type]


@pytest.fixture
def storage(fake: FakeSupabaseStorage, http: httpx.AsyncClient) -> SupabaseStorage:
    return _storage(fake, http)


def _key() -> str:
    return f"{uuid.uuid4()}/{uuid.uuid4()}/tone.mp3"


DATA = b"ID3" + bytes(range(256)) * 2000  # a little over 500 KB: several chunks


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.bin"
    path.write_bytes(DATA)
    return path


def _read(path: Path) -> bytes:
    return path.read_bytes()


# ------------------------------------------------------------------ objects


async def test_put_download_open_exists_delete(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path, tmp_path: Path
) -> None:
    key = _key()
    size = await storage.put_file("renders", key, source, "audio/mpeg")
    assert size == len(DATA)
    [put] = fake.requests_to(f"/object/renders/{key}", "POST")
    assert put.headers["authorization"] == f"Bearer {KEY}"
    assert put.headers["apikey"] == KEY
    assert put.headers["x-upsert"] == "true"
    assert put.headers["content-type"] == "audio/mpeg"
    assert put.headers["content-length"] == str(size)
    assert put.body == DATA
    assert fake.objects[("renders", key)].content_type == "audio/mpeg"

    assert await storage.exists("renders", key)
    target = tmp_path / "copy.bin"
    await storage.download("renders", key, target)
    assert _read(target) == DATA
    streamed = b"".join([chunk async for chunk in storage.open("renders", key)])
    assert streamed == DATA

    await storage.delete("renders", key)
    [delete] = fake.requests_to("/object/renders", "DELETE")
    assert delete.body == f'{{"prefixes":["{key}"]}}'.encode()
    assert not await storage.exists("renders", key)
    await storage.delete("renders", key)  # already gone: not an error
    with pytest.raises(NotFound):
        await storage.download("renders", key, target)
    with pytest.raises(NotFound):
        [chunk async for chunk in storage.open("renders", key)]


async def test_put_replaces_an_existing_object(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, tmp_path: Path
) -> None:
    key = _key()
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"first version")
    second.write_bytes(b"second, longer version")
    await storage.put_file("renders", key, first, "audio/mpeg")
    await storage.put_file("renders", key, second, "audio/mpeg")
    assert fake.objects[("renders", key)].data == b"second, longer version"


async def test_keys_are_checked_before_any_request(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path
) -> None:
    from soundstage.errors import BadRequest

    for bucket, path in (("renders", "../uploads/a/b"), ("other", "a/b"), ("renders", "a")):
        with pytest.raises(BadRequest):
            await storage.put_file(bucket, path, source, "audio/mpeg")
        with pytest.raises(BadRequest):
            await storage.signed_url(bucket, path, expires_in=60, base_url="http://e")
    assert fake.seen == []


async def test_signed_url_downloads_without_the_key(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path, http: httpx.AsyncClient
) -> None:
    key = _key()
    await storage.put_file("renders", key, source, "audio/mpeg")
    before = datetime.now(UTC)
    signed = await storage.signed_url("renders", key, expires_in=600, base_url="http://engine")
    [sign] = fake.requests_to(f"/object/sign/renders/{key}", "POST")
    assert sign.body == b'{"expiresIn":600}'
    url = urlsplit(signed.url)
    assert f"{url.scheme}://{url.netloc}" == fake.url  # Supabase serves it, not the engine
    assert url.path == f"/storage/v1/object/sign/renders/{key}"
    query = parse_qs(url.query, keep_blank_values=True)
    assert query["download"] == [""]
    claims = jwt.decode(query["token"][0], options={"verify_signature": False})
    assert claims["url"] == f"renders/{key}"
    assert abs((signed.expires_at - before).total_seconds() - 600) < 5

    r = await http.get(signed.url)  # no Authorization, no apikey
    assert r.status_code == 200
    assert r.content == DATA
    assert r.headers["content-disposition"].startswith("attachment")

    with pytest.raises(NotFound):
        await storage.signed_url("renders", _key(), expires_in=60, base_url="http://e")


async def test_signed_upload_creates_once_and_never_replaces(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, http: httpx.AsyncClient
) -> None:
    fake.upload_url_seconds = 900
    key = f"{uuid.uuid4()}/{uuid.uuid4()}/source.txt"
    before = datetime.now(UTC)
    signed = await storage.signed_upload_url(
        "uploads",
        key,
        content_type="text/plain",
        max_bytes=100,
        expires_in=7200,
        base_url="http://engine",
    )
    [sign] = fake.requests_to(f"/object/upload/sign/uploads/{key}", "POST")
    assert "x-upsert" not in sign.headers  # the link may create, never replace
    assert signed.method == "PUT"
    assert signed.headers == {"Content-Type": "text/plain"}
    assert signed.url.startswith(f"{fake.url}/storage/v1/object/upload/sign/uploads/{key}?token=")
    # the lifetime is the project's, read from the token Storage returned
    assert abs((signed.expires_at - before).total_seconds() - 900) < 5

    r = await http.put(signed.url, content=b"hello", headers=signed.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"Key": f"uploads/{key}"}
    assert fake.objects[("uploads", key)].data == b"hello"
    r = await http.put(signed.url, content=b"replaced", headers=signed.headers)
    assert r.status_code == 409
    assert r.json()["statusCode"] == "409"
    assert fake.objects[("uploads", key)].data == b"hello"


# ------------------------------------------------------------------ buckets


def test_bucket_specs_follow_the_settings(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, max_upload_bytes_audio=123_456_789)  # type: ignore[call-arg]
    uploads, renders = bucket_specs(settings)
    assert uploads == BucketSpec("uploads", 123_456_789, CONTENT_TYPES)
    assert {"text/plain", "audio/mpeg", "audio/wav", "image/png", "application/pdf"} <= set(
        CONTENT_TYPES
    )
    assert "application/octet-stream" not in CONTENT_TYPES
    assert renders == BucketSpec("renders", None, RENDER_CONTENT_TYPES)


async def test_ensure_buckets_creates_then_updates(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, tmp_path: Path
) -> None:
    fake.buckets.clear()
    fake.add_bucket("renders", public=True)  # someone made it public by hand
    specs = [
        BucketSpec("uploads", 1000, ("text/plain", "audio/mpeg")),
        BucketSpec("renders", None, ("audio/*",)),
    ]
    assert await storage.ensure_buckets(specs) == {"uploads": "created", "renders": "updated"}
    [create] = fake.requests_to("/bucket", "POST")
    assert create.path == "/storage/v1/bucket"
    uploads = fake.buckets["uploads"]
    assert uploads["public"] is False
    assert uploads["file_size_limit"] == 1000
    assert uploads["allowed_mime_types"] == ["text/plain", "audio/mpeg"]
    assert fake.buckets["renders"]["public"] is False
    assert fake.buckets["renders"]["allowed_mime_types"] == ["audio/*"]

    # idempotent
    assert await storage.ensure_buckets(specs) == {"uploads": "updated", "renders": "updated"}
    assert len(fake.buckets) == 2

    # the bucket limits hold for uploads afterwards
    big, small = tmp_path / "big.txt", tmp_path / "small.exe"
    big.write_bytes(b"x" * 1001)
    small.write_bytes(b"MZ")
    with pytest.raises(PayloadTooLarge):
        await storage.put_file("uploads", "u/o/big.txt", big, "text/plain")
    with pytest.raises(UnsupportedMediaType):
        await storage.put_file("uploads", "u/o/a.exe", small, "application/x-msdownload")


async def test_ensure_buckets_survives_a_concurrent_creation(
    storage: SupabaseStorage, fake: FakeSupabaseStorage
) -> None:
    fake.buckets.clear()
    # GET says missing, then another process wins the POST (409): update instead.
    fake.fail(404, method="GET", path_contains="/bucket/uploads")
    fake.fail(409, method="POST", path_contains="/bucket")
    fake.add_bucket("uploads", public=True)
    done = await storage.ensure_buckets([BucketSpec("uploads", 10, ("text/plain",))])
    assert done == {"uploads": "updated"}
    assert fake.buckets["uploads"]["public"] is False


async def test_migrate_helper_uses_the_settings(fake: FakeSupabaseStorage, tmp_path: Path) -> None:
    fake.buckets.clear()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        storage="supabase",
        supabase_url=fake.url,
        supabase_service_role_key=KEY,
    )
    assert await ensure_supabase_buckets(settings) == {
        "uploads": "created",
        "renders": "created",
    }
    assert fake.buckets["uploads"]["file_size_limit"] == settings.max_upload_bytes_audio
    assert fake.buckets["uploads"]["allowed_mime_types"] == list(CONTENT_TYPES)


# ------------------------------------------------------------------ failures


async def test_5xx_is_retried_then_succeeds(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path
) -> None:
    key = _key()
    fake.fail(503, times=2, method="POST")
    assert await storage.put_file("renders", key, source, "audio/mpeg") > 0
    assert len(fake.requests_to(f"/object/renders/{key}", "POST")) == 3
    assert fake.objects[("renders", key)].data == DATA


async def test_5xx_that_persists_is_unavailable(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail(500, times=10)
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageUnavailable) as info:
        await storage.exists("renders", _key())
    assert len(fake.seen) == storage.attempts
    exc = info.value
    # an HTTP 503 for the API, a retryable job failure for the worker
    assert isinstance(exc, ServiceUnavailable) and exc.status_code == 503
    assert isinstance(exc, PipelineError) and exc.retryable
    assert KEY not in str(exc.to_body()) and KEY not in caplog.text


async def test_429_waits_for_retry_after(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path
) -> None:
    key = _key()
    fake.fail(429, retry_after="1")
    await storage.put_file("renders", key, source, "audio/mpeg")
    first, second = fake.requests_to(f"/object/renders/{key}", "POST")
    assert second.at - first.at >= 0.95


async def test_retry_after_as_an_http_date(
    storage: SupabaseStorage, fake: FakeSupabaseStorage
) -> None:
    from email.utils import format_datetime

    when = format_datetime(datetime.fromtimestamp(time.time() + 2, UTC), usegmt=True)
    fake.fail(503, retry_after=when)
    assert not await storage.exists("renders", _key())
    first, second = fake.seen
    assert second.at - first.at >= 0.5


async def test_a_long_retry_after_ends_at_once_and_is_passed_on(
    storage: SupabaseStorage, fake: FakeSupabaseStorage
) -> None:
    fake.fail(429, retry_after="120", times=5)
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as info:
        await storage.exists("renders", _key())
    assert time.monotonic() - started < 1
    assert len(fake.seen) == 1
    assert info.value.headers == {"Retry-After": "120"}
    assert info.value.retry_after == 120


async def test_timeouts_are_retried(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path, tmp_path: Path
) -> None:
    key = _key()
    await storage.put_file("renders", key, source, "audio/mpeg")
    fake.stall(1.0, method="GET")  # longer than the client's 0.5 s read timeout
    target = tmp_path / "copy"
    await storage.download("renders", key, target)
    assert _read(target) == DATA
    assert len(fake.requests_to(f"/object/authenticated/renders/{key}")) == 2


async def test_timeouts_that_persist_are_unavailable(
    fake: FakeSupabaseStorage, http: httpx.AsyncClient
) -> None:
    storage = _storage(fake, http, attempts=2)
    fake.stall(1.0, times=2)
    with pytest.raises(StorageUnavailable, match="did not answer in time"):
        await storage.exists("renders", _key())


async def test_an_unreachable_server_is_unavailable(http: httpx.AsyncClient) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nobody listens
    storage = SupabaseStorage(f"http://127.0.0.1:{port}", KEY, http, attempts=2)
    with pytest.raises(StorageUnavailable, match="unreachable"):
        await storage.exists("renders", _key())
    with pytest.raises(StorageUnavailable):
        await storage.ping()


async def test_4xx_is_permanent_and_not_retried(
    fake: FakeSupabaseStorage, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = SupabaseStorage(fake.url, "not-the-key", http, backoff_seconds=0.01)
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageFailed) as info:
        await wrong.exists("renders", _key())
    assert len(fake.seen) == 1
    assert info.value.status_code == 502
    assert "SUPABASE_SERVICE_ROLE_KEY" in info.value.message
    assert "not-the-key" not in info.value.message and "not-the-key" not in caplog.text
    assert isinstance(info.value, PipelineError) and not info.value.retryable

    fake.fail(400, method="POST")
    with pytest.raises(StorageFailed, match="status 400"):
        await _storage(fake, http).signed_url("renders", _key(), expires_in=60, base_url="")
    assert len(fake.requests_to("/object/sign", "POST")) == 1


async def test_legacy_400_errors_carry_the_real_status(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path, tmp_path: Path
) -> None:
    fake.legacy_errors = True  # HTTP 400 {"statusCode": "404", ...}
    key = _key()
    assert not await storage.exists("renders", key)
    with pytest.raises(NotFound):
        await storage.download("renders", key, tmp_path / "x")
    await storage.delete("renders", key)
    await storage.put_file("uploads", key, source, "audio/mpeg")
    signed = await storage.signed_upload_url(
        "uploads", key, content_type="audio/mpeg", max_bytes=10, expires_in=60, base_url=""
    )
    async with httpx.AsyncClient() as client:
        r = await client.put(signed.url, content=b"x", headers=signed.headers)
    assert r.status_code == 400 and r.json()["statusCode"] == "409"
    fake.buckets.clear()  # GET /bucket answers 400 {"statusCode": "404"}: created
    assert await storage.ensure_buckets([BucketSpec("uploads", None, ())]) == {"uploads": "created"}
    fake.fail(409, method="POST")
    with pytest.raises(Conflict):
        await storage.signed_upload_url(
            "uploads", key, content_type="audio/mpeg", max_bytes=1, expires_in=60, base_url=""
        )


async def test_unexpected_answers_are_storage_errors(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, source: Path
) -> None:
    key = _key()
    await storage.put_file("renders", key, source, "audio/mpeg")
    # a 200 that is not Storage's JSON (a proxy's page, say) is not trusted
    fake.fail(200, method="POST", body="<html>maintenance</html>")
    with pytest.raises(StorageFailed, match="unexpected answer"):
        await storage.signed_url("renders", key, expires_in=60, base_url="")
    # an HTML 502 from a proxy is transient like any 5xx
    fake.fail(502, body="<html>bad gateway</html>")
    assert await storage.exists("renders", key)


async def test_ping(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, http: httpx.AsyncClient
) -> None:
    await storage.ping()
    del fake.buckets["uploads"]
    with pytest.raises(StorageUnavailable, match="soundstage migrate"):
        await storage.ping()
    with pytest.raises(StorageUnavailable):
        await SupabaseStorage(fake.url, "wrong", http).ping()
    fake.fail(503, times=3)
    with pytest.raises(StorageUnavailable):
        await storage.ping()
    assert len(fake.requests_to("/bucket/uploads")) == 4  # one attempt per ping


# ------------------------------------------------------------------ settings


def test_supabase_storage_needs_url_and_service_key(tmp_path: Path) -> None:
    base = {"_env_file": None, "data_dir": tmp_path, "storage": "supabase"}
    with pytest.raises(ValidationError, match="requires SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY"):
        Settings(**base)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="requires SUPABASE_SERVICE_ROLE_KEY"):
        Settings(**base, supabase_url="https://p.supabase.co")  # type: ignore[arg-type]
    ok = Settings(**base, supabase_url="https://p.supabase.co", supabase_service_role_key=KEY)  # type: ignore[arg-type]
    assert KEY not in repr(ok)


def test_production_with_supabase_storage_needs_no_jwt_secret(tmp_path: Path) -> None:
    prod = {
        "_env_file": None,
        "data_dir": tmp_path,
        "env": "production",
        "database_url": "postgresql://u:p@db.example.com:5432/postgres",
        "supabase_url": "https://p.supabase.co",
    }
    with pytest.raises(ValidationError, match="production requires SUPABASE_SERVICE_ROLE_KEY"):
        Settings(**prod, storage="supabase")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="production requires SUPABASE_JWT_SECRET"):
        Settings(**prod)  # type: ignore[arg-type]
    settings = Settings(**prod, storage="supabase", supabase_service_role_key=KEY)  # type: ignore[arg-type]
    assert settings.supabase_jwt_secret is None


async def test_make_storage_picks_the_backend(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        storage="supabase",
        supabase_url="https://p.supabase.co/",
        supabase_service_role_key=KEY,
    )
    async with httpx.AsyncClient() as client:
        storage = make_storage(settings, client)
    assert isinstance(storage, SupabaseStorage)
    assert storage.base == "https://p.supabase.co/storage/v1"
    assert KEY not in repr(storage)


# ------------------------------------------------------- the app on Supabase


@pytest.fixture
def supa_settings(fake: FakeSupabaseStorage, settings: Settings, dsn: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        env="development",
        data_dir=settings.data_dir,  # the same database and token secret
        database_url=dsn,
        storage="supabase",
        supabase_url=fake.url,  # also the issuer of access tokens now
        supabase_service_role_key=KEY,
        db_pool_min=0,
        db_pool_max=2,
        # the suite's bursts from one address, as in conftest
        **{k: getattr(settings, k) for k in Settings.model_fields if k.startswith("rate_limit_")},
    )


@pytest.fixture
async def supa_client(supa_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(supa_settings, pipelines=TEST_KINDS)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://engine") as c:
            yield c


@pytest.fixture
async def supa_user(dsn: str, supa_settings: Settings) -> AsyncIterator[User]:
    email = f"supa-{uuid.uuid4().hex[:10]}@example.com"
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id", email
        )
        yield User(user_id, email, mint_local_token(supa_settings, user_id, email))
        await conn.execute("delete from auth.users where id = $1", user_id)
    finally:
        await conn.close()


async def test_direct_upload_through_supabase(
    supa_client: httpx.AsyncClient,
    supa_user: User,
    fake: FakeSupabaseStorage,
    corpus: Path,
) -> None:
    book = (corpus / BOOK).read_bytes()
    r = await supa_client.post(
        "/v1/uploads/sign",
        json={"filename": "hero.txt", "bytes": len(book), "category": "manuscript"},
        headers=supa_user.headers,
    )
    assert r.status_code == 201, r.text
    signed = r.json()
    assert signed["upload_url"].startswith(f"{fake.url}/storage/v1/object/upload/sign/uploads/")
    assert signed["headers"] == {"Content-Type": "text/plain"}

    async with httpx.AsyncClient() as browser:  # the client talks to Supabase itself
        r = await browser.put(signed["upload_url"], content=book, headers=signed["headers"])
        assert r.status_code == 200, r.text

    r = await supa_client.post(f"/v1/uploads/{signed['id']}/complete", headers=supa_user.headers)
    assert r.status_code == 200, r.text
    upload = r.json()
    assert upload["format"] == "txt"
    assert upload["sha256"] == hashlib.sha256(book).hexdigest()
    async with httpx.AsyncClient() as browser:
        r = await browser.get(upload["url"])
    assert r.status_code == 200 and r.content == book

    # bad content is deleted from Supabase too
    r = await supa_client.post(
        "/v1/uploads/sign",
        json={"filename": "song.mp3", "bytes": 11},
        headers=supa_user.headers,
    )
    bad = r.json()
    async with httpx.AsyncClient() as browser:
        r = await browser.put(bad["upload_url"], content=b"not audio!!", headers=bad["headers"])
        assert r.status_code == 200
    path = urlsplit(bad["upload_url"]).path.removeprefix("/storage/v1/object/upload/sign/uploads/")
    assert ("uploads", path) in fake.objects
    r = await supa_client.post(f"/v1/uploads/{bad['id']}/complete", headers=supa_user.headers)
    assert r.status_code == 415, r.text
    assert ("uploads", path) not in fake.objects


async def test_multipart_upload_and_readiness_on_supabase(
    supa_client: httpx.AsyncClient, supa_user: User, fake: FakeSupabaseStorage
) -> None:
    r = await supa_client.post(
        "/v1/uploads",
        files={"file": ("notes.md", b"# Chapter one\n\nIt begins.\n", "text/markdown")},
        headers=supa_user.headers,
    )
    assert r.status_code == 201, r.text
    upload = r.json()
    [(bucket, path)] = [k for k in fake.objects if k[1].startswith(f"{supa_user.id}/")]
    assert (bucket, fake.objects[(bucket, path)].content_type) == ("uploads", "text/markdown")
    assert (await supa_client.get("/ready")).status_code == 200
    # the engine's own signed-URL routes are not served with Supabase storage
    r = await supa_client.get(f"/storage/v1/object/sign/uploads/{path}?token=x")
    assert r.status_code == 404
    r = await supa_client.put(f"/storage/v1/object/upload/sign/uploads/{path}?token=x", content=b"")
    assert r.status_code == 404

    r = await supa_client.delete(f"/v1/uploads/{upload['id']}", headers=supa_user.headers)
    assert r.status_code == 204
    assert (bucket, path) not in fake.objects

    fake.fail(503, times=10)
    r = await supa_client.get("/ready")
    assert r.status_code == 503
    assert KEY not in r.text
