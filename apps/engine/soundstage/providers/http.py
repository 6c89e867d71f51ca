"""The shared base of every remote provider (TTS, music, and later image, LLM,
singing): one HTTP client and one concurrency limit per provider and event loop,
short in-call retries with tenacity, and the mapping from HTTP failures to
retryable or permanent errors.

Providers that have a kept vendor SDK (``openai``, ``elevenlabs``) call it
through :meth:`RemoteProvider.call` on this same client, with the SDK's own
retries off, and map its exceptions back to the response or transport error
they wrap (:meth:`RemoteProvider.failure_of`), so one policy and one set of
messages serve both.

Retries here are only for blips (a reset connection, a 502 from a load balancer):
up to ``blip_retries`` quick tries, a second or so apart. Anything that needs a
longer wait (429, a 503 with a long ``Retry-After``, a timeout) becomes a
:class:`RetryableError` carrying ``retry_after``, and the job queue waits, so a
worker slot is not held for minutes.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from soundstage.errors import PermanentError, PipelineError, RetryableError
from soundstage.providers.loops import PerLoop

T = TypeVar("T")

_SERVER_BLIPS = frozenset({500, 502, 503, 504})
# Key-shaped strings an API may echo back (OpenAI masks but still quotes keys).
_KEYLIKE = re.compile(r"\b(sk|xi|sk_proj|sk-proj)[-_][A-Za-z0-9*_\-]{6,}")
_MAX_MESSAGE = 300


class _Blip(Exception):
    """A failure worth one more quick try inside the same call."""

    def __init__(self, reason: str, response: httpx.Response | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.response = response


class HTTPFailure(Exception):
    """A non-2xx answer, raised inside an attempt so the retry policy sees it."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


# Framing headers of the original answer; a rebuilt one carries decoded content.
_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def rebuild_response(status: int, headers: Mapping[str, str] | None, body: Any) -> httpx.Response:
    """An ``httpx.Response`` again from what an SDK exception kept of it (status,
    headers, parsed body), so :meth:`RemoteProvider.error_for` reads it as usual."""
    kept = {k: v for k, v in (headers or {}).items() if k.lower() not in _FRAMING}
    if isinstance(body, str):
        return httpx.Response(status, headers=kept, content=body.encode())
    if isinstance(body, bytes):
        return httpx.Response(status, headers=kept, content=body)
    if body is None:
        return httpx.Response(status, headers=kept)
    kept = {k: v for k, v in kept.items() if k.lower() != "content-type"}
    return httpx.Response(status, headers=kept, json=body)


