"""Supabase Storage (``{SUPABASE_URL}/storage/v1``) with the service key, through
storage3 (the supabase SDK's storage client) on the engine's httpx client.

storage3 makes the JSON calls: ``remove``, ``info``, ``create_signed_upload_url``
and the bucket calls. Upload (raw body, ``x-upsert: true``), download (streamed)
and sign (an integer ``expiresIn``) stay hand-written; docs/architecture.md,
"Supabase Storage: SDK and hand-written calls", says why.

One policy for every call: Storage's JSON errors (``{"statusCode": "404",
"error": "not_found", "message": ...}``; older versions answer HTTP 400 with
the real status only in ``statusCode``, so the body's status wins for 4xx) are
classified from the HTTP answer; 5xx, 429 (honouring ``Retry-After``),
timeouts and connection errors are retried with backoff (storage3 has no
retries of its own); any other 4xx is permanent. The service key is sent as
``Authorization`` and ``apikey`` and never logged or put into an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, cast
from urllib.parse import quote

import httpx
import jwt
from storage3 import AsyncStorageClient
from storage3.exceptions import StorageApiError
from storage3.types import CreateOrUpdateBucketOptions
from storage3.utils import StorageException
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from soundstage.config import Settings
from soundstage.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    SoundstageError,
    StorageFailed,
    StorageUnavailable,
    UnsupportedMediaType,
)
from soundstage.sniff import CONTENT_TYPES
from soundstage.storage.base import SignedUpload, SignedURL, validate_key

log = logging.getLogger(__name__)

_CHUNK = 256 * 1024
# Supabase's default lifetime of signed upload URLs (a project setting); used
# only if the token it returns cannot be read.
_DEFAULT_UPLOAD_URL_SECONDS = 2 * 3600

T = TypeVar("T")


def _unexpected() -> StorageFailed:
    return StorageFailed("file storage sent an unexpected answer")


@dataclass(frozen=True)
class BucketSpec:
    id: str
    file_size_limit: int | None
    allowed_mime_types: tuple[str, ...]


class _Transient(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"storage answered {status}")
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Failure:
    status: int  # the effective status (the body's statusCode for legacy 400s)
    error: str
    message: str


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def _failure(response: httpx.Response) -> _Failure:
    status = response.status_code
    error, message = "", ""
    with contextlib.suppress(ValueError):
        body = response.json()
        if isinstance(body, dict):
            error = str(body.get("error") or body.get("code") or "")
            message = str(body.get("message") or "")
            code = body.get("statusCode")
            if status < 500 and code is not None and str(code).isdigit():
                status = int(str(code))
    return _Failure(status, error, message)


def _response_of(exc: BaseException) -> httpx.Response | None:
    """The HTTP answer behind a storage3 error.

    storage3 raises ``StorageApiError`` from httpx's ``HTTPStatusError`` (as its
    cause, or as the context when the body was not JSON); its own ``status`` is
    the body's, so the HTTP status and ``Retry-After`` come from the response.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, httpx.HTTPStatusError):
            return seen.response
        seen = seen.__cause__ or seen.__context__
    return None


