"""``/v1/api-keys``: a user's API keys. Managed with an access token only: no
route here declares a scope, so a key cannot mint or revoke keys."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from soundstage.auth.deps import CurrentUser
from soundstage.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyList
from soundstage.auth.service import ApiKeyService
from soundstage.errors_http import error_responses
from soundstage.resources import Engine

router = APIRouter(prefix="/v1/api-keys", tags=["api-keys"])


def _service(request: Request) -> ApiKeyService:
    engine: Engine = request.app.state.engine
    return ApiKeyService(engine)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=error_responses(401, 403, 409, 422),
)
async def create_api_key(request: Request, body: ApiKeyCreate, who: CurrentUser) -> ApiKeyCreated:
    """A new key with these scopes. ``key`` is in this answer only: it is
    stored as a hash and cannot be shown again."""
    return await _service(request).create(who, body)


@router.get("", response_model=ApiKeyList, responses=error_responses(401, 403))
async def list_api_keys(request: Request, who: CurrentUser) -> ApiKeyList:
    """Your keys, revoked ones included, newest first (never the keys themselves)."""
    return await _service(request).list(who)


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 404),
)
async def revoke_api_key(request: Request, key_id: UUID, who: CurrentUser) -> None:
    """Revoke a key: refused (401) from the next request on, on every replica."""
    await _service(request).revoke(who, key_id)
