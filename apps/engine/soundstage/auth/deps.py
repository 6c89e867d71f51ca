"""The FastAPI dependency that turns ``Authorization: Bearer`` into a Principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from soundstage.auth.tokens import Principal
from soundstage.engine import Engine, get_engine
from soundstage.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A Supabase access token (JWT)")


async def current_user(
    engine: Annotated[Engine, Depends(get_engine)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    return await engine.verifier.verify(credentials.credentials)


CurrentUser = Annotated[Principal, Depends(current_user)]
