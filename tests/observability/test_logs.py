"""Structured logs: request ids in and out, job ids in the worker's lines, and
no bearer token, signed-URL token or manuscript text in any line."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import structlog

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from soundstage.observability.logs import ensure_logging, get_logger, make_formatter
from soundstage.worker import Worker
from support import MakeUser, wait_for_status


class Captured:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Every log line, rendered exactly as SOUNDSTAGE_LOG_FORMAT=json renders it."""
    ensure_logging("console")
    cap = Captured()
    handler = logging.StreamHandler(cap.stream)
    handler.setFormatter(make_formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield cap
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_request_id_is_taken_or_made_bound_and_returned(
    client: httpx.AsyncClient, captured: Captured
) -> None:
    r = await client.get("/health", headers={"X-Request-ID": "edge-42.a_b-c"})
    assert r.headers["X-Request-ID"] == "edge-42.a_b-c"
    for bad in ("has space", "x" * 129, "semi;colon", ""):
        r = await client.get("/health", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"]), bad
    r = await client.get("/health")
    generated = r.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    # errors carry it too
    assert (await client.get("/v1/jobs")).headers["X-Request-ID"]

    access = [x for x in captured.lines if x["logger"] == "soundstage.access"]
    by_id = {x["request_id"]: x for x in access}
    assert by_id["edge-42.a_b-c"]["route"] == "/health"
    assert by_id["edge-42.a_b-c"]["status"] == 200
    assert by_id[generated]["message"] == "request"
    assert {"timestamp", "level", "method", "path", "duration_ms"} <= set(by_id[generated])
    # nothing leaks into the caller's context once the request is over
    assert "request_id" not in structlog.contextvars.get_contextvars()


async def test_job_ids_in_worker_lines_and_no_secret_anywhere(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, captured: Captured
) -> None:
    alice = await make_user()
    marker = f"MANUSCRIPT-MARKER-{uuid.uuid4().hex}"
    manuscript = f"Chapter One\n\n{marker} was the first line of the book.\n".encode()
    r = await client.post(
        "/v1/uploads",
        files={"file": ("book.txt", manuscript, "text/plain")},
        headers={**alice.headers, "X-Request-ID": "upload-1"},
    )
    assert r.status_code == 201, r.text
    upload_url = r.json().get("url")

    r = await client.post(
        "/v1/jobs",
        json={"kind": "tone", "params": {"seconds": 0.2, "format": "wav"}},
        headers=alice.headers,
    )
    job_id = r.json()["id"]
    done = await wait_for_status(client, alice, job_id, {"succeeded", "failed"})
    assert done["status"] == "succeeded"
    [output] = done["outputs"]
    signed = output["url"]
    assert (await client.get(signed)).status_code == 200
    if upload_url:
        assert (await client.get(upload_url)).status_code == 200
    signed_token = parse_qs(urlsplit(signed).query)["token"][0]

    lines = captured.lines
    job_lines = [x for x in lines if x.get("job_id") == job_id]
    messages = [x["message"] for x in job_lines]
    assert any(m.startswith("job started") for m in messages), messages
    assert any(m.startswith("job succeeded") for m in messages), messages
    assert all(x["kind"] == "tone" for x in job_lines)
    assert all(x["logger"].startswith("soundstage.worker") for x in job_lines)
    # the worker's lines never carry a request id, nor requests a job id
    assert not any("request_id" in x for x in job_lines)

    downloads = [x for x in lines if x.get("route", "").startswith("/storage/v1/object/sign")]
    assert downloads and all("?" not in x["path"] for x in downloads)
    upload_lines = [x for x in lines if x.get("request_id") == "upload-1"]
    assert [x["route"] for x in upload_lines if x["logger"] == "soundstage.access"] == [
        "/v1/uploads"
    ]

    text = captured.text
    assert alice.token not in text
    assert signed_token not in text
    assert marker not in text


async def test_redaction_of_keys_jwts_and_query_tokens(captured: Captured) -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dGhpcy1pcy1hLXNpZ25hdHVyZQ"
    secrets = [jwt, "opaque-bearer-value-123", "sk-proj-abcdefghijklmnop1234", "hunter2hunter2"]
    log = get_logger("soundstage.test")
    log.info(
        "calling provider",
        authorization="Bearer opaque-bearer-value-123",
        api_key="sk-proj-abcdefghijklmnop1234",
        nested={"password": "hunter2hunter2", "ok": "visible"},
        url=f"https://example.com/file?token={jwt}&x=1",
    )
    logging.getLogger("soundstage.test").warning("token for %s is %s", "alice", jwt)
    try:
        raise RuntimeError(f"provider refused Authorization: Bearer {jwt}")
    except RuntimeError:
        logging.getLogger("soundstage.test").exception("provider call failed")

    text = captured.text
    for secret in secrets:
        assert secret not in text
    first, second, third = captured.lines
    assert first["authorization"] == first["api_key"] == "[redacted]"
    assert first["nested"] == {"password": "[redacted]", "ok": "visible"}
    assert first["url"] == "https://example.com/file?token=[redacted]&x=1"
    assert second["message"] == "token for alice is [redacted]"
    assert "RuntimeError" in third["exception"]


async def test_an_unhandled_error_is_a_500_with_its_secrets_masked(
    settings: Settings, captured: Captured
) -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib29tIn0.Ym9vbS1zaWduYXR1cmUtYnl0ZXM"
    app = create_app(settings, pipelines=TEST_KINDS)

    @app.get("/boom/{thing}")
    async def boom(thing: str) -> None:
        raise RuntimeError(f"failed with token {jwt}")

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            r = await client.get("/boom/x1", headers={"X-Request-ID": "boom-1"})
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error"

    [access] = [x for x in captured.lines if x.get("request_id") == "boom-1"]
    assert (access["status"], access["route"], access["level"]) == (500, "/boom/{thing}", "error")
    assert any("RuntimeError" in x.get("exception", "") for x in captured.lines)
    assert jwt not in captured.text
