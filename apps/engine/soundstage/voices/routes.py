from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.resources import Engine, get_engine
from soundstage.voices.schemas import VoiceList
from soundstage.voices.service import VoiceService

router = APIRouter(prefix="/v1", tags=["voices"])


async def get_service(engine: Annotated[Engine, Depends(get_engine)]) -> VoiceService:
    return VoiceService(engine)


Service = Annotated[VoiceService, Depends(get_service)]


@router.get("/voices", response_model=VoiceList, responses=error_responses(401, 422, 503))
async def list_voices(
    request: Request,
    _: CurrentUser,
    service: Service,
    provider: Annotated[
        str | None,
        Query(
            max_length=32,
            description="local, openai, elevenlabs or inworld; omitted: every configured one",
        ),
    ] = None,
) -> VoiceList:
    """The voices a book can be read with. An unconfigured provider is 422 naming
    the setting to set; a provider that cannot be reached is 503."""
    return await service.list(provider, service.engine.base_url(request))
