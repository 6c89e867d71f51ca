"""The audiobook backend's API (surface ``audiobook``), on the ``audiobook`` job kind.

Its routes at the root, as before: ``GET /``, ``GET /health``,
``GET /queue/status``, ``POST/GET /jobs``, ``GET/DELETE /jobs/{id}``,
``GET /jobs/{id}/download`` (302 to a signed URL) and ``GET /voices``, with
Bearer tokens (Supabase access tokens, as before, or API keys) and FastAPI's
``{"detail": ...}`` errors.

Paths shared with the engine:

* ``GET /health``: the engine's own ``/health`` answers (``{"status": "ok"}``,
  what this backend answered too), so it is not defined here.
* ``GET /``: the dashboard's root redirects browsers to ``/app``. Here it is
  negotiated: a request that prefers ``text/html`` (a browser's address bar) is
  redirected to the dashboard, anything else (``fetch``, curl) gets the API's
  JSON metadata. The surface is mounted before the dashboard for that.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from soundstage.auth.api_keys import RequireScope
from soundstage.auth.tokens import Principal
from soundstage.compat.common import error_route, fastapi_detail, job_of_kinds, job_service
from soundstage.compat.deps import CompatUser
from soundstage.errors import BadRequest, Conflict, NotFound, ValidationFailed
from soundstage.jobs.schemas import Job, JobCreate, JobStatus
from soundstage.resources import Engine
from soundstage.sniff import UploadCategory
from soundstage.uploads.service import UploadService
from soundstage.voices.service import VoiceService

KIND = "audiobook"
Route = error_route(fastapi_detail)

# `GET /`, `/voices`: no credentials, as before.
public = APIRouter(tags=["compat: audiobook"], route_class=Route)
router = APIRouter(
    tags=["compat: audiobook"],
    route_class=Route,
    dependencies=[Depends(RequireScope("jobs"))],
)

AudiobookStatus = Literal["pending", "processing", "completed", "failed"]
_STATUS: dict[JobStatus, AudiobookStatus] = {
    JobStatus.QUEUED: "pending",
    JobStatus.RUNNING: "processing",
    JobStatus.CANCELING: "processing",
    JobStatus.SUCCEEDED: "completed",
    JobStatus.FAILED: "failed",
    JobStatus.CANCELED: "failed",
}
_MODES = {"single_voice": "single", "dual_voice": "dual"}


class CreateJob(BaseModel):
    model_config = ConfigDict(extra="ignore")  # chapter options and the like

    title: str = Field(min_length=1, max_length=300)
    source_type: Literal["paste", "upload"] | None = None
    manuscript_text: str | None = None
    manuscript_upload_id: UUID | None = Field(
        default=None, description="a manuscript already uploaded to /v1/uploads"
    )
    author: str | None = Field(default=None, max_length=300)
    mode: Literal["single_voice", "dual_voice"] = "single_voice"
    tts_provider: str = Field(default="openai", max_length=32)
    narrator_voice_id: str | None = Field(default=None, max_length=200)
    dialogue_voice_id: str | None = Field(default=None, max_length=200)
    audio_format: Literal["mp3", "m4b"] = "mp3"
    audio_bitrate: str | None = Field(default=None, description="accepted, not used")


class AudiobookJob(BaseModel):
    id: UUID
    title: str | None
    author: str | None
    status: AudiobookStatus
    progress: int
    progress_percent: int
    stage: str | None
    error: str | None
    error_message: str | None
    mode: Literal["single_voice", "dual_voice"]
    tts_provider: str
    narrator_voice_id: str | None
    dialogue_voice_id: str | None
    audio_format: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    download_url: str | None


def _voice(provider: str, voice: str | None) -> str | None:
    if voice is None or ":" in voice:
        return voice
    return f"{provider}:{voice}"


def _bare(voice: Any) -> str | None:
    return voice.split(":", 1)[1] if isinstance(voice, str) and ":" in voice else voice


def _view(job: Job) -> AudiobookJob:
    p = job.params
    done = job.status is JobStatus.SUCCEEDED
    progress = 100 if done else job.progress
    error = job.error.message if job.error else None
    if job.status is JobStatus.CANCELED:
        error = error or "canceled"
    return AudiobookJob(
        id=job.id,
        title=p.get("title"),
        author=p.get("author"),
        status=_STATUS[job.status],
        progress=progress,
        progress_percent=progress,
        stage=job.stage,
        error=error,
        error_message=error,
        mode="dual_voice" if p.get("mode") == "dual" else "single_voice",
        tts_provider=str(p.get("provider", "")),
        narrator_voice_id=_bare(p.get("narrator_voice")),
        dialogue_voice_id=_bare(p.get("dialogue_voice")),
        audio_format=(p.get("formats") or ["mp3"])[0],
        created_at=job.created_at,
        updated_at=job.updated_at,
        started_at=job.started_at,
        completed_at=job.finished_at if done else None,
        download_url=f"/jobs/{job.id}/download" if done else None,
    )


async def _audiobook(request: Request, who: Principal, job_id: str) -> Job:
    """The caller's audiobook job, or 404 (malformed, another user's, another kind)."""
    return await job_of_kinds(request, who, job_id, (KIND,))


@public.get(
    "/",
    response_model=None,
    responses={307: {"description": "a browser (Accept: text/html) goes to the dashboard"}},
)
async def root(request: Request) -> Response:
    """The API's metadata; a browser asking for a page goes to the dashboard."""
    accept = request.headers.get("accept", "")
    if "text/html" in accept:
        return RedirectResponse("/app", status_code=status.HTTP_307_TEMPORARY_REDIRECT)
    engine: Engine = request.app.state.engine
    return JSONResponse(
        {
            "name": "Soundstage audiobook API",
            "version": request.app.version,
            "status": "running",
            "docs": "/docs",
            "redoc": "/redoc",
            "health": "/health",
            "environment": engine.settings.env.value,
        }
    )


