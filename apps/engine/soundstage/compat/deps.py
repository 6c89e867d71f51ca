"""Who is calling a compatibility route.

The same credentials as ``/v1``: a Bearer access token, or an API key
(``X-API-Key: sk_...`` or ``Authorization: Bearer sk_...``). The frontends of the
backends Soundstage replaces often send none; in development only,
``SOUNDSTAGE_COMPAT_ANONYMOUS_EMAIL`` maps such calls to that user so the
frontend runs unchanged on a laptop. Production refuses them (401).
"""

from __future__ import annotations

import time
import uuid
from types import MappingProxyType
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from soundstage.auth.deps import api_key_header, bearer, current_user
from soundstage.auth.repository import ensure_user
from soundstage.auth.tokens import Principal
from soundstage.errors import Unauthorized
from soundstage.resources import Engine

# Anonymous development calls: the user's id, looked up once per engine.
_ANON_CACHE = "compat_anonymous_user"


async def compat_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    api_key: Annotated[str | None, Depends(api_key_header)] = None,
) -> Principal:
    if credentials is not None or api_key is not None:
        # a token or an API key (X-API-Key / Bearer sk_...), checked as on /v1
        return await current_user(request, credentials, api_key)
    engine: Engine = request.app.state.engine
    email = engine.settings.compat_anonymous_email
    if not (engine.settings.is_development and email):
        raise Unauthorized()
    cached: tuple[str, uuid.UUID] | None = getattr(request.app.state, _ANON_CACHE, None)
    if cached is None or cached[0] != email:
        async with engine.db.privileged() as conn:
            cached = (email, await ensure_user(conn, email))
        setattr(request.app.state, _ANON_CACHE, cached)
    user_id = cached[1]
    # the claims a minted development token would carry, so RLS sees the same
    claims = {
        "sub": str(user_id),
        "email": email,
        "aud": engine.settings.jwt_audience,
        "role": "authenticated",
        "exp": int(time.time()) + 60,
    }
    return Principal(user_id=user_id, email=email, claims=MappingProxyType(claims))


CompatUser = Annotated[Principal, Depends(compat_user)]
