"""Upload names and form fields that are valid HTTP but misleading or wrong."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from support import User

BOOK = b"Chapter 1\n\nIt was a dark and stormy night.\n"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("invoice\u202egpj.txt", "invoicegpj.txt"),  # right-to-left override
        ("a\u0085b.txt", "ab.txt"),  # NEL, a C1 control
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("line\u2028sep.txt", "linesep.txt"),
        ("\u2066book\u2069.txt", "book.txt"),  # isolates
    ],
)
async def test_invisible_and_bidi_characters_are_dropped_from_names(
    client: httpx.AsyncClient,
    make_user: Callable[[], Awaitable[User]],
    sent: str,
    stored: str,
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/uploads", files={"file": (sent, BOOK, "text/plain")}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["original_name"] == stored


async def test_a_name_of_only_invisible_characters_is_refused(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]]
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/uploads", files={"file": ("\u202e\u200b", BOOK, "text/plain")}, headers=user.headers
    )
    assert r.status_code == 422, r.text


async def test_an_empty_category_is_refused(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]]
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/uploads",
        files={"file": ("book.txt", BOOK, "text/plain")},
        data={"category": ""},
        headers=user.headers,
    )
    assert r.status_code == 422, r.text
    assert "category" in r.json()["error"]["message"]


async def test_bad_multipart_is_a_400_in_the_envelope(
    client: httpx.AsyncClient, make_user: Callable[[], Awaitable[User]]
) -> None:
    user = await make_user()
    r = await client.post(
        "/v1/uploads",
        content=b"--x\r\nnot a multipart body",
        headers={**user.headers, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code in (400, 422), r.text
    assert "error" in r.json()
