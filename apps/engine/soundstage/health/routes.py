from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel

from soundstage.errors import NotFound, ServiceUnavailable, StorageUnavailable, Unauthorized
from soundstage.errors_http import error_responses
from soundstage.jobs import repository as jobs_repo
from soundstage.observability import metrics
from soundstage.providers import torch_device
from soundstage.resources import Engine, get_engine

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


class Health(BaseModel):
    status: str


@router.get("/health", response_model=Health)
async def health() -> Health:
    """The process is up (Railway's health check)."""
    return Health(status="ok")


class Ready(Health):
    # Where this process's torch models run (SOUNDSTAGE_TORCH_DEVICE resolved:
    # "cpu", "cuda", "cuda:1", "mps"); null when none is configured here.
    torch_device: str | None = None
    torch_dtype: str | None = None


@router.get("/ready", response_model=Ready, responses=error_responses(503))
async def ready(engine: Annotated[Engine, Depends(get_engine)]) -> Ready:
    """The database and storage answer; which device the torch models use."""
    try:
        await engine.db.ping()
    except (OSError, asyncpg.PostgresError) as exc:
        raise ServiceUnavailable("database unreachable") from exc
    try:
        await engine.storage.ping()
    except OSError as exc:
        raise StorageUnavailable("storage unreachable") from exc
    # resolved once per process; the first call may import torch (in a thread)
    where = await asyncio.to_thread(torch_device.describe, engine.settings)
    return Ready(
        status="ready",
        torch_device=where.device if where else None,
        torch_dtype=where.dtype if where else None,
    )


# ``GET /metrics`` in the Prometheus text format (tagged apart from /health).
operations = APIRouter(tags=["operations"])
# a scrape must not hang on a busy database
QUEUE_QUERY_SECONDS = 5.0


@operations.get("/metrics", include_in_schema=False)
async def get_metrics(
    engine: Annotated[Engine, Depends(get_engine)],
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """With ``SOUNDSTAGE_METRICS_TOKEN`` set, a scraper must send it as a bearer
    token. Unset, the endpoint is open in development and absent in production."""
    expected = engine.settings.metrics_token
    if expected is None:
        if not engine.settings.is_development:
            raise NotFound("not found")
    else:
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), expected.get_secret_value().encode()
        ):
            raise Unauthorized("a valid metrics token is required")
    try:
        async with asyncio.timeout(QUEUE_QUERY_SECONDS), engine.db.privileged() as conn:
            metrics.set_queue_depth(await jobs_repo.queue_depth(conn))
    except (OSError, TimeoutError, asyncpg.PostgresError):
        # a scrape still answers with the other metrics; the gauge keeps its last value
        log.warning("reading the queue depth for /metrics failed", exc_info=True)
    where = await asyncio.to_thread(torch_device.describe, engine.settings)
    if where is not None:
        metrics.set_torch_device(where.device, where.dtype)
    body, content_type = metrics.render()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
