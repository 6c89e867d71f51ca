"""Prometheus metrics.

Every metric lives in prometheus_client's default registry, one per process:
``soundstage run`` (API and worker in one process) exposes all of them on the
API's ``GET /metrics``; a separate ``soundstage worker`` process serves its own
on ``SOUNDSTAGE_WORKER_METRICS_PORT``.

Labels are bounded on purpose: routes are templates (``/v1/jobs/{job_id}``),
never raw paths; job kinds are registered pipelines; providers are names in
the provider registry.

Provider code records its calls with::

    async with observe_provider_call("openai") as call:
        response = await client.post(...)
        if response.status_code == 429:
            call.outcome = "rate_limited"   # optional; otherwise ok / error kinds
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    start_http_server,
)

from soundstage.errors import SoundstageError

log = logging.getLogger(__name__)

# No *_created series: one extra series per label set that Prometheus does not use.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream

HTTP_REQUESTS = Counter(
    "soundstage_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "soundstage_http_request_duration_seconds",
    "HTTP request latency (to the end of the body; streams count in full).",
    ["method", "route"],
)
JOBS = Counter(
    "soundstage_jobs_total",
    "Job attempts that ended, by kind and outcome "
    "(succeeded, failed, canceled, retried, lease_lost, released).",
    ["kind", "outcome"],
)
JOB_DURATION = Histogram(
    "soundstage_job_duration_seconds",
    "Time from claim to the end of one attempt, by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400),
)
QUEUE_JOBS = Gauge(
    "soundstage_queue_jobs",
    "Unfinished jobs in the database by status (all workers), read at scrape time.",
    ["status"],
)
PROVIDER_REQUESTS = Counter(
    "soundstage_provider_requests_total",
    "Calls to model providers (TTS, music, ...) by provider and outcome.",
    ["provider", "outcome"],
)
PROVIDER_DURATION = Histogram(
    "soundstage_provider_request_duration_seconds",
    "Latency of calls to model providers.",
    ["provider"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
TORCH_DEVICE = Gauge(
    "soundstage_torch_device_info",
    "Where this process's torch models run (1 for the device and dtype in use; "
    "absent when no torch model is configured).",
    ["device", "dtype"],
)
RATE_LIMITED = Counter(
    "soundstage_rate_limited_total",
    "Requests refused by a rate limit, by action and scope (user or ip).",
    ["action", "scope"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# The labelled children per (method, route, status): `labels()` checks and
# copies its arguments and takes the metric's lock on every call; a dict lookup
# does not. Bounded as the label sets are (methods, route templates, statuses).
_request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    children = _request_children.get((method, route, status))
    if children is None:
        # a client may send any method name; keep the label set bounded
        label = method if method in _METHODS else "OTHER"
        children = (
            HTTP_REQUESTS.labels(method=label, route=route, status=str(status)),
            HTTP_DURATION.labels(method=label, route=route),
        )
        if label != "OTHER":  # (never cache arbitrary method names)
            _request_children[(method, route, status)] = children
    children[0].inc()
    children[1].observe(seconds)


def observe_job(kind: str, outcome: str, seconds: float) -> None:
    JOBS.labels(kind=kind, outcome=outcome).inc()
    JOB_DURATION.labels(kind=kind, outcome=outcome).observe(max(0.0, seconds))


@dataclass
class ProviderCall:
    """Handed out by :func:`observe_provider_call`; set ``outcome`` to override
    the automatic one (keep to a handful of values, e.g. ``rate_limited``)."""

    provider: str
    outcome: str | None = None


def _outcome_of(exc: BaseException) -> str:
    if isinstance(exc, asyncio.CancelledError):
        return "canceled"
    if isinstance(exc, SoundstageError):
        return "retryable_error" if exc.retryable else "permanent_error"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    return "error"


@asynccontextmanager
async def observe_provider_call(provider: str) -> AsyncIterator[ProviderCall]:
    """Count and time one call to a provider: ``ok`` when the block finishes,
    otherwise an outcome from the exception (``retryable_error``,
    ``permanent_error``, ``timeout``, ``canceled``, ``error``). The exception
    is re-raised untouched."""
    call = ProviderCall(provider)
    start = time.perf_counter()
    try:
        yield call
    except BaseException as exc:
        outcome = call.outcome or _outcome_of(exc)
        raise
    else:
        outcome = call.outcome or "ok"
    finally:
        PROVIDER_DURATION.labels(provider=provider).observe(time.perf_counter() - start)
        PROVIDER_REQUESTS.labels(provider=provider, outcome=outcome).inc()


def set_torch_device(device: str, dtype: str) -> None:
    """Record the torch placement (one series: a new one replaces the old)."""
    TORCH_DEVICE.clear()
    TORCH_DEVICE.labels(device=device, dtype=dtype).set(1)


def set_queue_depth(depth: dict[str, int]) -> None:
    """``soundstage_queue_jobs``, from a count the caller read (``GET /metrics``)."""
    for status, count in depth.items():
        QUEUE_JOBS.labels(status=status).set(count)


def render() -> tuple[bytes, str]:
    """The exposition text of this process's metrics and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_worker_metrics(port: int, addr: str = "0.0.0.0") -> None:
    """Serve this process's metrics on ``port`` (a thread; for ``soundstage worker``)."""
    start_http_server(port, addr=addr)
    log.info("worker metrics on http://%s:%d/metrics", addr, port)
