"""The FastAPI application and its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from soundstage import kinds
from soundstage.audiobooks.routes import router as audiobooks_router
from soundstage.auth.api_keys import RequireScope
from soundstage.auth.routes import router as api_keys_router
from soundstage.compat import audiobook as audiobook_compat
from soundstage.compat import projects as projects_compat
from soundstage.compat import song as song_compat
from soundstage.compat import studio as studio_compat
from soundstage.compat import video as video_compat
from soundstage.config import Settings
from soundstage.dashboard.routes import dev_router
from soundstage.dashboard.routes import router as dashboard_router
from soundstage.engine import open_engine, resolve_dsn
from soundstage.errors_http import install_error_handlers
from soundstage.events.routes import router as events_router
from soundstage.guards import request_guards
from soundstage.health.routes import operations as metrics_router
from soundstage.health.routes import router as health_router
from soundstage.jobs.routes import router as jobs_router
from soundstage.lexicon.routes import router as lexicon_router
from soundstage.limits import BodyLimitMiddleware
from soundstage.music.routes import router as music_tools_router
from soundstage.observability.logs import ensure_logging
from soundstage.observability.middleware import ObservabilityMiddleware
from soundstage.openapi_doc import install_openapi
from soundstage.pipelines import Pipelines
from soundstage.projects.routes import router as projects_router
from soundstage.storage.routes import UPLOAD_PREFIX
from soundstage.storage.routes import router as storage_router
from soundstage.uploads.routes import router as uploads_router
from soundstage.usage.routes import router as usage_router
from soundstage.voices.routes import router as voices_router
from soundstage.webhooks.routes import router as webhooks_router

log = logging.getLogger(__name__)

# Each compatibility surface's routers (soundstage.compat.SURFACES), mounted
# when the surface is switched on.
COMPAT_ROUTERS: dict[str, list[APIRouter]] = {
    "song": [song_compat.router],
    "audiobook": [audiobook_compat.public, audiobook_compat.router],
    "studio": [studio_compat.router],
    "projects": [projects_compat.router],
    "video": [video_compat.router],
}


def create_app(
    settings: Settings | None = None,
    *,
    with_worker: bool = False,
    pipelines: Pipelines | None = None,
) -> FastAPI:
    settings = settings or Settings()
    # the CLI configures logging first; this covers `uvicorn --factory` and tests
    ensure_logging(settings.effective_log_format)
    # Known at creation: the OpenAPI document types each kind's params from them.
    pipelines = pipelines or kinds.pipelines()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        dsn = await resolve_dsn(settings)
        async with open_engine(settings, dsn, pipelines) as engine:
            app.state.engine = engine
            worker_task: asyncio.Task[None] | None = None
            worker = None
            if with_worker:
                from soundstage.worker import Worker

                worker = Worker(
                    engine.db, engine.storage, settings, dsn=dsn, pipelines=engine.pipelines
                )
                worker_task = asyncio.create_task(
                    worker.run(grace_seconds=settings.worker_grace_seconds)
                )
            try:
                yield
            finally:
                if worker is not None and worker_task is not None:
                    worker.stop()
                    await worker_task

    app = FastAPI(
        title="Soundstage",
        version="0.1.0",
        summary="An engine for generative audio products on Supabase.",
        lifespan=lifespan,
        # The engine's telemetry is its own: Prometheus metrics and structlog lines
        # (soundstage.observability). FastAPI's OpenTelemetry hooks have nothing to
        # report to (no SDK is installed), yet would look up the global providers,
        # environment variables included, on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # NUL in any string, duplicate Authorization headers (soundstage.guards)
        dependencies=[Depends(request_guards)],
    )
    install_error_handlers(app)
    install_openapi(app, pipelines)
    app.include_router(health_router)
    app.include_router(metrics_router)
    # The scope an API key needs on each router's routes (RequireScope: "jobs" is
    # jobs:read for GET, jobs:write otherwise); a route declaring none refuses keys.
    app.include_router(jobs_router, dependencies=[Depends(RequireScope("jobs"))])
    app.include_router(uploads_router, dependencies=[Depends(RequireScope("uploads"))])
    app.include_router(voices_router, dependencies=[Depends(RequireScope("voices:read"))])
    app.include_router(lexicon_router, dependencies=[Depends(RequireScope("lexicon"))])
    app.include_router(audiobooks_router, dependencies=[Depends(RequireScope("jobs"))])
    app.include_router(usage_router, dependencies=[Depends(RequireScope("usage:read"))])
    app.include_router(music_tools_router, dependencies=[Depends(RequireScope("jobs"))])
    app.include_router(api_keys_router)
    # projects declare no API-key scope yet: access tokens only
    app.include_router(projects_router, dependencies=[Depends(RequireScope("projects"))])
    app.include_router(webhooks_router, dependencies=[Depends(RequireScope("webhooks"))])
    app.include_router(events_router)
    app.include_router(storage_router)
    # Drop-in APIs of the backends Soundstage replaces (SOUNDSTAGE_COMPAT_APIS),
    # before the dashboard: the audiobook surface's `GET /` answers JSON API
    # clients and sends browsers (Accept: text/html) on to the dashboard.
    for surface, routers in COMPAT_ROUTERS.items():
        if surface in settings.compat_surfaces:
            for router in routers:
                app.include_router(router)
    app.include_router(dashboard_router)
    if settings.is_development:
        # POST /v1/dev/token: absent (404) in production, not merely refused.
        app.include_router(dev_router)
    upload_limit = max(
        settings.max_upload_bytes_manuscript,
        settings.max_upload_bytes_audio,
        settings.max_upload_bytes_midi,
        settings.max_upload_bytes_image,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        json_limit=settings.max_json_bytes,
        upload_limit=upload_limit + 64 * 1024,  # room for the multipart framing
        # signed direct uploads are raw file bodies; the route caps each one at
        # the size declared when its link was made
        upload_paths=(UPLOAD_PREFIX,),
    )
    if settings.cors_origins:
        # Any "*" makes Starlette allow every origin; with credentials it would
        # echo each one back, so a "*" anywhere means the wildcard alone.
        wildcard = "*" in settings.cors_origins
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"] if wildcard else settings.cors_origins,
            allow_credentials=not wildcard,  # never '*' together with credentials
            # PUT: direct uploads; HEAD: a player probing a signed download
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            # x-upsert: supabase-js sends it on every signed upload (uploadToSignedUrl)
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "Last-Event-ID",
                "X-API-Key",
                "x-upsert",
            ],
            # let browser code read request ids and rate limit state
            expose_headers=[
                "X-Request-ID",
                "Retry-After",
                "RateLimit",
                "RateLimit-Policy",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                # partial downloads (players seek with Range) and the file's name
                "Content-Range",
                "Content-Disposition",
                "Accept-Ranges",
            ],
        )
    # outermost (added last): request ids, metrics and the access log cover every
    # answer, the body limit's 413s and CORS preflights included
    app.add_middleware(ObservabilityMiddleware)
    return app