@router.get("/queue/status")
async def queue_status(request: Request, who: CompatUser) -> dict[str, Any]:
    q = await job_service(request).queue(who)
    return {
        "status": "ok",
        "queue_size": q.counts.get("queued", 0),
        "pending": q.counts.get("queued", 0),
        "processing": q.counts.get("running", 0) + q.counts.get("canceling", 0),
        "workers": q.workers,
        "your_jobs": q.mine,
    }


async def _create_body(request: Request, who: Principal) -> CreateJob:
    """JSON, or multipart form fields with the manuscript as a file
    (``manuscript_file`` or ``file``), stored as a /v1 upload first."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            return CreateJob.model_validate_json(await request.body())
        except ValidationError as exc:
            raise ValidationFailed(
                "invalid job", details=exc.errors(include_url=False, include_context=False)
            ) from exc
    form = await request.form(max_files=1)
    try:
        fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
        file = form.get("manuscript_file") or form.get("file")
        if isinstance(file, UploadFile):
            engine: Engine = request.app.state.engine
            uploads = UploadService(engine)
            upload = await uploads.create(
                who, file, UploadCategory.MANUSCRIPT, engine.base_url(request)
            )
            fields["manuscript_upload_id"] = str(upload.id)
        try:
            return CreateJob.model_validate(fields)
        except ValidationError as exc:
            raise ValidationFailed(
                "invalid job", details=exc.errors(include_url=False, include_context=False)
            ) from exc
    finally:
        await form.close()


@router.post(
    "/jobs",
    status_code=status.HTTP_201_CREATED,
    response_model=AudiobookJob,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": CreateJob.model_json_schema()},
                "multipart/form-data": {"schema": {"type": "object"}},
            }
        }
    },
)
async def create_job(request: Request, who: CompatUser) -> AudiobookJob:
    """Queue an audiobook from ``manuscript_text`` or an uploaded manuscript."""
    body = await _create_body(request, who)
    has_text = bool(body.manuscript_text and body.manuscript_text.strip())
    if has_text == (body.manuscript_upload_id is not None):
        raise BadRequest("give either manuscript_text or a manuscript file")
    provider = body.tts_provider
    params: dict[str, Any] = {
        "title": body.title,
        "author": body.author,
        "mode": _MODES[body.mode],
        "provider": provider,
        "formats": [body.audio_format],
    }
    if has_text:
        params["text"] = body.manuscript_text
    else:
        params["upload_id"] = str(body.manuscript_upload_id)
    if body.narrator_voice_id:
        params["narrator_voice"] = _voice(provider, body.narrator_voice_id)
    if body.dialogue_voice_id:
        params["dialogue_voice"] = _voice(provider, body.dialogue_voice_id)
    service = job_service(request)
    job = await service.create(
        who, JobCreate(kind=KIND, params=params), None, service.engine.base_url(request)
    )
    return _view(job)


@router.get("/jobs", response_model=list[AudiobookJob])
async def list_jobs(
    request: Request,
    who: CompatUser,
    status: AudiobookStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> list[AudiobookJob]:
    """The caller's audiobooks, newest first, optionally of one status."""
    service = job_service(request)
    base_url = service.engine.base_url(request)
    found: list[AudiobookJob] = []
    cursor: str | None = None
    while len(found) < offset + limit:
        page = await service.list(
            who, status=None, kind=KIND, cursor=cursor, limit=100, base_url=base_url
        )
        found += [v for v in map(_view, page.items) if status is None or v.status == status]
        cursor = page.next_cursor
        if cursor is None:
            break
    return found[offset : offset + limit]


