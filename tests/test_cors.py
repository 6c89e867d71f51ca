"""CORS: an exact list of browser origins from settings; ``*`` only in
development, and never together with credentials."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from pydantic import ValidationError

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings

APP_ORIGIN = "https://app.example.com"
EVIL_ORIGIN = "https://evil.example.net"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
}


def _settings(origins: list[str], **extra: object) -> Settings:
    return Settings(_env_file=None, cors_origins=origins, **extra)  # type: ignore[arg-type]


ClientFor = Callable[[list[str]], httpx.AsyncClient]


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFor]:
    clients: list[httpx.AsyncClient] = []

    def _make(origins: list[str]) -> httpx.AsyncClient:
        # No lifespan: preflights and /health never reach the database.
        app = create_app(_settings(origins), pipelines=TEST_KINDS)
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(c)
        return c

    yield _make
    for c in clients:
        await c.aclose()


async def test_preflight_from_an_allowed_origin_is_echoed_with_credentials(
    client_for: ClientFor,
) -> None:
    c = client_for([APP_ORIGIN, "https://staging.example.com"])
    r = await c.options("/v1/jobs", headers={"Origin": APP_ORIGIN, **PREFLIGHT})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == APP_ORIGIN
    assert r.headers["access-control-allow-credentials"] == "true"
    allowed = {h.strip().lower() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "last-event-id"} <= allowed
    assert "x-upsert" in allowed  # supabase-js sends it with every signed upload
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "origin" in r.headers.get("vary", "").lower()

    # and on the actual response, with the headers browser code may read
    r = await c.get("/health", headers={"Origin": APP_ORIGIN})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == APP_ORIGIN
    assert r.headers["access-control-allow-credentials"] == "true"
    exposed = r.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed
    # players seek with Range; downloads name their file
    assert "content-range" in exposed and "content-disposition" in exposed


async def test_a_disallowed_origin_gets_no_cors_headers(client_for: ClientFor) -> None:
    c = client_for([APP_ORIGIN])
    for origin in (EVIL_ORIGIN, "https://app.example.com.evil.example.net", "null"):
        r = await c.options("/v1/jobs", headers={"Origin": origin, **PREFLIGHT})
        assert r.status_code == 400
        assert "access-control-allow-origin" not in r.headers
        r = await c.get("/health", headers={"Origin": origin})
        # The browser, not the server, withholds the body: without
        # Allow-Origin nothing else (Starlette still sends Allow-Credentials) counts.
        assert r.status_code == 200
        assert "access-control-allow-origin" not in r.headers


async def test_no_origins_configured_means_no_cors_at_all(client_for: ClientFor) -> None:
    c = client_for([])
    r = await c.get("/health", headers={"Origin": APP_ORIGIN})
    assert not any(h.startswith("access-control-") for h in r.headers)
    r = await c.options("/v1/jobs", headers={"Origin": APP_ORIGIN, **PREFLIGHT})
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("origins", [["*"], ["*", APP_ORIGIN]])
async def test_wildcard_in_development_allows_any_origin_without_credentials(
    client_for: ClientFor, origins: list[str]
) -> None:
    c = client_for(origins)
    r = await c.options("/v1/jobs", headers={"Origin": EVIL_ORIGIN, **PREFLIGHT})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    r = await c.get("/health", headers={"Origin": EVIL_ORIGIN})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers


@pytest.mark.parametrize("origins", [["*"], [APP_ORIGIN, "*"]])
def test_wildcard_is_refused_in_production(origins: list[str]) -> None:
    with pytest.raises(ValidationError, match="may not contain"):
        _settings(
            origins,
            env="production",
            database_url="postgresql://u:p@db.example.com:5432/postgres",
            supabase_url="https://abc.supabase.co",
            supabase_jwt_secret="x" * 40,
        )
    # the same settings with an exact list are fine
    ok = _settings(
        [APP_ORIGIN],
        env="production",
        database_url="postgresql://u:p@db.example.com:5432/postgres",
        supabase_url="https://abc.supabase.co",
        supabase_jwt_secret="x" * 40,
    )
    assert ok.cors_origins == [APP_ORIGIN]
