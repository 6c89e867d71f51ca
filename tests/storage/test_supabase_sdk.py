"""The calls the Supabase backend makes through storage3 (the supabase SDK's
storage client) keep the engine's policy: they go over the engine's own httpx
client, 5xx, 429 and timeouts are retried and then retryable job errors, any
other 4xx is permanent at once, an answer that is not Storage's JSON is a
storage error, and the service key stays out of errors and logs. Against the
fake server of tests/fake_supabase_storage.py, which speaks Storage's HTTP."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from storage3 import AsyncStorageClient

from fake_supabase_storage import FakeSupabaseStorage, serve
from soundstage.errors import PipelineError, ServiceUnavailable
from soundstage.storage.supabase import (
    BucketSpec,
    StorageFailed,
    StorageUnavailable,
    SupabaseStorage,
)

KEY = "service-role-key-" + "s" * 40


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
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5, connect=1.0)) as client:
        yield client


@pytest.fixture
def storage(fake: FakeSupabaseStorage, http: httpx.AsyncClient) -> SupabaseStorage:
    return SupabaseStorage(fake.url, KEY, http, backoff_seconds=0.01, max_backoff_seconds=0.05)


def _key() -> str:
    return f"{uuid.uuid4()}/{uuid.uuid4()}/take.wav"


Call = Callable[[SupabaseStorage, str], Awaitable[object]]

# Each SDK-made call, with the request path fragment and method it sends.
SDK_CALLS: dict[str, tuple[Call, str, str]] = {
    "delete": (lambda s, k: s.delete("renders", k), "/object/renders", "DELETE"),
    "exists": (lambda s, k: s.exists("renders", k), "/object/info/renders/", "GET"),
    "signed_upload_url": (
        lambda s, k: s.signed_upload_url(
            "uploads", k, content_type="audio/wav", max_bytes=1, expires_in=60, base_url=""
        ),
        "/object/upload/sign/uploads/",
        "POST",
    ),
    "ensure_buckets": (
        lambda s, k: s.ensure_buckets([BucketSpec("uploads", None, ())]),
        "/bucket/uploads",
        "GET",
    ),
}


@pytest.mark.parametrize("name", SDK_CALLS)
async def test_sdk_calls_retry_5xx_and_timeouts_then_succeed(
    name: str, storage: SupabaseStorage, fake: FakeSupabaseStorage
) -> None:
    call, fragment, method = SDK_CALLS[name]
    fake.fail(503, method=method, path_contains=fragment)
    fake.fail(502, method=method, path_contains=fragment, body="<html>bad gateway</html>")
    fake.stall(1.0, method=method, path_contains=fragment)  # over the 0.5 s read timeout
    await call(storage, _key())
    assert len(fake.requests_to(fragment, method)) == 4


@pytest.mark.parametrize("name", SDK_CALLS)
async def test_sdk_calls_that_keep_failing_are_retryable_errors(
    name: str, storage: SupabaseStorage, fake: FakeSupabaseStorage, caplog: pytest.LogCaptureFixture
) -> None:
    call, fragment, method = SDK_CALLS[name]
    fake.fail(500, times=10, method=method, path_contains=fragment)
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageUnavailable) as info:
        await call(storage, _key())
    assert len(fake.requests_to(fragment, method)) == storage.attempts
    exc = info.value
    assert isinstance(exc, ServiceUnavailable) and exc.status_code == 503
    assert isinstance(exc, PipelineError) and exc.retryable
    assert KEY not in str(exc.to_body()) and KEY not in caplog.text


@pytest.mark.parametrize("name", SDK_CALLS)
async def test_sdk_calls_answered_4xx_are_permanent_at_once(
    name: str, storage: SupabaseStorage, fake: FakeSupabaseStorage, caplog: pytest.LogCaptureFixture
) -> None:
    call, fragment, method = SDK_CALLS[name]
    fake.fail(400, times=10, method=method, path_contains=fragment)
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageFailed, match="status 400") as info:
        await call(storage, _key())
    assert len(fake.requests_to(fragment, method)) == 1
    assert info.value.status_code == 502
    assert isinstance(info.value, PipelineError) and not info.value.retryable
    assert KEY not in caplog.text


@pytest.mark.parametrize("name", SDK_CALLS)
async def test_sdk_calls_with_a_wrong_key_name_the_setting_not_the_key(
    name: str, fake: FakeSupabaseStorage, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    call = SDK_CALLS[name][0]
    wrong = SupabaseStorage(fake.url, "a-wrong-service-key", http, backoff_seconds=0.01)
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageFailed) as info:
        await call(wrong, _key())
    assert len(fake.seen) == 1
    assert "SUPABASE_SERVICE_ROLE_KEY" in info.value.message
    assert "a-wrong-service-key" not in caplog.text + info.value.message


async def test_a_long_retry_after_on_an_sdk_call_is_passed_on(
    storage: SupabaseStorage, fake: FakeSupabaseStorage
) -> None:
    fake.fail(429, retry_after="90", times=5, method="DELETE")
    with pytest.raises(StorageUnavailable) as info:
        await storage.delete("renders", _key())
    assert len(fake.seen) == 1
    assert info.value.headers == {"Retry-After": "90"}


async def test_sdk_answers_that_are_not_storage_json_are_storage_errors(
    storage: SupabaseStorage, fake: FakeSupabaseStorage, caplog: pytest.LogCaptureFixture
) -> None:
    page = "<html>maintenance " + KEY + "</html>"  # even a page that echoes the request
    fake.fail(200, method="POST", path_contains="/upload/sign/", body=page)
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageFailed, match="unexpected answer"):
        await storage.signed_upload_url(
            "uploads", _key(), content_type="audio/wav", max_bytes=1, expires_in=60, base_url=""
        )
    fake.fail(200, method="GET", path_contains="/bucket/uploads", body=page)
    with pytest.raises(StorageUnavailable, match="unexpected answer"):
        await storage.ping()
    assert KEY not in caplog.text


async def test_sdk_calls_go_over_the_engines_client(fake: FakeSupabaseStorage) -> None:
    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        sent.append(f"{request.method} {request.url.path}")

    async with httpx.AsyncClient(event_hooks={"request": [record]}) as client:
        storage = SupabaseStorage(fake.url, KEY, client)
        key = _key()
        assert not await storage.exists("renders", key)
        await storage.delete("renders", key)
        await storage.signed_upload_url(
            "uploads", key, content_type="audio/wav", max_bytes=1, expires_in=60, base_url=""
        )
        await storage.ping()
    assert sent == [
        f"GET /storage/v1/object/info/renders/{key}",
        "DELETE /storage/v1/object/renders",
        f"POST /storage/v1/object/upload/sign/uploads/{key}",
        "GET /storage/v1/bucket/uploads",
    ]


async def test_ensure_buckets_clears_a_size_limit_set_by_hand(
    storage: SupabaseStorage, fake: FakeSupabaseStorage
) -> None:
    fake.add_bucket("renders", file_size_limit=5, allowed_mime_types=["audio/*"])
    assert await storage.ensure_buckets([BucketSpec("renders", None, ("audio/*", "text/*"))]) == {
        "renders": "updated"
    }
    assert fake.buckets["renders"]["file_size_limit"] is None
    assert fake.buckets["renders"]["allowed_mime_types"] == ["audio/*", "text/*"]


async def test_the_fake_also_serves_the_sdks_own_upload_and_download(
    fake: FakeSupabaseStorage, http: httpx.AsyncClient
) -> None:
    # bench/storage_sdk.py measures storage3's upload and download against this
    # fake; they must work here as on Storage (a multipart form, the older GET path).
    key = _key()
    headers = {"Authorization": f"Bearer {KEY}", "apikey": KEY}
    sdk = AsyncStorageClient(f"{fake.url}/storage/v1/", headers, http_client=http)
    bucket = sdk.from_("renders")
    await bucket.upload(key, b"RIFF take", {"content-type": "audio/wav", "upsert": "true"})
    stored = fake.objects[("renders", key)]
    assert (stored.data, stored.content_type) == (b"RIFF take", "audio/wav")
    assert await bucket.download(key) == b"RIFF take"