@router.get("/jobs/{job_id}", response_model=AudiobookJob)
async def get_job(request: Request, job_id: str, who: CompatUser) -> AudiobookJob:
    return _view(await _audiobook(request, who, job_id))


@router.get(
    "/jobs/{job_id}/download",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses={302: {"description": "to a signed URL of the audiobook"}},
)
async def download(
    request: Request,
    job_id: str,
    who: CompatUser,
    format: Annotated[Literal["mp3", "m4b"] | None, Query()] = None,
) -> RedirectResponse:
    job = await _audiobook(request, who, job_id)
    if job.status is not JobStatus.SUCCEEDED:
        raise BadRequest(f"Job is not completed (status: {_STATUS[job.status]})")
    wanted = [format] if format else [*job.params.get("formats", []), "mp3", "m4b"]
    for fmt in wanted:
        for output in job.outputs:
            if output.name.endswith(f".{fmt}") and output.content_type.startswith("audio/"):
                return RedirectResponse(output.url, status_code=status.HTTP_302_FOUND)
    raise NotFound("Audiobook file not found")


@router.delete("/jobs/{job_id}")
async def delete_job(request: Request, job_id: str, who: CompatUser) -> dict[str, Any]:
    """Delete the job and its files. A running job is asked to stop first (409:
    delete it again once it has)."""
    job = await _audiobook(request, who, job_id)
    service = job_service(request)
    if job.status is JobStatus.QUEUED:
        await service.cancel(who, job.id, service.engine.base_url(request))
    elif job.status in (JobStatus.RUNNING, JobStatus.CANCELING):
        if job.status is JobStatus.RUNNING:
            await service.cancel(who, job.id, service.engine.base_url(request))
        raise Conflict("Job is processing; it is being stopped, delete it again in a moment")
    await service.delete(who, job.id)
    return {"message": "Job deleted successfully", "id": str(job.id)}


@public.get("/voices")
async def voices(
    request: Request,
    provider: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    """The voices of every configured provider, or of one (no credentials)."""
    engine: Engine = request.app.state.engine
    listed = await VoiceService(engine).list(provider, engine.base_url(request))
    items = [
        {
            "voice_id": v.id.split(":", 1)[1] if ":" in v.id else v.id,
            "id": v.id,
            "name": v.name,
            "provider": v.provider,
            "gender": v.gender,
            "language": v.language,
            "description": f"{v.name} ({v.provider})",
            "preview_url": v.sample_url,
        }
        for v in listed.items
    ]
    return {"voices": items, "total": len(items)}
