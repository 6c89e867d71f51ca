"""The dashboard: static files at ``/app`` under a strict Content-Security-Policy,
its configuration, and the development-only token route.

Everything the page needs is served from this origin (no CDN, no build step);
the only other origin it may talk to is Supabase (Auth, and Realtime for live
progress), when configured.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import FileResponse, RedirectResponse

from soundstage.auth.repository import ensure_user
from soundstage.auth.tokens import mint_local_token
from soundstage.config import Settings
from soundstage.dashboard.schemas import (
    DashboardConfig,
    DevToken,
    DevTokenRequest,
    DevUser,
    SupabaseAuth,
)
from soundstage.errors import Forbidden, NotFound
from soundstage.errors_http import error_responses
from soundstage.resources import Engine, get_engine

STATIC_DIR = (Path(__file__).parent / "static").resolve()
DEV_TOKEN_TTL_SECONDS = 24 * 3600

# Only these are served, each with an explicit type: with nosniff, a module
# script with a guessed (or system-dependent) type would be refused.
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

router = APIRouter(tags=["dashboard"])
dev_router = APIRouter(prefix="/v1/dev", tags=["development"])


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _socket_origin(origin: str | None) -> str | None:
    """The WebSocket origin of an http(s) origin: Supabase Realtime's socket."""
    if not origin:
        return None
    return "ws" + origin.removeprefix("http")


def content_security_policy(settings: Settings) -> str:
    """No inline script or style anywhere. Beyond 'self': Supabase (Auth sign-in,
    Realtime's WebSocket for live progress, and signed URLs once Supabase Storage
    serves them) and the public URL signed links point at, when those are
    configured. The socket's ws(s) origin is named on its own: not every browser
    lets an http(s) source match a WebSocket URL."""
    supabase = _origin(settings.supabase_url)
    extra = sorted({o for o in (supabase, _origin(settings.public_url)) if o})
    sockets = [s for s in (_socket_origin(supabase),) if s]
    connect = " ".join(["'self'", *extra, *sockets])
    media = " ".join(["'self'", "blob:", *extra])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"media-src {media}; connect-src {connect}; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    )


def _security_headers(settings: Settings) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # Revalidate every load (ETag/Last-Modified): no stale page after an upgrade.
        "Cache-Control": "no-cache",
    }


def _file(settings: Settings, target: Path) -> FileResponse:
    return FileResponse(
        target,
        media_type=_MEDIA_TYPES[target.suffix],
        headers=_security_headers(settings),
    )


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


EngineDep = Annotated[Engine, Depends(get_engine)]


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("/app", status_code=status.HTTP_307_TEMPORARY_REDIRECT)


@router.get("/app", include_in_schema=False)
@router.get("/app/", include_in_schema=False)
async def dashboard_page(engine: EngineDep) -> FileResponse:
    return _file(engine.settings, STATIC_DIR / "index.html")


@router.get("/app/static/{path:path}", include_in_schema=False)
async def dashboard_static(path: str, engine: EngineDep) -> FileResponse:
    target = (STATIC_DIR / path).resolve()
    if (
        not target.is_relative_to(STATIC_DIR)
        or target.suffix not in _MEDIA_TYPES
        or not target.is_file()
    ):
        raise NotFound("no such file")
    return _file(engine.settings, target)


@router.get("/app/config.json", response_model=DashboardConfig)
async def dashboard_config(
    request: Request, response: Response, engine: EngineDep
) -> DashboardConfig:
    """How the dashboard may sign in here. Holds nothing secret: the Supabase anon
    key is public by design (Row Level Security is what protects the data)."""
    settings = engine.settings
    response.headers.update(_security_headers(settings))
    supabase = (
        SupabaseAuth(url=settings.supabase_url.rstrip("/"), anon_key=settings.supabase_anon_key)
        if settings.supabase_url and settings.supabase_anon_key
        else None
    )
    return DashboardConfig(
        env=settings.env.value,
        dev_sign_in=settings.is_development and _is_loopback(request),
        supabase=supabase,
    )


@dev_router.post("/token", response_model=DevToken, responses=error_responses(403, 422))
async def dev_token(request: Request, body: DevTokenRequest, engine: EngineDep) -> DevToken:
    """Development only (absent in production): a token for this email, creating
    the user if needed, like ``soundstage token``. Answers only requests from
    this machine, so an engine left in development mode on a public address does
    not hand out accounts to anyone who asks."""
    if not engine.settings.is_development:  # registered only in development; belt and braces
        raise NotFound("not found")
    if not _is_loopback(request):
        raise Forbidden("development sign-in only answers requests from this machine")
    async with engine.db.privileged() as conn:
        user_id = await ensure_user(conn, body.email)
    token = mint_local_token(
        engine.settings, user_id, body.email, ttl_seconds=DEV_TOKEN_TTL_SECONDS
    )
    return DevToken(
        access_token=token,
        expires_in=DEV_TOKEN_TTL_SECONDS,
        user=DevUser(id=user_id, email=body.email),
    )
