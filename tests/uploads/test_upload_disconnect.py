"""A client that disconnects in the middle of an upload leaves nothing: no
row, no stored object, no temporary file."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from support import User

MakeUser = Callable[[], Awaitable[User]]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def test_disconnect_mid_upload_leaves_nothing(
    settings: Settings, make_user: MakeUser, dsn: str
) -> None:
    user = await make_user()
    app = create_app(settings, pipelines=TEST_KINDS)
    boundary = "x" * 16
    head = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"Chapter 1\n\n"
        + b"words " * 200_000
    )  # ~1.2 MB, then the line drops
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/uploads",
        "raw_path": b"/v1/uploads",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", user.headers["Authorization"].encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", str(len(head) + 10_000_000).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    chunks = [head[i : i + 65536] for i in range(0, len(head), 65536)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": True}
        await asyncio.sleep(0.01)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    storage_root = settings.storage_root / "uploads"
    before = _files(storage_root)
    tmp_before = _files(settings.data_path / "tmp")
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(app(scope, receive, send), 30)

    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetchval(
            "select count(*) from soundstage.uploads where user_id = $1", user.id
        )
    finally:
        await conn.close()
    assert rows == 0
    assert _files(storage_root) - before == set()
    assert _files(settings.data_path / "tmp") - tmp_before == set()
