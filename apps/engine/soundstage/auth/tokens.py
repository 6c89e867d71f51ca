"""Verify Supabase access tokens (and the engine's own development tokens).

Accepted algorithms follow the configuration, never the token: HS256 only
when a shared secret is configured (``SUPABASE_JWT_SECRET``, or the generated
local secret in development), ES256/RS256 only through the project's JWKS when
``SUPABASE_URL`` is set. ``alg: none`` is never accepted.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import httpx
import jwt

from soundstage.config import Settings
from soundstage.errors import Unauthorized

LOCAL_ISSUER = "soundstage-local"
_ASYMMETRIC = ("ES256", "RS256")
# Verified tokens kept; a client reuses its access token for every request of
# a session, so a thousand covers as many concurrently active sessions.
TOKEN_CACHE_SIZE = 1024


@dataclass(frozen=True)
class Principal:
    """A verified caller. ``claims`` is read-only: one verified token's Principal
    is shared by every request that presents it (see ``TokenVerifier``)."""

    user_id: uuid.UUID
    email: str | None
    claims: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class _Verified:
    """A cache entry: what verifying the token gave, and what it depended on."""

    principal: Principal
    exp: float  # the token's own expiry (epoch seconds); the entry is dead from then on
    kid: str | None  # the JWKS key it was checked against (None for HS256) ...
    jwk: jwt.PyJWK | None  # ... and that key, as fetched


class JWKSCache:
    """Keys from ``{SUPABASE_URL}/auth/v1/.well-known/jwks.json``.

    Cached for ``ttl`` seconds; an unknown ``kid`` triggers a refetch at most
    once per ``min_refetch_seconds``, so a flood of forged tokens cannot turn
    into a flood of requests to Supabase. Key rotation works without a restart.
    """

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        ttl: float = 600.0,
        min_refetch_seconds: float = 30.0,
    ) -> None:
        self.url = url
        self._http = http
        self._ttl = ttl
        self._min_refetch = min_refetch_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        response = await self._http.get(self.url, timeout=5.0)
        response.raise_for_status()
        payload = response.json()
        entries = payload.get("keys") if isinstance(payload, dict) else None
        if not isinstance(entries, list):
            raise ValueError("the JWKS response has no list of keys")
        keys: dict[str, jwt.PyJWK] = {}
        for data in entries:
            if not isinstance(data, dict) or data.get("alg") not in _ASYMMETRIC:
                continue
            if not isinstance(data.get("kid"), str):
                continue
            try:
                keys[data["kid"]] = jwt.PyJWK(data)
            except jwt.PyJWTError:
                continue  # one unusable key must not take the others down
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def get(self, kid: str) -> jwt.PyJWK:
        key = self._keys.get(kid)
        if key is not None and time.monotonic() - self._fetched_at <= self._ttl:
            return key
        async with self._lock:
            # Re-checked under the lock: concurrent requests share one fetch.
            age = time.monotonic() - self._fetched_at
            if age > self._ttl or (kid not in self._keys and age > self._min_refetch):
                try:
                    await self._refresh()
                except (httpx.HTTPError, ValueError) as exc:
                    if not self._keys:
                        raise Unauthorized("token signing keys are unavailable") from exc
        key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("token signed with an unknown key")
        return key


class TokenVerifier:
    """Verifies bearer tokens, and remembers the ones that passed.

    PyJWT's checks cost more than the rest of a cheap request's own work, and a
    client sends the same token with every request of a session. So a verified
    token is kept (at most ``cache_size``, least recently used out first), keyed
    by its exact string - one changed byte is a miss and is verified in full -
    and used only while ``now < exp``: from its expiry on it is verified afresh,
    so an expired token is refused exactly as without the cache (PyJWT's leeway
    applies then, never a cached entry past ``exp``). A token checked against a
    JWKS key is reused only while the key set still holds that very key, so a
    withdrawn key stops its tokens as soon as the refreshed set drops it.
    Failures are never cached: a refused token costs a full verification each
    time, as before.
    """

    def __init__(
        self,
        settings: Settings,
        http: httpx.AsyncClient | None = None,
        *,
        cache_size: int = TOKEN_CACHE_SIZE,
    ) -> None:
        self.audience = settings.jwt_audience
        self.leeway = settings.jwt_leeway_seconds
        self.issuer = settings.jwt_issuer or LOCAL_ISSUER
        self._hs_secret: str | None = None
        if settings.supabase_jwt_secret is not None or settings.is_development:
            self._hs_secret = settings.local_jwt_secret()
        self._jwks: JWKSCache | None = None
        if settings.supabase_url and http is not None:
            self._jwks = JWKSCache(
                f"{settings.supabase_url.rstrip('/')}/auth/v1/.well-known/jwks.json",
                http,
                ttl=settings.jwks_cache_seconds,
            )
        self._cache_size = cache_size
        self._cache: OrderedDict[str, _Verified] = OrderedDict()

    @property
    def algorithms(self) -> list[str]:
        algs = ["HS256"] if self._hs_secret else []
        return algs + (list(_ASYMMETRIC) if self._jwks else [])

    async def verify(self, token: str) -> Principal:
        cached = self._cache.get(token)
        if cached is not None:
            valid = await self._still_valid(cached)
            # (a JWKS refetch above may have let other requests change the cache)
            if self._cache.get(token) is cached:
                if valid:
                    self._cache.move_to_end(token)
                else:
                    del self._cache[token]
            if valid:
                return cached.principal
        verified = await self._verify(token)
        # (a token inside the leeway past its exp passed, but is not worth keeping)
        if self._cache_size > 0 and time.time() < verified.exp:
            self._cache[token] = verified
            self._cache.move_to_end(token)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return verified.principal

    async def _still_valid(self, entry: _Verified) -> bool:
        if time.time() >= entry.exp:
            return False
        if entry.jwk is None:
            return True  # HS256: the secret is fixed for this verifier's life
        assert self._jwks is not None and entry.kid is not None
        try:
            # Cheap while the key set is fresh; refetched (rate-limited) once stale.
            current = await self._jwks.get(entry.kid)
        except Unauthorized:
            return False  # the full verification will say why
        return current is entry.jwk

    async def _verify(self, token: str) -> _Verified:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("malformed token") from exc
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise Unauthorized("token algorithm not allowed")
        key: Any
        kid: Any = None
        jwk: jwt.PyJWK | None = None
        if alg == "HS256":
            key = self._hs_secret
        else:
            assert self._jwks is not None
            kid = header.get("kid")
            if not isinstance(kid, str):
                raise Unauthorized("token has no key id")
            key = jwk = await self._jwks.get(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token") from exc
        try:
            user_id = uuid.UUID(str(claims["sub"]))
        except ValueError as exc:
            raise Unauthorized("token subject is not a user id") from exc
        email = claims.get("email")
        principal = Principal(
            user_id=user_id,
            email=email if isinstance(email, str) else None,
            claims=MappingProxyType(claims),
        )
        # "exp" is required and PyJWT checked it is a number
        return _Verified(principal, exp=float(claims["exp"]), kid=kid, jwk=jwk)


def mint_local_token(
    settings: Settings, user_id: uuid.UUID, email: str, *, ttl_seconds: int = 24 * 3600
) -> str:
    """A development token shaped like a Supabase access token."""
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "email": email,
        "aud": settings.jwt_audience,
        "role": "authenticated",
        "iss": settings.jwt_issuer or LOCAL_ISSUER,
        "iat": now,
        "exp": now + ttl_seconds,
        "session_id": str(uuid.uuid4()),
    }
    return jwt.encode(claims, settings.local_jwt_secret(), algorithm="HS256")
