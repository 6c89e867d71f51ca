"""Supabase Storage over its REST API (``{SUPABASE_URL}/storage/v1``), with the service key.

Routes used (those of supabase/storage and its clients):

* ``POST /object/{bucket}/{path}`` with ``x-upsert: true`` and the raw body: store
* ``GET /object/authenticated/{bucket}/{path}``: streamed download
* ``GET /object/info/authenticated/{bucket}/{path}``: does it exist
* ``DELETE /object/{bucket}`` with ``{"prefixes": [path]}``: delete (a missing object is no error)
* ``POST /object/sign/{bucket}/{path}`` with ``{"expiresIn": n}``
  -> ``{"signedURL": "/object/sign/...?token=..."}``
* ``POST /object/upload/sign/{bucket}/{path}``
  -> ``{"url": "/object/upload/sign/...?token=...", "token": ...}``; the client ``PUT``s there
* ``GET /bucket/{id}``, ``POST /bucket``, ``PUT /bucket/{id}``: buckets (``ensure_buckets``)

Errors come as ``{"statusCode": "404", "error": "not_found", "message": "Object not found"}``;
older Storage versions answer HTTP 400 with the real status only in ``statusCode``,
so the body's status wins over the HTTP one for 4xx. 5xx, 429 (honouring
``Retry-After``), timeouts and connection errors are retried with backoff; any
other 4xx is permanent. The service key is sent as ``Authorization`` and
``apikey`` and never logged or put into an error.
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
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import jwt
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
        self.attempts = attempts
        self._backoff = wait_random_exponential(multiplier=backoff_seconds, max=max_backoff_seconds)
        self.max_retry_after = max_retry_after_seconds

    def __repr__(self) -> str:  # never the key
        return f"SupabaseStorage({self.base!r})"

    # ------------------------------------------------------------ plumbing

    def _url(self, route: str, bucket: str, path: str | None = None) -> str:
        return f"{self.base}{route}/{bucket}" + (f"/{quote(path)}" if path is not None else "")

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

    async def _request(
        self,
        method: str,
        url: str,
        what: str,
        *,
        json: Any = None,
        attempts: int | None = None,
    ) -> httpx.Response:
        async def once() -> httpx.Response:
            response = await self._http.request(method, url, headers=self._headers, json=json)
            self._check(response, what)
            return response

        return await self._retrying(what, once, attempts=attempts)

    # ------------------------------------------------------------- objects

    async def put_file(self, bucket: str, path: str, source: Path, content_type: str) -> int:
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
        await self._request(
            "DELETE", self._url("/object", bucket), "delete", json={"prefixes": [path]}
        )

    async def exists(self, bucket: str, path: str) -> bool:
        validate_key(bucket, path)
        try:
            await self._request(
                "GET", self._url("/object/info/authenticated", bucket, path), "info"
            )
        except NotFound:
            return False
        return True

    async def signed_url(
        self, bucket: str, path: str, *, expires_in: int, base_url: str
    ) -> SignedURL:
        # base_url is the engine's own address: Supabase serves these downloads.
        validate_key(bucket, path)
        expires_at = datetime.fromtimestamp(int(time.time()) + expires_in, UTC)
        response = await self._request(
            "POST", self._url("/object/sign", bucket, path), "sign", json={"expiresIn": expires_in}
        )
        signed = self._relative(response, "signedURL")
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
        # Without x-upsert the link can create the object once and never replace
        # it. The size cap is the bucket's file_size_limit; the lifetime is the
        # project's (read back from the token).
        validate_key(bucket, path)
        response = await self._request(
            "POST", self._url("/object/upload/sign", bucket, path), "sign upload", json={}
        )
        relative = self._relative(response, "url")
        return SignedUpload(
            url=f"{self.base}{relative}",
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=_token_expiry(relative),
        )

    @staticmethod
    def _relative(response: httpx.Response, field: str) -> str:
        try:
            value = response.json()[field]
        except (ValueError, KeyError, TypeError) as exc:
            raise StorageFailed("file storage sent an unexpected answer") from exc
        if not isinstance(value, str) or "?token=" not in value:
            raise StorageFailed("file storage sent an unexpected answer")
        return value if value.startswith("/") else f"/{value}"

    async def ping(self) -> None:
        # One attempt: a readiness probe should answer now, not after backoff.
        try:
            await self._request("GET", f"{self.base}/bucket/uploads", "ping", attempts=1)
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
        done: dict[str, str] = {}
        for spec in specs:
            settings = {
                "public": False,
                "file_size_limit": spec.file_size_limit,
                "allowed_mime_types": list(spec.allowed_mime_types),
            }
            try:
                await self._request("GET", f"{self.base}/bucket/{spec.id}", "get bucket")
            except NotFound:
                try:
                    await self._request(
                        "POST",
                        f"{self.base}/bucket",
                        "create bucket",
                        json={"id": spec.id, "name": spec.id, **settings},
                    )
                    done[spec.id] = "created"
                    continue
                except Conflict:
                    pass  # another process created it a moment ago: update below
            await self._request(
                "PUT", f"{self.base}/bucket/{spec.id}", "update bucket", json=settings
            )
            done[spec.id] = "updated"
        return done


# What the engine stores in renders: audio, text reports and subtitles (text/*),
# JSON, and intermediate checkpoint files (octet-stream).
RENDER_CONTENT_TYPES = ("audio/*", "text/*", "application/json", "application/octet-stream")


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


def _token_expiry(relative_url: str) -> datetime:
    token = relative_url.partition("?token=")[2].partition("&")[0]
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