class SupabaseStorage:
    def __init__(
        self,
        supabase_url: str,
        service_key: str,
        http: httpx.AsyncClient,
        *,
        attempts: int = 4,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 8.0,
        max_retry_after_seconds: float = 30.0,
    ) -> None:
        self.base = f"{supabase_url.rstrip('/')}/storage/v1"
        self._http = http
        self._headers = {"Authorization": f"Bearer {service_key}", "apikey": service_key}
        # The engine's client: one connection pool, the engine's timeouts.
        self._sdk = AsyncStorageClient(f"{self.base}/", dict(self._headers), http_client=http)
        self.attempts = attempts
        self._backoff = wait_random_exponential(multiplier=backoff_seconds, max=max_backoff_seconds)
        self.max_retry_after = max_retry_after_seconds

    def __repr__(self) -> str:  # never the key
        return f"SupabaseStorage({self.base!r})"

    # ------------------------------------------------------------ plumbing

    def _url(self, route: str, bucket: str, path: str) -> str:
        return f"{self.base}{route}/{bucket}/{quote(path)}"

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        return float(self._backoff(state))

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, _Transient):
            # A Retry-After longer than we are willing to wait ends the retries
            # at once; the caller is told when to come back instead.
            return exc.retry_after is None or exc.retry_after <= self.max_retry_after
        return isinstance(exc, httpx.TimeoutException | httpx.TransportError)

    async def _retrying(
        self, what: str, call: Callable[[], Awaitable[T]], *, attempts: int | None = None
    ) -> T:
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(attempts or self.attempts),
                wait=self._wait,
                retry=retry_if_exception(self._retryable),
                reraise=True,
                before_sleep=lambda s: log.warning(
                    "storage %s: %s; retrying (attempt %d)",
                    what,
                    s.outcome.exception() if s.outcome else "?",
                    s.attempt_number,
                ),
            ):
                with attempt:
                    return await call()
        except _Transient as exc:
            raise StorageUnavailable(
                "file storage is unavailable, try again later", retry_after=exc.retry_after
            ) from exc
        except httpx.TimeoutException as exc:
            raise StorageUnavailable("file storage did not answer in time") from exc
        except httpx.TransportError as exc:
            raise StorageUnavailable("file storage is unreachable") from exc
        raise AssertionError("unreachable")  # AsyncRetrying always returns or raises

    async def _call(
        self, what: str, call: Callable[[], Awaitable[T]], *, attempts: int | None = None
    ) -> T:
        """One SDK call under the engine's retry policy and error classes."""

        async def once() -> T:
            try:
                return await call()
            except StorageApiError as exc:
                response = _response_of(exc)
                if response is not None:
                    self._check(response, what)  # raises for any non-2xx
                log.warning("storage %s: an error without an HTTP error answer", what)
                raise _unexpected() from exc
            except (StorageException, KeyError, TypeError, ValueError) as exc:
                # Not Storage's JSON (a proxy's page, say); ValueError covers
                # pydantic's ValidationError and JSON decoding. Only the type
                # is logged: the SDK's messages may quote the whole body.
                log.warning("storage %s: unexpected answer (%s)", what, type(exc).__name__)
                raise _unexpected() from exc

        return await self._retrying(what, once, attempts=attempts)

    def _check(self, response: httpx.Response, what: str) -> None:
        """Raise for anything but 2xx; call with the body read."""
        if response.is_success:
            return
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(
                response.status_code, _retry_after(response.headers.get("retry-after"))
            )
        failure = _failure(response)
        # Supabase's message names paths, not secrets; it goes to the log only.
        # A missing object is often expected (exists, delete, bucket checks).
        log.log(
            logging.DEBUG if failure.status == 404 else logging.WARNING,
            "storage %s refused: HTTP %d %s %s",
            what,
            response.status_code,
            failure.error,
            failure.message,
        )
        raise self._permanent(failure)

    @staticmethod
    def _permanent(failure: _Failure) -> SoundstageError:
        if failure.status == 404:
            return NotFound("object not found")
        if failure.status == 409:
            return Conflict("the object already exists")
        if failure.status == 413:
            return PayloadTooLarge("the file is larger than file storage accepts")
        if failure.status == 415:
            return UnsupportedMediaType("file storage does not accept this type of file")
        if failure.status in (401, 403):
            return StorageFailed(
                "file storage refused the engine's credentials (check SUPABASE_SERVICE_ROLE_KEY)"
            )
        return StorageFailed(f"file storage refused the request (status {failure.status})")

    # ------------------------------------------------------------- objects

    async def put_file(self, bucket: str, path: str, source: Path, content_type: str) -> int:
        # Hand-written: the raw body, streamed from a worker thread.
        validate_key(bucket, path)
        size = (await asyncio.to_thread(source.stat)).st_size
        headers = {
            **self._headers,
            "Content-Type": content_type,
            "Content-Length": str(size),
            # upsert: a retry after a timed-out (but applied) upload must not fail
            "x-upsert": "true",
        }

        async def once() -> None:
            response = await self._http.post(
                self._url("/object", bucket, path), headers=headers, content=_chunks(source)
            )
            self._check(response, "upload")

        await self._retrying("upload", once)
        return size

    async def open(self, bucket: str, path: str) -> AsyncIterator[bytes]:
        # Hand-written: streamed (storage3's download returns the whole object).
        validate_key(bucket, path)
        url = self._url("/object/authenticated", bucket, path)

        async def start() -> httpx.Response:
            request = self._http.build_request("GET", url, headers=self._headers)
            response = await self._http.send(request, stream=True)
            if not response.is_success:
                await response.aread()
                await response.aclose()
                self._check(response, "download")
            return response

        response = await self._retrying("download", start)
        try:
            # Once bytes have been handed out a retry cannot start over, so a
            # failure in the middle ends the stream with an error.
            async for chunk in response.aiter_bytes(_CHUNK):
                yield chunk
        except httpx.TimeoutException as exc:
            raise StorageUnavailable("file storage did not answer in time") from exc
        except httpx.TransportError as exc:
            raise StorageUnavailable("file storage is unreachable") from exc
        finally:
            await response.aclose()

    async def download(self, bucket: str, path: str, target: Path) -> None:
        # Hand-written: streamed to disk, never whole in memory.
        validate_key(bucket, path)
        url = self._url("/object/authenticated", bucket, path)

        async def once() -> None:
            async with self._http.stream("GET", url, headers=self._headers) as response:
                if not response.is_success:
                    await response.aread()
                    self._check(response, "download")
                with target.open("wb") as out:
                    async for chunk in response.aiter_bytes(_CHUNK):
                        await asyncio.to_thread(out.write, chunk)

        await self._retrying("download", once)

    async def delete(self, bucket: str, path: str) -> None:
        validate_key(bucket, path)
        # The bulk route answers 200 with the objects it removed (none for a
        # missing one), so "already gone" needs no special case.
        await self._call("delete", lambda: self._sdk.from_(bucket).remove([path]))

    async def exists(self, bucket: str, path: str) -> bool:
        validate_key(bucket, path)
        try:
            await self._call("info", lambda: self._sdk.from_(bucket).info(path))
        except NotFound:
            return False
        return True

    async def signed_url(
        self, bucket: str, path: str, *, expires_in: int, base_url: str
    ) -> SignedURL:
        # Hand-written: storage3 sends {"expiresIn": "600"}, a string where
        # Storage's schema declares an integer. base_url is the engine's own
        # address: Supabase serves these downloads.
        validate_key(bucket, path)
        expires_at = datetime.fromtimestamp(int(time.time()) + expires_in, UTC)

        async def once() -> str:
            response = await self._http.post(
                self._url("/object/sign", bucket, path),
                headers=self._headers,
                json={"expiresIn": expires_in},
            )
            self._check(response, "sign")
            try:
                value = response.json()["signedURL"]
            except (ValueError, KeyError, TypeError) as exc:
                raise _unexpected() from exc
            if not isinstance(value, str) or "?token=" not in value:
                raise _unexpected()
            return value if value.startswith("/") else f"/{value}"

        signed = await self._retrying("sign", once)
        # download= makes Storage send Content-Disposition: attachment, as the local backend does
        return SignedURL(url=f"{self.base}{signed}&download=", expires_at=expires_at)

    async def signed_upload_url(
        self,
        bucket: str,
        path: str,
        *,
        content_type: str,
        max_bytes: int,
        expires_in: int,
        base_url: str,
    ) -> SignedUpload:
        # Without upsert the link can create the object once and never replace
        # it. The size cap is the bucket's file_size_limit; the lifetime is the
        # project's (read back from the token).
        validate_key(bucket, path)
        signed = await self._call(
            "sign upload", lambda: self._sdk.from_(bucket).create_signed_upload_url(path)
        )
        return SignedUpload(
            url=signed["signed_url"],
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=_token_expiry(signed["token"]),
        )

    async def ping(self) -> None:
        # One attempt: a readiness probe should answer now, not after backoff.
        try:
            await self._call("ping", lambda: self._sdk.get_bucket("uploads"), attempts=1)
        except NotFound as exc:
            raise StorageUnavailable(
                "the uploads bucket does not exist; run `soundstage migrate`"
            ) from exc
        except StorageFailed as exc:
            raise StorageUnavailable(exc.message) from exc

    # ------------------------------------------------------------- buckets

    async def ensure_buckets(self, specs: list[BucketSpec]) -> dict[str, str]:
        """Create missing buckets (private) and bring existing ones to ``specs``.

        Returns what happened per bucket: ``created`` or ``updated``.
        """
        return {spec.id: await self._ensure_bucket(spec) for spec in specs}

    async def _ensure_bucket(self, spec: BucketSpec) -> str:
        # file_size_limit None goes as null, which clears a limit set by hand
        # (the SDK's TypedDict says int only).
        options = cast(
            CreateOrUpdateBucketOptions,
            {
                "public": False,
                "file_size_limit": spec.file_size_limit,
                "allowed_mime_types": list(spec.allowed_mime_types),
            },
        )
        try:
            await self._call("get bucket", lambda: self._sdk.get_bucket(spec.id))
        except NotFound:
            try:
                await self._call(
                    "create bucket", lambda: self._sdk.create_bucket(spec.id, options=options)
                )
                return "created"
            except Conflict:
                pass  # another process created it a moment ago: update below
        await self._call("update bucket", lambda: self._sdk.update_bucket(spec.id, options))
        return "updated"


