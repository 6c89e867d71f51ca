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
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from soundstage.config import Settings
from soundstage.errors import Unauthorized

LOCAL_ISSUER = "soundstage-local"
_ASYMMETRIC = ("ES256", "RS256")


@dataclass(frozen=True)
class Principal:
    """A verified caller."""

    user_id: uuid.UUID
    email: str | None
    claims: dict[str, Any] = field(repr=False)


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
    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None) -> None:
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

    @property
    def algorithms(self) -> list[str]:
        algs = ["HS256"] if self._hs_secret else []
        return algs + (list(_ASYMMETRIC) if self._jwks else [])

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("malformed token") from exc
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise Unauthorized("token algorithm not allowed")
        key: Any
        if alg == "HS256":
            key = self._hs_secret
        else:
            assert self._jwks is not None
            kid = header.get("kid")
            if not isinstance(kid, str):
                raise Unauthorized("token has no key id")
            key = await self._jwks.get(kid)
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
        return Principal(
            user_id=user_id, email=email if isinstance(email, str) else None, claims=claims
        )


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
