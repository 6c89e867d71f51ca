from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.lexicon.schemas import LexiconEntry, LexiconEntryIn, LexiconList
from soundstage.lexicon.service import LexiconService
from soundstage.resources import Engine, get_engine

router = APIRouter(prefix="/v1/lexicon", tags=["lexicon"])


async def get_service(engine: Annotated[Engine, Depends(get_engine)]) -> LexiconService:
    return LexiconService(engine)


Service = Annotated[LexiconService, Depends(get_service)]


@router.get("", response_model=LexiconList, responses=error_responses(401))
async def list_entries(who: CurrentUser, service: Service) -> LexiconList:
    return await service.list(who)


@router.post(
    "",
    response_model=LexiconEntry,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": LexiconEntry, "description": "Term existed: spelling replaced"},
               **error_responses(401, 422)},
)  # fmt: skip
async def put_entry(
    body: LexiconEntryIn, who: CurrentUser, service: Service, response: Response
) -> LexiconEntry:
    """Add a term, or replace the spelling of an existing one (terms match
    whatever their case)."""
    entry, created = await service.put(who, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return entry


@router.delete(
    "/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404),
)
async def delete_entry(entry_id: UUID, who: CurrentUser, service: Service) -> None:
    await service.delete(who, entry_id)
