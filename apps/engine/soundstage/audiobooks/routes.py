from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from soundstage.audiobooks.schemas import AudiobookParams, Preview, RegenerateRequest
from soundstage.audiobooks.service import AudiobookService
from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.jobs.schemas import Job
from soundstage.ratelimit.deps import RateLimited
from soundstage.resources import Engine, get_engine

router = APIRouter(prefix="/v1", tags=["audiobooks"])


async def get_service(engine: Annotated[Engine, Depends(get_engine)]) -> AudiobookService:
    return AudiobookService(engine)


Service = Annotated[AudiobookService, Depends(get_service)]


@router.post(
    "/audiobooks/preview",
    response_model=Preview,
    responses=error_responses(401, 413, 422, 429),
    dependencies=[Depends(RateLimited("previews"))],
)
async def preview(body: AudiobookParams, who: CurrentUser, service: Service) -> Preview:
    """What a book would be, before spending anything: chapters, characters,
    listening time, cost per configured provider, share of dialogue, quota."""
    return await service.preview(who, body)


@router.post(
    "/jobs/{job_id}/regenerate",
    response_model=Job,
    responses=error_responses(401, 404, 409, 422),
)
async def regenerate(
    request: Request, job_id: UUID, body: RegenerateRequest, who: CurrentUser, service: Service
) -> Job:
    """Render one chunk of a finished audiobook again (optionally with new text
    or another voice); only that chunk is synthesised, the outputs are rebuilt."""
    return await service.regenerate(who, job_id, body, service.engine.base_url(request))
