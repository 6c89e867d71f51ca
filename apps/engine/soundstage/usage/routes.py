from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.resources import Engine, get_engine
from soundstage.usage.schemas import Usage
from soundstage.usage.service import UsageService

router = APIRouter(prefix="/v1", tags=["usage"])


async def get_service(engine: Annotated[Engine, Depends(get_engine)]) -> UsageService:
    return UsageService(engine)


@router.get("/usage", response_model=Usage, responses=error_responses(401))
async def usage(who: CurrentUser, service: Annotated[UsageService, Depends(get_service)]) -> Usage:
    """This calendar month's usage (UTC) against the caller's quotas."""
    return await service.usage(who)
