"""Hostile but well-formed input, refused with a declared 4xx (never a 500):
NUL in any string that would reach Postgres, an out-of-range Last-Event-ID,
two Authorization headers, a literal path asked with the wrong method."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from support import User

NUL = "\u0000"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "POST",
            "/v1/jobs",
            {"kind": "tone", "params": {"title": f"a{NUL}b"}},
            "body.params.title",
        ),
        ("POST", "/v1/jobs", {"kind": f"to{NUL}ne", "params": {}}, "body.kind"),
        (
            "POST",
            "/v1/jobs/batch",
            {"jobs": [{"kind": "tone", "params": {"prompt": NUL}}]},
            "body.jobs.0.params.prompt",
        ),
        ("POST", "/v1/lexicon", {"term": f"An{NUL}ne", "replacement": "Ann"}, "body.term"),
        ("POST", "/v1/lexicon", {"term": "Anne", "replacement": f"{NUL}"}, "body.replacement"),
        (
            "POST",
            "/v1/audiobooks/preview",
            {"text": f"Once{NUL} upon a time."},
            "body.text",
        ),
        (
            "POST",
            f"/v1/jobs/{uuid.uuid4()}/regenerate",
            {"chunk": 0, "text": f"x{NUL}"},
            "body.text",
        ),
        ("POST", f"/v1/jobs/{uuid.uuid4()}/regenerate", {"chunk": 0, "voice": NUL}, "body.voice"),
        ("GET", "/v1/jobs?kind=to%00ne", None, "query.kind"),
        ("GET", "/v1/uploads?cursor=%00", None, "query.cursor"),
    ],
)
async def test_nul_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
    make_user: Callable[[], Awaitable[User]],
    method: str,
    path: str,
    body: object,
    field: str,
) -> None:
    user = await make_user()
    r = await client.request(method, path, json=body, headers=user.headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith(f"{field}:"), error


async def test_nul_in_the_dev_sign_in_email(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/dev/token", json={"email": f"a{NUL}@example.com"})
    assert r.status_code == 422, r.text


async def test_nul_in_a_form_field(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]]
) -> None:
    user = await make_user()
    files = {"file": ("book.txt", b"Chapter 1\n\nText.\n", "text/plain")}
    r = await client.post(
        "/v1/uploads", files=files, data={"category": f"manu{NUL}"}, headers=user.headers
    )
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("value", ["9223372036854775808", "99999999999999999999999", "-1"])
async def test_last_event_id_out_of_range_is_422(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]], value: str
) -> None:
    user = await make_user()
    created = await client.post(
        "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers=user.headers
    )
    job_id = created.json()["id"]
    r = await client.get(
        f"/v1/jobs/{job_id}/events", headers={**user.headers, "Last-Event-ID": value}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "validation_error"


async def test_two_authorization_headers_are_refused(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]]
) -> None:
    alice, bob = await make_user(), await make_user()
    headers = httpx.Headers(
        [
            ("Authorization", alice.headers["Authorization"]),
            ("Authorization", bob.headers["Authorization"]),
        ]
    )
    r = await client.get("/v1/jobs", headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "bad_request"


async def test_get_on_a_post_only_literal_path_is_405(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]]
) -> None:
    user = await make_user()
    r = await client.get("/v1/jobs/batch", headers=user.headers)
    assert r.status_code == 405, r.text
    assert r.headers["Allow"] == "POST"
    assert r.json()["error"]["code"] == "method_not_allowed"


async def test_allow_lists_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    r = await client.delete("/v1/jobs")
    assert r.status_code == 405, r.text
    allowed = {m.strip() for m in r.headers["Allow"].split(",")}
    assert {"GET", "POST"} <= allowed
