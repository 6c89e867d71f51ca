"""What the compatibility surfaces share: each answers errors in its own
backend's shape (not the engine's envelope), and some have per-route limits
of their own. Everything else is the ``/v1`` services'."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from uuid import UUID

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from soundstage.auth.tokens import Principal
from soundstage.errors import NotFound, SoundstageError, TooManyRequests
from soundstage.jobs.schemas import Job, JobStatus
from soundstage.jobs.service import JobService
from soundstage.ratelimit.service import RateLimitService
from soundstage.resources import Engine

Render = Callable[[int, str, Any], dict[str, Any]]
"""(status, message, details) to the body a surface's clients expect."""


def error_route(render: Render) -> type[APIRoute]:
    """A route class whose errors (raised by the endpoint or any dependency,
    authentication and rate limits included) leave in ``render``'s shape."""

    class CompatRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                try:
                    return await handler(request)
                except SoundstageError as exc:
                    return JSONResponse(
                        render(exc.status_code, exc.message, exc.details),
                        exc.status_code,
                        headers=exc.headers,
                    )
                except RequestValidationError as exc:
                    errors = [
                        {k: v for k, v in e.items() if k in ("loc", "msg", "type")}
                        for e in exc.errors()
                    ]
                    return JSONResponse(render(422, _first_error(errors), errors), 422)
                except StarletteHTTPException as exc:
                    return JSONResponse(
                        render(exc.status_code, str(exc.detail), None),
                        exc.status_code,
                        headers=exc.headers,
                    )

            return handle

    return CompatRoute


def _first_error(errors: list[dict[str, Any]]) -> str:
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))


def fastapi_detail(status: int, message: str, details: Any) -> dict[str, Any]:
    """FastAPI's own error shape (``{"detail": ...}``), which the song and the
    audiobook backends (both FastAPI apps) answered with: validation failures
    carry the list of errors, everything else the message."""
    if status == 422 and isinstance(details, list) and details:
        return {"detail": details}
    return {"detail": message}


async def spend(
    request: Request, who: Principal, name: str, limit: int, period_seconds: int, what: str
) -> None:
    """Spend one of the caller's ``limit`` requests per period on ``name``
    (0: unlimited); 429 with Retry-After when none is left."""
    if limit <= 0:
        return
    engine: Engine = request.app.state.engine
    decision = await RateLimitService(engine).hit_named(
        name, user_id=who.user_id, limit=limit, period_seconds=period_seconds
    )
    if not decision.allowed:
        per = "hour" if period_seconds == 3600 else "minute"
        raise TooManyRequests(
            f"rate limit exceeded: {limit} {what} per {per}; retry in {decision.retry_after} s",
            retry_after=decision.retry_after,
        )


def job_service(request: Request) -> JobService:
    engine: Engine = request.app.state.engine
    return JobService(engine)


async def job_of_kinds(
    request: Request, who: Principal, job_id: str, kinds: tuple[str, ...]
) -> Job:
    """The caller's job ``job_id`` if it is of one of the surface's ``kinds``,
    else 404: a surface sees only jobs of the kinds it makes, so another kind's
    id (or a malformed one) is as unknown to it as another user's."""
    try:
        parsed = UUID(job_id)
    except ValueError:
        raise NotFound("Job not found") from None
    service = job_service(request)
    try:
        job = await service.get(who, parsed, service.engine.base_url(request))
    except NotFound:
        raise NotFound("Job not found") from None
    if job.kind not in kinds:
        raise NotFound("Job not found")
    return job


def simple_status(status: JobStatus) -> str:
    """queued / processing / completed / failed, the vocabulary both FastAPI
    backends used (the audiobook backend says `pending` for queued)."""
    if status is JobStatus.QUEUED:
        return "queued"
    if status in (JobStatus.RUNNING, JobStatus.CANCELING):
        return "processing"
    if status is JobStatus.SUCCEEDED:
        return "completed"
    return "failed"
