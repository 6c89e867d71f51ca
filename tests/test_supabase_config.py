"""supabase/config.toml (the Supabase CLI's local stack) agrees with the docs
and with the engine: one development host for auth and CORS, the `soundstage`
schema exposed to the Data API, and bucket limits that let through everything
the engine accepts and writes."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from soundstage.config import Settings
from soundstage.sniff import CONTENT_TYPES
from soundstage.storage.supabase import RENDER_CONTENT_TYPES, bucket_specs

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "apps" / "engine" / "soundstage"

# Files that name the development URLs of apps/web, the engine and Supabase.
DEV_URL_FILES = (
    "supabase/config.toml",
    "docs/frontend.md",
    "docs/deploy.md",
    "Makefile",
    "apps/web/.env.example",
    "apps/web/src/lib/config.ts",
)


def _config() -> dict[str, Any]:
    return tomllib.loads((REPO / "supabase" / "config.toml").read_text())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _documented_web_url() -> str:
    """The URL docs/frontend.md tells a developer to open apps/web at."""
    found = re.findall(r"Open <(http://[^>]+)>", (REPO / "docs" / "frontend.md").read_text())
    assert len(found) == 1, found
    return str(found[0])


def _bytes(size: str) -> int:
    """A size as the Supabase CLI reads it (go-units RAMInBytes: binary units,
    "MB" and "MiB" alike)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?", size)
    assert match, size
    power = " kmgtp".index((match[2] or " ").lower())
    return int(float(match[1]) * 1024**power)


def _allows(patterns: list[str], content_type: str) -> bool:
    """Storage's allowed_mime_types: exact types or `type/*`."""
    return any(
        content_type == p or (p.endswith("/*") and content_type.startswith(p[:-1]))
        for p in patterns
    )


def _written_content_types() -> set[str]:
    """Every content type the engine's code stores under a literal: the last
    argument of add_output/put_file calls, and the CONTENT_TYPES maps that
    pipelines pick their format's type from."""
    mime = re.compile(r"[a-z]+/[a-z0-9.+-]+")
    found: set[str] = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"add_output", "put_file", "_put_file"}
                and node.args
            ):
                last = node.args[-1]
                if isinstance(last, ast.Constant) and isinstance(last.value, str):
                    found.add(last.value)
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            if any(
                isinstance(t, ast.Name) and t.id == "CONTENT_TYPES" for t in targets
            ) and isinstance(value, ast.Dict):
                found |= {v.value for v in value.values if isinstance(v, ast.Constant)}
    return {t for t in found if mime.fullmatch(t)}


def test_the_soundstage_schema_is_exposed_to_the_data_api() -> None:
    api = _config()["api"]
    assert api["schemas"] == ["public", "graphql_public", "soundstage"]
    assert "extensions" in api["extra_search_path"]


def test_auth_urls_use_the_documented_development_host() -> None:
    web = _documented_web_url()
    auth = _config()["auth"]
    assert auth["site_url"] == web
    for url in auth["additional_redirect_urls"]:
        assert _origin(url) == web, url
    host = urlsplit(web).hostname
    assert host == "127.0.0.1"
    # make web serves apps/web there, and the engine's CORS example allows it.
    makefile = (REPO / "Makefile").read_text()
    assert re.search(rf"^HOST \?= {re.escape(host)}$", makefile, re.M)
    assert re.search(rf"^WEB_PORT \?= {urlsplit(web).port}$", makefile, re.M)
    assert f"SOUNDSTAGE_CORS_ORIGINS='[\"{web}\"]'" in (REPO / "docs" / "frontend.md").read_text()
    # The engine apps/web calls by default is on the same host.
    env_example = (REPO / "apps" / "web" / ".env.example").read_text()
    engine_url = re.search(r"^NEXT_PUBLIC_ENGINE_URL=(\S+)$", env_example, re.M)
    assert engine_url and urlsplit(engine_url[1]).hostname == host
    # CORS has no development default that could name the other host.
    assert Settings.model_construct().cors_origins == []


def test_no_file_mixes_localhost_into_the_development_urls() -> None:
    for name in DEV_URL_FILES:
        assert not re.search(r"//localhost\b", (REPO / name).read_text()), name


def test_the_uploads_bucket_takes_everything_the_engine_accepts() -> None:
    storage = _config()["storage"]
    uploads = storage["buckets"]["uploads"]
    assert uploads["public"] is False
    assert sorted(uploads["allowed_mime_types"]) == sorted(CONTENT_TYPES)
    spec = bucket_specs(Settings.model_construct())[0]
    assert spec.id == "uploads" and spec.file_size_limit is not None
    # The largest upload of any category fits; each category's own limit is
    # the engine's to enforce.
    assert _bytes(uploads["file_size_limit"]) >= spec.file_size_limit
    assert _bytes(uploads["file_size_limit"]) <= _bytes(storage["file_size_limit"])


def test_the_renders_bucket_takes_everything_the_engine_writes() -> None:
    storage = _config()["storage"]
    renders = storage["buckets"]["renders"]
    assert renders["public"] is False
    assert renders["allowed_mime_types"] == list(RENDER_CONTENT_TYPES)
    # Like bucket_specs' renders (no limit of its own): the project's maximum.
    assert bucket_specs(Settings.model_construct())[1].file_size_limit is None
    assert _bytes(renders["file_size_limit"]) == _bytes(storage["file_size_limit"])
    assert _bytes(renders["file_size_limit"]) >= _bytes(
        storage["buckets"]["uploads"]["file_size_limit"]
    )

    written = _written_content_types()
    # The scan sees the pipelines (a scan that finds nothing proves nothing).
    assert {"video/mp4", "image/jpeg", "text/vtt", "audio/mpeg", "audio/midi"} <= written
    assert {"application/json", "application/octet-stream", "audio/wav", "audio/mp4"} <= written
    # Projects copy audio and MIDI uploads into renders too.
    copied = {t for t in CONTENT_TYPES if t.startswith("audio/")}
    refused = sorted(t for t in written | copied if not _allows(renders["allowed_mime_types"], t))
    assert refused == []


def test_size_parsing_matches_the_supabase_cli() -> None:
    assert _bytes("200MiB") == _bytes("200MB") == 200 * 1024**2
    assert _bytes("2GiB") == 2 * 1024**3
    assert _bytes("50000") == 50_000