# What the engine stores in renders: audio, story videos (video/mp4) and their
# posters (image/jpeg), text reports and subtitles (text/*), JSON, and
# intermediate checkpoint files (octet-stream). supabase/config.toml's renders
# bucket lists the same (tests/test_supabase_config.py).
RENDER_CONTENT_TYPES = (
    "audio/*",
    "video/*",
    "image/*",
    "text/*",
    "application/json",
    "application/octet-stream",
)


def bucket_specs(settings: Settings) -> list[BucketSpec]:
    """The engine's two private buckets, limited to what the engine accepts or writes."""
    largest_upload = max(
        settings.max_upload_bytes_manuscript,
        settings.max_upload_bytes_audio,
        settings.max_upload_bytes_midi,
        settings.max_upload_bytes_image,
    )
    return [
        BucketSpec("uploads", largest_upload, CONTENT_TYPES),
        # No own size cap: a long render is as large as the project allows.
        BucketSpec("renders", None, RENDER_CONTENT_TYPES),
    ]


async def ensure_supabase_buckets(settings: Settings) -> dict[str, str]:
    """Create or update the engine's buckets (the migrate command, storage=supabase)."""
    assert settings.supabase_url and settings.supabase_service_role_key
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0)) as http:
        storage = SupabaseStorage(
            settings.supabase_url, settings.supabase_service_role_key.get_secret_value(), http
        )
        return await storage.ensure_buckets(bucket_specs(settings))


def _token_expiry(token: str) -> datetime:
    try:
        exp = jwt.decode(token, options={"verify_signature": False})["exp"]
        return datetime.fromtimestamp(int(exp), UTC)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError, OverflowError):
        return datetime.fromtimestamp(int(time.time()) + _DEFAULT_UPLOAD_URL_SECONDS, UTC)


async def _chunks(source: Path) -> AsyncIterator[bytes]:
    fh = await asyncio.to_thread(source.open, "rb")
    try:
        while chunk := await asyncio.to_thread(fh.read, _CHUNK):
            yield chunk
    finally:
        fh.close()
