"""API keys: ``sk_...`` secrets that act as their owner.

A key is accepted as ``X-API-Key: sk_...`` or ``Authorization: Bearer sk_...``
(:func:`soundstage.auth.deps.current_user`). It resolves to a
:class:`~soundstage.auth.tokens.Principal` whose claims carry ``sub`` = the
owner, exactly what a token of the owner's would give, so every query runs on
the same RLS path and rate limits and quotas (keyed by user id) are the owner's.
The claims also name the key and its scopes, which routes check
(:class:`RequireScope`).

Revocation takes effect on the very next request, on every replica: a key is
looked up in Postgres on each request (one unique-index probe on its SHA-256),
never cached in process memory, so there is no cache to outlive a revocation
and nothing to invalidate across processes. Only the *last used* time is
throttled: it is written at most once per :data:`TOUCH_EVERY_SECONDS` per key
per process, and the UPDATE itself skips a row touched that recently by any
process.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, get_args

from fastapi import Request

from soundstage.auth import repository as repo
from soundstage.auth.schemas import Scope
from soundstage.auth.tokens import Principal
from soundstage.config import Settings
from soundstage.db import Database
from soundstage.errors import Forbidden, Unauthorized

KEY_PREFIX: Final = "sk_"
# What the owner sees of a key in lists: "sk_" and 8 of its random characters.
SHOWN_CHARS: Final = 11
TOUCH_EVERY_SECONDS: Final = 60.0

SCOPES: Final[tuple[str, ...]] = get_args(Scope)

CLAIM: Final = "soundstage_api_key"
"""The claim naming the key and its scopes in a key's Principal."""


class InsufficientScope(Forbidden):
    code = "insufficient_scope"


def new_key() -> str:
    """A fresh key: 32 random bytes, URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> bytes:
    """What is stored and looked up: SHA-256 of the whole key. The key has 256
    random bits, so no salt or slow hash is needed (there is nothing to guess)."""
    return hashlib.sha256(key.encode()).digest()


def looks_like_key(value: str) -> bool:
    return value.startswith(KEY_PREFIX)


# Per process: when this process last recorded each key's use (monotonic).
_touched: dict[uuid.UUID, float] = {}
_TOUCHED_MAX = 10_000


async def authenticate(db: Database, settings: Settings, key: str) -> Principal:
    """The owner of a live key, or 401 (unknown, malformed or revoked)."""
    if not looks_like_key(key) or len(key) > 200:
        raise Unauthorized("invalid or revoked API key")
    async with db.privileged() as conn:
        row = await repo.resolve_api_key(conn, hash_key(key))
        if row is None:
            raise Unauthorized("invalid or revoked API key")
        now = time.monotonic()
        last = _touched.get(row["id"])
        if last is None or now - last >= TOUCH_EVERY_SECONDS:
            if len(_touched) >= _TOUCHED_MAX:
                _touched.clear()  # rare; the SQL's own condition still throttles
            _touched[row["id"]] = now
            await repo.touch_api_key(conn, row["id"], TOUCH_EVERY_SECONDS)
    claims: dict[str, Any] = {
        "sub": str(row["user_id"]),
        "email": row["email"],
        "aud": settings.jwt_audience,
        "role": "authenticated",
        # a key has no expiry; this mirrors a token's claim for code that reads it
        "exp": int(time.time()) + 60,
        CLAIM: {"id": str(row["id"]), "scopes": list(row["scopes"])},
    }
    return Principal(user_id=row["user_id"], email=row["email"], claims=MappingProxyType(claims))


def key_scopes(who: Principal) -> list[str] | None:
    """The scopes of the key ``who`` came with; None for a token (all of them)."""
    info = who.claims.get(CLAIM)
    if not isinstance(info, Mapping):
        return None
    scopes = info.get("scopes")
    return list(scopes) if isinstance(scopes, list) else []


class RequireScope:
    """A route's (or router's) declaration of the scope an API key needs there.

    ``RequireScope("jobs")`` means ``jobs:read`` for GET and HEAD and
    ``jobs:write`` otherwise; ``RequireScope("usage:read")`` names one scope.
    Declared with ``dependencies=[Depends(RequireScope(...))]`` (on the include,
    the router or the route, ahead of any dependency that authenticates). The
    check is made where the key is resolved (:func:`check_route_scope`), and a
    route that declares nothing refuses keys (403): a new route is closed to
    keys until it says which scope opens it.
    Tokens are not affected.
    """

    def __init__(self, scope: str) -> None:
        base = scope.split(":", 1)[0]
        if ":" in scope and scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        if ":" not in scope and f"{base}:read" not in SCOPES and f"{base}:write" not in SCOPES:
            raise ValueError(f"unknown scope resource {scope!r}")
        self.scope = scope

    def for_method(self, method: str) -> str:
        if ":" in self.scope:
            return self.scope
        return f"{self.scope}:read" if method in ("GET", "HEAD") else f"{self.scope}:write"

    async def __call__(self, request: Request) -> None:
        # Declared dependencies (the include's, the router's, then the route's
        # `dependencies=`) are solved before the endpoint's parameters, so this
        # runs before current_user resolves a key. A RequireScope placed after a
        # dependency that authenticates fails closed (the key is refused).
        request.state.api_key_scope = self.for_method(request.method)


def declared_scope(request: Request) -> str | None:
    """The scope the matched route declared for this request's method, if any."""
    scope = getattr(request.state, "api_key_scope", None)
    return scope if isinstance(scope, str) else None


def check_route_scope(request: Request, who: Principal) -> None:
    """403 unless ``who`` is a token, or a key holding the route's scope."""
    scopes = key_scopes(who)
    if scopes is None:
        return
    needed = declared_scope(request)
    if needed is None:
        raise InsufficientScope("this route does not accept API keys; use an access token")
    if needed not in scopes:
        raise InsufficientScope(
            f"this API key lacks the {needed!r} scope", details={"required": needed}
        )
