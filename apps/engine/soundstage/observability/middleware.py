"""One pure-ASGI middleware for every HTTP request: its request id, its
metrics, and its access log line.

* ``X-Request-ID`` is taken from the request when it is a sane id (at most
  128 characters of ``[A-Za-z0-9._-]``), otherwise a new uuid4 hex; it is bound
  into the structlog context for every line logged while the request runs,
  kept in ``request.state.request_id``, and returned in the response.
* Metrics are labelled by the route template (``/v1/jobs/{job_id}``), never the
  raw path, so ids do not explode the number of series.
* The access log replaces uvicorn's: the path is logged without its query
  string, because signed download URLs carry their secret as ``?token=``.
"""

from __future__ import annotations

import logging
import random
import re
import time

import structlog
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from soundstage.observability import metrics
from soundstage.observability.logs import get_logger

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
UNMATCHED = "unmatched"

access_log = get_logger("soundstage.access")
# the stdlib logger under it: `soundstage api --no-access-log` disables it, and
# then the line is not even built
_access_logger = logging.getLogger("soundstage.access")

# uuid4's version and variant bits, set on 128 random bits
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def new_request_id() -> str:
    """A uuid4 in hex, as ``uuid.uuid4().hex`` gives, from ``random`` rather than
    ``os.urandom``: a request id must be unique, not secret, and this is one
    syscall and one UUID object fewer on every request."""
    return f"{(random.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET:032x}"


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = str(value.decode("latin-1"))
            if _VALID_ID.match(candidate):
                return candidate
            break
    return new_request_id()


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    if isinstance(route, BaseRoute):
        path = getattr(route, "path", None)
        if isinstance(path, str):
            return path
    return UNMATCHED


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500  # if the app raises before answering, the client gets a 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = route_template(scope)
            metrics.observe_request(scope["method"], route, status, elapsed)
            if _access_logger.isEnabledFor(logging.ERROR if status >= 500 else logging.INFO):
                client = scope.get("client")
                # path only: the query string may hold a signed URL's token
                (access_log.error if status >= 500 else access_log.info)(
                    "request",
                    method=scope["method"],
                    path=scope.get("path", ""),
                    route=route,
                    status=status,
                    duration_ms=round(elapsed * 1000, 1),
                    client=client[0] if client else None,
                )
            structlog.contextvars.reset_contextvars(**tokens)
