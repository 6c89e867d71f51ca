"""The dashboard over plain HTTP: its headers, static files, configuration and
the development-only token route (absent in production)."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from soundstage.dashboard.routes import STATIC_DIR


@asynccontextmanager
async def _client_for(
    settings: Settings, address: str = "127.0.0.1"
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, pipelines=TEST_KINDS)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(address, 40123))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
def production(dsn: str) -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="soundstage-prod-") as data:
        yield Settings(
            _env_file=None,  # type: ignore[call-arg]
            env="production",
            data_dir=Path(data),
            database_url=dsn,
            supabase_url="https://x.supabase.co",
            supabase_jwt_secret="a-production-secret-of-enough-length-0123456789",
        )


def _csp(response: httpx.Response) -> dict[str, str]:
    header = response.headers["content-security-policy"]
    directives = (d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


async def test_dashboard_page_is_served_under_a_strict_policy(client: httpx.AsyncClient) -> None:
    r = await client.get("/app")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/app/static/js/main.js">' in r.text
    csp = _csp(r)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["media-src"] == "'self' blob:"
    assert csp["connect-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    header = r.headers["content-security-policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "*" not in header
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    # the same page with a trailing slash, and / leads there
    assert (await client.get("/app/")).text == r.text
    # (a browser's Accept: with the audiobook surface on, `GET /` answers API
    # clients with that API's JSON root; see docs/compatibility.md)
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    root = await client.get("/", headers=browser, follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/app"


async def test_every_static_file_is_served_with_its_type_and_the_policy(
    client: httpx.AsyncClient,
) -> None:
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file() and p.suffix in types]
    assert {p.name for p in files} >= {"main.js", "api.js", "sse.js", "app.css", "icon.svg"}
    for path in files:
        rel = path.relative_to(STATIC_DIR).as_posix()
        r = await client.get(f"/app/static/{rel}")
        assert r.status_code == 200, rel
        assert r.headers["content-type"].startswith(types[path.suffix]), rel
        assert r.content == path.read_bytes()
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/app/static/../routes.py",
        "/app/static/%2e%2e/routes.py",
        "/app/static/..%2froutes.py",
        "/app/static/js/../../__init__.py",
        "/app/static/nothing.js",
        "/app/static/js",
        "/app/static/",
    ],
)
async def test_nothing_outside_the_static_folder_is_served(
    client: httpx.AsyncClient, path: str
) -> None:
    r = await client.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert "ensure_user" not in r.text


def test_markup_and_scripts_need_no_inline_code_or_style() -> None:
    """What the policy would refuse at run time, refused here first: inline
    scripts, style attributes and <style> blocks, eval, and markup built from
    strings (everything goes through textContent)."""
    html = (STATIC_DIR / "index.html").read_text()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)
    assert "http://" not in html and "https://" not in html  # nothing from another host
    for script in (STATIC_DIR / "js").glob("*.js"):
        code = script.read_text()
        for forbidden in (
            r"\.(inner|outer)HTML\b",
            r"insertAdjacentHTML\(",
            r"\beval\(",
            r"new Function\(",
            r"document\.write",
        ):
            assert not re.search(forbidden, code), f"{script.name} uses {forbidden}"
        assert not re.search(r"setAttribute\(\s*['\"]style", code), script.name
        assert not re.search(r"^\s*import .* from ['\"]https?:", code, re.M), script.name


async def test_config_offers_development_sign_in_here(client: httpx.AsyncClient) -> None:
    r = await client.get("/app/config.json")
    assert r.status_code == 200
    assert r.json() == {"env": "development", "dev_sign_in": True, "supabase": None}
    assert "content-security-policy" in r.headers


async def test_dev_token_signs_in_and_creates_the_user_once(
    client: httpx.AsyncClient, dsn: str
) -> None:
    email = f"Dash-{uuid.uuid4().hex[:8]}@Example.com"
    r = await client.post("/v1/dev/token", json={"email": email})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 24 * 3600
    assert body["user"]["email"] == email.lower()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    queue = await client.get("/v1/queue", headers=headers)
    assert queue.status_code == 200, queue.text

    again = (await client.post("/v1/dev/token", json={"email": email.lower()})).json()
    assert again["user"]["id"] == body["user"]["id"]
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("select id from auth.users where email = $1", email.lower())
    finally:
        await conn.close()
    assert [str(r["id"]) for r in rows] == [body["user"]["id"]]


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "not-an-email"},
        {"email": "two@@example.com"},
        {"email": "a b@example.com"},
        {"email": "x@nodot"},
        {},
        {"email": "a@example.com", "password": "extra"},
    ],
)
async def test_dev_token_refuses_bad_input_with_a_message(
    client: httpx.AsyncClient, payload: dict[str, str]
) -> None:
    r = await client.post("/v1/dev/token", json=payload)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("body")


async def test_dev_token_answers_only_this_machine(settings: Settings) -> None:
    async with _client_for(settings, address="203.0.113.7") as remote:
        r = await remote.post("/v1/dev/token", json={"email": "far@example.com"})
        assert r.status_code == 403
        assert r.json()["error"]["message"] == (
            "development sign-in only answers requests from this machine"
        )
        config = (await remote.get("/app/config.json")).json()
        assert config["dev_sign_in"] is False


async def test_production_has_no_dev_token_route(production: Settings) -> None:
    async with _client_for(production) as c:
        r = await c.post("/v1/dev/token", json={"email": "alice@example.com"})
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"
        assert "/v1/dev/token" not in (await c.get("/openapi.json")).json()["paths"]
        config = (await c.get("/app/config.json")).json()
        assert config == {"env": "production", "dev_sign_in": False, "supabase": None}
        page = await c.get("/app")
        assert page.status_code == 200
        # Supabase is reachable for sign-in (and its storage's signed URLs), nothing else
        csp = _csp(page)
        assert csp["connect-src"] == "'self' https://x.supabase.co wss://x.supabase.co"
        assert csp["media-src"] == "'self' blob: https://x.supabase.co"
        assert csp["script-src"] == "'self'"


async def test_config_offers_supabase_sign_in_when_the_anon_key_is_set(
    production: Settings,
) -> None:
    configured = production.model_copy(
        update={"supabase_url": "https://x.supabase.co/", "supabase_anon_key": "anon-public-key"}
    )
    async with _client_for(configured) as c:
        config = (await c.get("/app/config.json")).json()
    assert config["supabase"] == {"url": "https://x.supabase.co", "anon_key": "anon-public-key"}
    # the server-side secrets never reach the page
    assert "a-production-secret" not in str(config)
