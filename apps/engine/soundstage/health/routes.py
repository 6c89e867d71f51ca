from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends
from pydantic import BaseModel

from soundstage.errors import ServiceUnavailable
from soundstage.errors_http import error_responses
from soundstage.resources import Engine, get_engine

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/health", response_model=Health)
async def health() -> Health:
    """The process is up (Railway's health check)."""
    return Health(status="ok")


@router.get("/ready", response_model=Health, responses=error_responses(503))
async def ready(engine: Annotated[Engine, Depends(get_engine)]) -> Health:
    """The database and storage answer."""
    try:
        await engine.db.ping()
    except (OSError, asyncpg.PostgresError) as exc:
        raise ServiceUnavailable("database unreachable") from exc
    try:
        await engine.storage.ping()
    except OSError as exc:
        raise ServiceUnavailable("storage unreachable") from exc
    return Health(status="ready")
