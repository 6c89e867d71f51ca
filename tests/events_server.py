"""A real HTTP server (uvicorn) around the engine's app, for clients that need a
socket: Node, WebSocket clients, never-ending SSE streams."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[str]:
    """Yields the server's base URL; stops it on exit."""
    app = create_app(settings, pipelines=TEST_KINDS)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
