"""``GET /metrics`` in the Prometheus text format."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from soundstage.errors import NotFound, Unauthorized
from soundstage.observability import metrics
from soundstage.resources import Engine, get_engine

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
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
    await metrics.refresh_queue_depth(engine.db)
    body, content_type = metrics.render()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
