"""The delivery loop: outbox rows to signed HTTP POSTs.

A worker runs one :class:`Deliverer` beside its jobs. It claims due messages
(``repository.claim_due``: FOR UPDATE SKIP LOCKED, each claimed for the length
of one attempt and a margin), so several workers never send the same message
at the same time; a worker that dies mid-attempt leaves the message due again
when its claim runs out, and another worker sends it (at least once: the same
``webhook-id`` lets the receiver drop a repeat).

Each attempt re-resolves the host and checks every address
(:mod:`soundstage.webhooks.addresses`), then connects to a checked address
itself (``Host`` and TLS SNI keep the name), follows no redirect, reads no
response body and gives up after ``webhook_timeout_seconds``. A failure is
retried with exponential backoff and jitter until the retry window (24 h) is
spent; then the message fails and the webhook is disabled with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import httpx

from soundstage.config import Settings
from soundstage.db import Database
from soundstage.webhooks import repository as repo
from soundstage.webhooks.addresses import (
    AddressRefused,
    Resolver,
    Target,
    parse,
    resolve_checked,
    system_resolver,
)
from soundstage.webhooks.service import message_id
from soundstage.webhooks.signing import headers as signature_headers

log = logging.getLogger(__name__)

USER_AGENT = "Soundstage-Webhooks/1"
MAX_ERROR_CHARS = 300
# connection pools kept per scheme, host and port (idle ones beyond this are closed)
MAX_POOLS = 256
# how often a worker deletes messages past SOUNDSTAGE_WEBHOOK_LOG_RETENTION_DAYS
PURGE_EVERY_SECONDS = 600.0
PURGE_BATCH = 10_000


@dataclass
class _Pool:
    client: httpx.AsyncClient
    in_use: int = 0


def retry_delay(attempt: int, settings: Settings) -> float:
    """base * 2^(attempt-1), capped, with +-25% jitter (receivers that failed
    together do not all come back at the same instant)."""
    delay: float = min(
        settings.webhook_retry_max_seconds,
        settings.webhook_retry_base_seconds * 2 ** max(attempt - 1, 0),
    )
    return float(delay * random.uniform(0.75, 1.25))


def payload(event_type: str, created_at: datetime, data: dict[str, Any]) -> bytes:
    return json.dumps(
        {"type": event_type, "timestamp": created_at.isoformat(), "data": data},
        separators=(",", ":"),
    ).encode()


def _connect_url(target: Target, address: str) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"{target.scheme}://{host}:{target.port}{target.path}"


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


class Deliverer:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        resolver: Resolver | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.db = db
        self.settings = settings
        self.resolver = resolver or system_resolver
        self.production = not settings.is_development
        self.concurrency = settings.webhook_concurrency
        # an attempt's claim outlasts the attempt: no other worker takes it meanwhile
        self.claim_seconds = 2 * settings.webhook_timeout_seconds + 1
        self._verify = verify
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        # One connection pool per scheme://host:port, never shared between
        # names: a connection is made to a checked address with TLS verified
        # for one name, and must not carry another name's request (two names
        # on one address would otherwise share it).
        self._pools: OrderedDict[str, _Pool] = OrderedDict()

    def wake(self) -> None:
        """Something is due (NOTIFY soundstage_webhooks)."""
        self._wake.set()

    def _new_client(self) -> httpx.AsyncClient:
        timeout = self.settings.webhook_timeout_seconds
        return httpx.AsyncClient(
            verify=self._verify,
            follow_redirects=False,
            # no proxy from the environment: the request must go to the address
            # that was checked
            trust_env=False,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(
                max_connections=self.concurrency, max_keepalive_connections=self.concurrency
            ),
            headers={"user-agent": USER_AGENT},
        )

    @contextlib.asynccontextmanager
    async def _client_for(self, target: Target) -> AsyncIterator[httpx.AsyncClient]:
        key = f"{target.scheme}://{target.host}:{target.port}"
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _Pool(self._new_client())
        self._pools.move_to_end(key)
        pool.in_use += 1
        try:
            yield pool.client
        finally:
            pool.in_use -= 1
            await self._trim()

    async def _trim(self) -> None:
        for key in [k for k, p in self._pools.items() if p.in_use == 0]:
            if len(self._pools) <= MAX_POOLS:
                break
            pool = self._pools.get(key)
            if pool is not None and pool.in_use == 0:  # (re-read: awaits came between)
                del self._pools[key]
                await pool.client.aclose()

    async def _close_pools(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            with contextlib.suppress(Exception):
                await pool.client.aclose()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; attempts in flight then get one
        timeout to finish (the rest are abandoned: their claims run out)."""
        purged_at = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() - purged_at >= PURGE_EVERY_SECONDS:
                    purged_at = time.monotonic()
                    try:
                        await self.purge()
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                        log.warning("webhook log purge failed (%s)", type(exc).__name__)
                self._wake.clear()
                free = self.concurrency - len(self._inflight)
                claimed = 0
                if free > 0:
                    try:
                        claimed = await self._claim_and_start(free)
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                        log.warning("webhook claim failed (%s); retrying", type(exc).__name__)
                if free > 0 and claimed == free:
                    continue  # more may be due right now
                waits: list[asyncio.Future[Any]] = [
                    asyncio.ensure_future(self._wake.wait()),
                    asyncio.ensure_future(stop.wait()),
                ]
                await asyncio.wait(
                    waits,
                    timeout=self.settings.webhook_poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for w in waits:
                    w.cancel()
        finally:
            if self._inflight:
                _, pending = await asyncio.wait(
                    self._inflight, timeout=self.settings.webhook_timeout_seconds
                )
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
            await self._close_pools()

    async def purge(self) -> int:
        """Delete finished messages past the retention, in batches."""
        total = 0
        while True:
            async with self.db.privileged() as conn:
                n = await repo.purge_finished(
                    conn,
                    older_than_days=self.settings.webhook_log_retention_days,
                    limit=PURGE_BATCH,
                )
            total += n
            if n < PURGE_BATCH:
                return total

    async def _claim_and_start(self, limit: int) -> int:
        async with self.db.privileged() as conn:
            rows = await repo.claim_due(conn, limit=limit, claim_seconds=self.claim_seconds)
        for row in rows:
            task = asyncio.create_task(self.deliver(row), name=f"webhook-{row['id']}")
            self._inflight.add(task)

            def _done(t: asyncio.Task[None]) -> None:
                self._inflight.discard(t)
                self._wake.set()  # a slot is free

            task.add_done_callback(_done)
        return len(rows)

    async def deliver_due(self) -> int:
        """Claim what is due now and deliver it, waiting for every attempt (tests
        and one-off runs); the number of attempts made."""
        async with self.db.privileged() as conn:
            rows = await repo.claim_due(
                conn, limit=self.concurrency, claim_seconds=self.claim_seconds
            )
        try:
            await asyncio.gather(*(self.deliver(row) for row in rows))
        finally:
            await self._close_pools()
        return len(rows)

    async def deliver(self, row: asyncpg.Record) -> None:
        try:
            await self._deliver(row)
        except Exception:
            # A bug must not end the loop; the message's claim runs out and it
            # is tried again.
            log.exception("webhook delivery %s crashed", row["id"])

    async def _deliver(self, row: asyncpg.Record) -> None:
        attempt: int = row["attempts"]
        body = payload(row["event_type"], row["created_at"], row["data"])
        msg_id = message_id(row["id"])
        status_code: int | None = None
        error: str | None = None
        started = time.monotonic()
        try:
            target = parse(row["url"], production=self.production)
            addresses = await resolve_checked(target, self.resolver, production=self.production)
            async with self._client_for(target) as client:
                status_code = await self._post(
                    client, target, addresses, msg_id, body, row["secret"], row["previous_secret"]
                )
            if not 200 <= status_code < 300:
                error = (
                    f"HTTP {status_code} (redirects are not followed)"
                    if 300 <= status_code < 400
                    else f"HTTP {status_code}"
                )
        except AddressRefused as exc:
            error = exc.message
        except httpx.TimeoutException:
            error = f"timed out after {self.settings.webhook_timeout_seconds:g} s"
        except (httpx.HTTPError, OSError) as exc:
            # the exception's text names the address and the failure, never the secret
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        latency_ms = round((time.monotonic() - started) * 1000)
        delivered = error is None
        retry_in: float | None = None
        if not delivered:
            retry_in = retry_delay(attempt, self.settings)
            created: datetime = row["created_at"]
            age = time.time() - created.timestamp()
            if age + retry_in > self.settings.webhook_retry_window_seconds:
                retry_in = None  # the window is spent: the message fails
        if error is not None:
            error = error[:MAX_ERROR_CHARS]
        async with self.db.privileged() as conn:
            recorded = await repo.record_attempt(
                conn,
                message_id=row["id"],
                attempt=attempt,
                delivered=delivered,
                status_code=status_code,
                latency_ms=latency_ms,
                error=error,
                retry_in=retry_in,
            )
            if recorded and not delivered and retry_in is None:
                hours = self.settings.webhook_retry_window_seconds / 3600
                reason = (
                    f"deliveries failed for {hours:g} h ({attempt} attempts); last error: {error}"
                )
                if await repo.disable_if_failing(
                    conn, row["webhook_id"], row["created_at"], reason
                ):
                    log.warning("webhook %s disabled: %s", row["webhook_id"], reason)
        if not recorded:
            log.info("webhook message %s: attempt %d outcome not recorded (claim lapsed)",
                     msg_id, attempt)  # fmt: skip

    async def _post(
        self,
        client: httpx.AsyncClient,
        target: Target,
        addresses: list[str],
        msg_id: str,
        body: bytes,
        secret: str,
        previous_secret: str | None,
    ) -> int:
        """POST to the first checked address that accepts a connection."""
        headers = {
            "content-type": "application/json",
            "host": _host_header(target),
            **signature_headers(secret, msg_id, int(time.time()), body, previous_secret),
        }
        extensions: dict[str, Any] = {}
        if target.scheme == "https" and target.literal is None:
            # TLS to the address, certificate checked against the name
            extensions["sni_hostname"] = target.host
        last: Exception | None = None
        for address in addresses:
            request = client.build_request(
                "POST",
                _connect_url(target, address),
                content=body,
                headers=headers,
                extensions=extensions,
            )
            try:
                response = await client.send(request, stream=True)
            except httpx.ConnectError as exc:
                last = exc
                continue
            # the body is never read: a huge or endless one costs nothing
            with contextlib.suppress(Exception):
                await response.aclose()
            return response.status_code
        assert last is not None
        raise last
