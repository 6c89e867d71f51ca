"""What the remote music providers add to the shared remote base (its HTTP client,
retries and error mapping (429 + Retry-After, 5xx and timeouts are retryable, other 4xx
permanent), plus the submit / poll / download cycle of a long-running task.

Polling tolerates a few retryable failures in a row (a 429 or a 502 while the
task runs on) so a task that is already paid for is not abandoned; submitting
does not, so the job queue's backoff applies there.
"""

from __future__ import annotations

import asyncio
import mimetypes
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.http import RemoteProvider
from soundstage.providers.music.base import new_output_path

T = TypeVar("T")

POLL_GROWTH = 1.5
POLL_MAX_SECONDS = 10.0
POLL_FAILURES_TOLERATED = 5
_AUDIO_SUFFIXES = {".wav", ".mp3", ".flac", ".ogg", ".m4a", ".opus"}


class RemoteMusicProvider(RemoteProvider):
    """Base for music servers: subclasses implement ``generate`` with
    ``send``, ``wait_for`` and ``download``."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        timeout: float,
        concurrency: int,
        poll_seconds: float = 2.0,
        max_wait_seconds: float = 1800.0,
        retry_wait: float = 0.5,
        blip_retries: int = 2,
    ) -> None:
        super().__init__(
            api_key=api_key or "",
            base_url=base_url,
            timeout=timeout,
            concurrency=concurrency,
            retry_wait=retry_wait,
            blip_retries=blip_retries,
        )
        self.poll_seconds = poll_seconds
        self.max_wait_seconds = max_wait_seconds

    async def wait_for(self, check: Callable[[], Awaitable[T | None]], what: str) -> T:
        """Call ``check`` until it returns a value, waiting ``poll_seconds`` at first
        and 1.5x longer each time (at most 10 s), for at most ``max_wait_seconds``."""
        deadline = time.monotonic() + self.max_wait_seconds
        delay = self.poll_seconds
        failures = 0
        while True:
            wait = delay
            try:
                result = await check()
            except RetryableError as exc:
                failures += 1
                if failures > POLL_FAILURES_TOLERATED:
                    raise
                wait = max(delay, exc.retry_after or 0.0)
            else:
                failures = 0
                if result is not None:
                    return result
            if time.monotonic() + wait > deadline:
                # Probably stuck or hopelessly queued; a later attempt submits afresh.
                raise RetryableError(
                    f"{self.label} did not finish {what} within {self.max_wait_seconds:g} s"
                )
            await asyncio.sleep(wait)
            delay = min(delay * POLL_GROWTH, max(self.poll_seconds, POLL_MAX_SECONDS))

    async def download(
        self, url: str, out_dir: Path, *, params: dict[str, str] | None = None
    ) -> Path:
        """GET ``url`` (absolute, or relative to the server) into a new file whose
        suffix comes from the URL or the content type."""
        resp = await self.send("GET", self.absolute(url), params=params)
        if not resp.content:
            raise RetryableError(f"{self.label} sent an empty audio file; will try again")
        suffix = Path(urlsplit(url).path).suffix.lower()
        if params and "path" in params:
            suffix = Path(params["path"]).suffix.lower()
        if suffix not in _AUDIO_SUFFIXES:
            ctype = resp.headers.get("content-type", "").split(";")[0].strip()
            guessed = mimetypes.guess_extension(ctype) or ".wav"
            suffix = {".mpga": ".mp3", ".mp2": ".mp3", ".oga": ".ogg"}.get(guessed, guessed)
        path = new_output_path(out_dir, self.name, suffix)
        path.write_bytes(resp.content)
        return path

    def absolute(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    def task_failed(self, message: str) -> PermanentError:
        text = self.scrub(message) if message else "no reason given"
        return PermanentError(f"{self.label} could not generate the music: {text}")


def response_json(provider: RemoteMusicProvider, resp: httpx.Response) -> object:
    try:
        return resp.json()
    except ValueError:
        raise RetryableError(
            f"{provider.label} sent an unreadable answer (HTTP {resp.status_code}); will try again"
        ) from None