@dataclass
class _LoopState:
    slots: asyncio.Semaphore
    client: httpx.AsyncClient
    # one shared fetch at a time (a TTS catalogue, say), per event loop
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def json_body(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def api_message(body: Any, resp: httpx.Response) -> str:
    """The human part of an API error body, in the shapes these APIs use:
    OpenAI ``{"error": {"message"}}``, ElevenLabs and FastAPI servers
    ``{"detail": {"message"} | "..." | [{"msg"}]}``, Inworld (gRPC gateway)
    ``{"code", "message"}``."""
    if isinstance(body, dict):
        for key in ("error", "detail"):
            value = body.get(key)
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])
            if isinstance(value, str):
                return value
            if isinstance(value, list) and value and isinstance(value[0], dict):
                return str(value[0].get("msg", ""))
        if isinstance(body.get("message"), str):
            return str(body["message"])
    if resp.headers.get("content-type", "").startswith("text/"):
        return resp.text.strip()
    return ""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RemoteProvider:
    """Base for HTTP providers; subclasses set the class constants and implement
    ``_auth_headers`` and, when the API says more than its status code,
    ``_classify``."""

    name: str
    label: ClassVar[str]  # as users know it: "OpenAI", "ElevenLabs", "Inworld"
    key_env: ClassVar[str]  # the setting to fix when the key is refused

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: float,
        concurrency: int,
        retry_wait: float = 0.5,
        blip_retries: int = 2,
    ) -> None:
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.concurrency = concurrency
        self._retry_wait = retry_wait
        self._blip_retries = blip_retries
        self._state = PerLoop(self._new_state)

    def __repr__(self) -> str:  # never the key
        return f"{type(self).__name__}(base_url={self.base_url!r}, concurrency={self.concurrency})"

    def _new_state(self) -> _LoopState:
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
            limits=httpx.Limits(
                max_connections=self.concurrency + 2, max_keepalive_connections=self.concurrency
            ),
            headers={"User-Agent": "soundstage"},
        )
        return _LoopState(slots=asyncio.Semaphore(self.concurrency), client=client)

    async def aclose(self) -> None:
        state = self._state.peek()
        if state is not None:
            await state.client.aclose()

    # --- subclass hooks -------------------------------------------------------

    def _auth_headers(self) -> dict[str, str]:
        raise NotImplementedError

    def _classify(self, resp: httpx.Response, body: Any, voice: str | None) -> PipelineError | None:
        """A provider-specific error for this response, or None for the generic one."""
        return None

    # --- HTTP -----------------------------------------------------------------

    def slots(self) -> asyncio.Semaphore:
        """The per-process limit on requests in flight to this provider."""
        return self._state.get().slots

    def http_client(self) -> httpx.AsyncClient:
        """This event loop's client (an SDK client is built on it)."""
        return self._state.get().client

    async def send(
        self,
        method: str,
        url: str,
        *,
        voice: str | None = None,
        ok_statuses: Collection[int] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """One raw API call with quick retries for blips; a non-2xx answer (other
        than ``ok_statuses``) is raised as a RetryableError or PermanentError
        (``voice`` names the voice in messages)."""
        client = self._state.get().client
        headers = {**self._auth_headers(), **kwargs.pop("headers", {})}

        async def attempt() -> httpx.Response:
            resp = await client.request(method, url, headers=headers, **kwargs)
            if resp.is_success or resp.status_code in ok_statuses:
                return resp
            raise HTTPFailure(resp)

        return await self.call(attempt, voice=voice)

    async def call(self, attempt: Callable[[], Awaitable[T]], *, voice: str | None = None) -> T:
        """Run ``attempt`` (a raw request or an SDK call) under the blip policy:
        quick retries for resets and short 5xx, anything else raised at once as
        a RetryableError or PermanentError."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._blip_retries + 1),
            wait=wait_random_exponential(multiplier=self._retry_wait, max=self._retry_wait * 4),
            retry=retry_if_exception_type(_Blip),
            reraise=True,
        )
        try:
            result: T = await retrying(self._attempt_once, attempt, voice)
        except _Blip as blip:
            if blip.response is not None:
                raise self.error_for(blip.response, voice) from None
            raise RetryableError(
                f"{self.label} could not be reached ({blip.reason}); will try again"
            ) from blip
        return result

    async def _attempt_once(self, attempt: Callable[[], Awaitable[T]], voice: str | None) -> T:
        try:
            return await attempt()
        except PipelineError:
            raise
        except Exception as exc:
            failure = self.failure_of(exc)
            if failure is None:
                raise
            if isinstance(failure, httpx.Response):
                if failure.status_code in _SERVER_BLIPS:
                    wait = self.retry_after(failure)
                    if wait is None or wait <= self._retry_wait * 4:
                        raise _Blip(f"HTTP {failure.status_code}", failure) from None
                # from None: an SDK's exception text quotes the API's body.
                raise self.error_for(failure, voice) from None
            if isinstance(failure, httpx.ConnectTimeout):
                raise _Blip("connection timed out") from exc
            if isinstance(failure, httpx.TimeoutException):
                # The request may be half done upstream; waiting a whole timeout again
                # inside this call would pin a worker slot, so the queue retries it.
                raise RetryableError(
                    f"{self.label} did not answer within {self.timeout:g} s; will try again"
                ) from exc
            raise _Blip(type(failure).__name__) from exc

    def failure_of(self, exc: Exception) -> httpx.Response | httpx.TransportError | None:
        """The HTTP answer or transport error behind ``exc``; None for anything
        else (a bug: raised as it is). SDK providers extend this for the SDK's
        exception types."""
        if isinstance(exc, HTTPFailure):
            return exc.response
        if isinstance(exc, httpx.TransportError):
            return exc
        return None

    # --- errors ---------------------------------------------------------------

    @staticmethod
    def retry_after(resp: httpx.Response) -> float | None:
        if (ms := resp.headers.get("retry-after-ms")) is not None:
            seconds = parse_retry_after(ms)
            if seconds is not None:
                return seconds / 1000.0
        return parse_retry_after(resp.headers.get("retry-after"))

    def scrub(self, message: str) -> str:
        """An API's own words, safe to show: without the key, one line, bounded."""
        if self._api_key:
            message = message.replace(self._api_key, "***")
        message = _KEYLIKE.sub("***", message)
        message = " ".join(message.split())
        return message[:_MAX_MESSAGE] + ("…" if len(message) > _MAX_MESSAGE else "")

    def key_refused(self) -> PermanentError:
        return PermanentError(f"the {self.label} API key was refused: check {self.key_env}")

    def unknown_voice(self, voice: str, detail: str = "") -> PermanentError:
        suffix = f" ({detail})" if detail else ""
        return PermanentError(
            f"{self.label} has no voice '{voice}' for this account{suffix}; "
            f"GET /v1/voices?provider={self.name} lists the voices you can use"
        )

    def error_for(self, resp: httpx.Response, voice: str | None) -> PipelineError:
        body = json_body(resp)
        specific = self._classify(resp, body, voice)
        if specific is not None:
            return specific
        status = resp.status_code
        message = self.scrub(api_message(body, resp))
        if status == 401:
            return self.key_refused()
        if status == 403:
            # 403s also mean "this key may not use that model or region": say which.
            refused = self.key_refused()
            return PermanentError(f"{refused.message} ({message})" if message else refused.message)
        if status == 429:
            return RetryableError(
                f"{self.label} is rate limiting requests; will try again",
                retry_after=self.retry_after(resp),
            )
        if status == 408 or status >= 500:
            return RetryableError(
                f"{self.label} failed with HTTP {status}; will try again",
                retry_after=self.retry_after(resp),
            )
        return PermanentError(
            f"{self.label} refused the request (HTTP {status}): {message or resp.reason_phrase}"
        )
