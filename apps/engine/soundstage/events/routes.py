"""``GET /v1/events`` (Server-Sent Events) and ``/v1/ws`` (WebSocket): every
job and project event of the caller, resumable.

The WebSocket takes its token in the first message, never the URL (URLs end
up in logs): ``{"token": "<access token>", "last_event_id": "123-45"}``;
the server answers ``{"type": "ready", "last_event_id": ...}`` and then one
``{"id", "event", "data"}`` message per event. A bad or missing token closes
the socket with code 4401.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse

from soundstage.auth.api_keys import RequireScope
from soundstage.auth.deps import CurrentUser
from soundstage.errors import SoundstageError
from soundstage.errors_http import error_responses
from soundstage.events.service import KEEPALIVE_SECONDS, Cursor, EventService
from soundstage.resources import Engine

router = APIRouter(prefix="/v1", tags=["events"])

# how long a socket may take to send its token
AUTH_TIMEOUT_SECONDS = 10.0


@router.get(
    "/events",
    dependencies=[Depends(RequireScope("events:read"))],
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
        **error_responses(401, 422),
    },
)
async def events(
    request: Request,
    who: CurrentUser,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=40)] = None,
) -> StreamingResponse:
    """Your jobs' ``job.status``, ``job.progress`` and ``job.output`` events and
    your projects' ``project.*`` events (commits, branches, members, ...), live.
    Reconnect with ``Last-Event-ID`` to resume without gaps."""
    engine: Engine = request.app.state.engine
    service = EventService(engine)
    cursor = await service.start(who, last_event_id)

    async def stream() -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        last_sent = loop.time()
        yield f"retry: 2000\nid: {cursor}\n\n"
        async for e in service.follow(who, cursor):
            if e is None:
                if loop.time() - last_sent >= KEEPALIVE_SECONDS:
                    yield ": keep-alive\n\n"
                    last_sent = loop.time()
                continue
            data = json.dumps(e.data, separators=(",", ":"), default=str)
            yield f"id: {e.id}\nevent: {e.type}\ndata: {data}\n\n"
            last_sent = loop.time()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.websocket("/ws")
async def websocket_events(websocket: WebSocket) -> None:
    engine: Engine = websocket.app.state.engine
    await websocket.accept()
    try:
        first = await asyncio.wait_for(websocket.receive_json(), AUTH_TIMEOUT_SECONDS)
        if not isinstance(first, dict) or not isinstance(first.get("token"), str):
            raise ValueError('the first message must be {"token": ...}')
        who = await engine.verifier.verify(first["token"])
        service = EventService(engine)
        resume = first.get("last_event_id")
        cursor: Cursor = await service.start(who, resume if isinstance(resume, str) else None)
    except (TimeoutError, ValueError, SoundstageError, WebSocketDisconnect) as exc:
        with contextlib.suppress(Exception):
            await websocket.close(code=4401, reason=str(exc)[:100] or "unauthorized")
        return
    await websocket.send_json({"type": "ready", "last_event_id": str(cursor)})

    async def drain_client() -> None:
        # A client's messages are not used after the first; reading them is how
        # a disconnect is noticed while the stream is quiet.
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return

    listener = asyncio.create_task(drain_client())
    try:
        async for e in service.follow(who, cursor):
            if listener.done():
                return
            if e is not None:
                await websocket.send_text(
                    json.dumps({"id": e.id, "event": e.type, "data": e.data}, default=str)
                )
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener
