from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from soundstage.auth import api_keys
from soundstage.auth.tokens import Principal
from soundstage.errors import Unauthorized
from soundstage.resources import Engine

bearer = HTTPBearer(
    auto_error=False, description="A Supabase access token (JWT), or an API key (sk_...)"
)
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (sk_...) from /v1/api-keys"
)


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    api_key: Annotated[str | None, Depends(api_key_header)] = None,
) -> Principal:
    # The engine straight from the app state (what get_engine returns): on every
    # authenticated request, one dependency fewer for FastAPI to solve.
    engine: Engine = request.app.state.engine
    if (
        api_key is None
        and credentials is not None
        and api_keys.looks_like_key(credentials.credentials)
    ):
        api_key = credentials.credentials  # Authorization: Bearer sk_...
    if api_key is not None:
        who = await api_keys.authenticate(engine.db, engine.settings, api_key)
        api_keys.check_route_scope(request, who)
        return who
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    return await engine.verifier.verify(credentials.credentials)


CurrentUser = Annotated[Principal, Depends(current_user)]
