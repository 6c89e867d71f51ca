"""The FastAPI dependency that turns ``Authorization: Bearer`` into a Principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from soundstage.auth.tokens import Principal
from soundstage.errors import Unauthorized
from soundstage.resources import Engine

bearer = HTTPBearer(auto_error=False, description="A Supabase access token (JWT)")


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    # The engine straight from the app state (what get_engine returns): on every
    # authenticated request, one dependency fewer for FastAPI to solve.
    engine: Engine = request.app.state.engine
    return await engine.verifier.verify(credentials.credentials)


CurrentUser = Annotated[Principal, Depends(current_user)]
