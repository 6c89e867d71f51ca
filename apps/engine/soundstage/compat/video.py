"""The story-video frontend's API (surface ``video``), served unchanged on top
of the ``video`` job kind.

- ``POST /api/generate-video``: the frontend's body -> a ``video`` job;
  ``{"status": "generating", "job_id"}``.
- ``GET /api/progress``: the caller's most recent video job, in the shapes the
  frontend polls for (``generating`` / ``complete`` / ``error``, or ``idle``).
- ``GET /api/video/<filename>``: that job's MP4 (``video_<job id>.mp4``), with
  Range, only the caller's own (anything else is 404).
- ``GET /health`` is the engine's own (``{"status": "ok"}``), always on.

Same credentials as ``/v1``; anonymous calls only in development, through
``SOUNDSTAGE_COMPAT_ANONYMOUS_EMAIL`` (:mod:`soundstage.compat.deps`).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel

from soundstage.auth.api_keys import RequireScope
from soundstage.compat.deps import CompatUser
from soundstage.errors_http import error_responses
from soundstage.providers.tts import get_provider
from soundstage.resources import Engine
from soundstage.storage.local import LocalStorage
from soundstage.video.schemas import DEFAULT_VOICE, VideoParams
from soundstage.video.service import VideoService, compat_filename

# API keys need the jobs scope here (jobs:read for GETs, jobs:write for the POST).
router = APIRouter(tags=["compat: video"], dependencies=[Depends(RequireScope("jobs"))])

# The frontend's voice names (its own catalogue) -> a local voice of that kind.
MALE_VOICE = "local:piper-joe"


class Started(BaseModel):
    status: Literal["generating"] = "generating"
    job_id: str


class Progress(BaseModel):
    status: Literal["idle", "generating", "complete", "error"]
    progress: int
    substatus: str | None = None
    details: str | None = None
    video_path: str | None = None
    error: str | None = None


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def _voice(engine: Engine, voice_id: object) -> str:
    """A ``<provider>:<voice>`` id passes through (GET /v1/voices); the frontend's
    own names (``male_narrator_deep``) pick a local voice by the gender they name."""
    if not isinstance(voice_id, str) or not voice_id.strip():
        return DEFAULT_VOICE
    if ":" in voice_id:
        return voice_id
    name = voice_id.lower()
    if "male" in name.replace("female", ""):
        local = [v.id for v in await get_provider("local", engine).voices()]
        if MALE_VOICE in local:
            return MALE_VOICE
    return DEFAULT_VOICE


@router.post(
    "/api/generate-video",
    response_model=Started,
    responses=error_responses(401, 402, 422, 429),
)
async def generate_video(
    request: Request, who: CompatUser, body: dict[str, Any] = Body(...)
) -> Started:
    """Start a story video from the frontend's form; returns at once."""
    engine = _engine(request)
    params = {k: v for k, v in body.items() if k in VideoParams.model_fields}
    params["voice_id"] = await _voice(engine, body.get("voice_id"))
    if not params.get("manual_image_paths"):
        params.pop("manual_image_paths", None)
    job = await VideoService(engine).submit(who, params, engine.base_url(request))
    return Started(job_id=str(job.id))


@router.get("/api/progress", response_model=Progress, response_model_exclude_none=True,
            responses=error_responses(401))  # fmt: skip
async def progress(request: Request, who: CompatUser) -> Progress:
    """The caller's most recent video job."""
    engine = _engine(request)
    job = await VideoService(engine).latest(who, engine.base_url(request))
    if job is None:
        return Progress(status="idle", progress=0)
    if job.status == "succeeded":
        return Progress(status="complete", progress=100, video_path=compat_filename(job.id),
                        substatus="Video ready for download")  # fmt: skip
    if job.status in ("failed", "canceled"):
        message = job.error.message if job.error else f"the video was {job.status}"
        return Progress(status="error", progress=job.progress, error=message)
    if job.status == "queued":
        waiting = "Retrying after an error" if job.error else "Waiting in the queue"
        return Progress(status="generating", progress=job.progress, substatus=waiting,
                        details=job.error.message if job.error else "")  # fmt: skip
    stage = job.stage or "starting"
    return Progress(status="generating", progress=job.progress,
                    substatus=job.message or stage, details=f"Stage: {stage}")  # fmt: skip


@router.get(
    "/api/video/{filename}",
    response_class=Response,
    responses={
        200: {"content": {"video/mp4": {"schema": {"type": "string", "format": "binary"}}}},
        206: {
            "description": "the Range asked for",
            "content": {"video/mp4": {"schema": {"type": "string", "format": "binary"}}},
        },
        307: {"description": "Supabase Storage serves it: a signed URL"},
        **error_responses(401, 404, 416),
    },
)
async def video(request: Request, who: CompatUser, filename: str) -> Response:
    """The finished MP4, streamable with Range (seeking in a ``<video>``)."""
    engine = _engine(request)
    found = await VideoService(engine).video_file(who, filename)
    storage = engine.storage
    if isinstance(storage, LocalStorage):
        return FileResponse(
            storage.resolve(found.bucket, found.object_path),
            media_type="video/mp4",
            headers={"Cache-Control": "private, max-age=60"},
        )
    # Supabase Storage serves Range itself: send the player there.
    signed = await storage.signed_url(
        found.bucket, found.object_path, expires_in=3600, base_url=engine.base_url(request)
    )
    return RedirectResponse(signed.url, status_code=307)
