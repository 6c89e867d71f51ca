"""The mini studio backend's API (surface ``studio``), on uploads and the
``vocals`` and ``effects`` job kinds.

Its routes under ``/api``: ``POST /api/upload/audio|midi|image`` (its own
extension and size rules first, then the engine's content checks),
``POST /api/jobs/vocals``, ``POST /api/jobs/effects``, ``GET /api/jobs/<id>``
(``queued`` | ``started`` | ``finished`` | ``failed``, ``result``, ``error``) and
``GET /api/jobs/health``; every answer in its ``{"success": true | false, ...}``
envelope, errors as ``{"success": false, "error": "..."}``; its per-route
limits per caller (uploads 20 a minute, job submissions 60 a minute).

A file's ``path`` (``storage/uploads/audio/<id>.wav``) names the upload, so a
frontend that sends back the path it was given (as an effects input, a melody
or a backing) is understood.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Request, UploadFile, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from soundstage.auth.api_keys import RequireScope
from soundstage.auth.tokens import Principal
from soundstage.compat.common import error_route, job_of_kinds, spend
from soundstage.compat.deps import CompatUser
from soundstage.errors import (
    BadRequest,
    PayloadTooLarge,
    ServiceUnavailable,
)
from soundstage.jobs.schemas import Job, JobCreate, JobStatus
from soundstage.jobs.service import JobService
from soundstage.resources import Engine
from soundstage.sniff import UploadCategory
from soundstage.uploads.service import UploadService

KINDS = ("vocals", "effects")


def studio_error(status_code: int, message: str, details: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "error": message}
    if status_code == 422 and details is not None:
        body["details"] = details
    return body


router = APIRouter(prefix="/api", tags=["compat: studio"], route_class=error_route(studio_error))

# The studio's folders and extension rules, per upload route.
_RULES: dict[str, tuple[UploadCategory, str, tuple[str, ...]]] = {
    "audio": (UploadCategory.AUDIO, "audio", (".wav", ".mp3", ".flac")),
    "midi": (UploadCategory.MIDI, "midi", (".mid", ".midi")),
    "image": (UploadCategory.IMAGE, "images", (".png", ".jpg", ".jpeg", ".webp")),
}
_PATH = re.compile(
    r"^(?:storage/)?uploads/(?:audio|midi|images)/"
    r"(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"\.[a-z0-9]+$"
)
_STATUS = {
    JobStatus.QUEUED: "queued",
    JobStatus.RUNNING: "started",
    JobStatus.CANCELING: "started",
    JobStatus.SUCCEEDED: "finished",
    JobStatus.FAILED: "failed",
    JobStatus.CANCELED: "failed",
}


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def upload_id_from(value: Any, field: str) -> UUID:
    """An upload named by its studio path or by its id."""
    if isinstance(value, str):
        m = _PATH.match(value.strip())
        if m:
            return UUID(m.group("id"))
        try:
            return UUID(value)
        except ValueError:
            pass
    raise BadRequest(f"{field}: not an uploaded file's path or id")


def _source(value: Any, field: str) -> dict[str, Any]:
    """An audio/MIDI input: a studio path, an upload id, ``{upload_id}`` or
    ``{job_id, output}`` (another job's output)."""
    if isinstance(value, dict):
        if "path" in value:
            return {"upload_id": str(upload_id_from(value["path"], field))}
        return value
    return {"upload_id": str(upload_id_from(value, field))}


# ----------------------------------------------------------------- uploads


async def _upload(request: Request, who: Principal, kind: str, file: UploadFile) -> JSONResponse:
    engine = _engine(request)
    await spend(
        request,
        who,
        "compat_studio_uploads",
        engine.settings.compat_studio_uploads_per_minute,
        60,
        "uploads",
    )
    category, folder, extensions = _RULES[kind]
    name = file.filename or ""
    suffix = PurePosixPath(name).suffix.lower()
    if not name or suffix not in extensions:
        raise BadRequest(f"Invalid file type. Allowed: {', '.join(extensions)}")
    limit_mb = engine.settings.compat_studio_max_upload_mb
    if file.size is not None and file.size > limit_mb * 1024 * 1024:
        raise PayloadTooLarge(f"File too large. Maximum size is {limit_mb} MB")
    upload = await UploadService(engine).create(who, file, category, engine.base_url(request))
    stored = f"{upload.id}{suffix}"
    return JSONResponse(
        {
            "success": True,
            "path": f"storage/uploads/{folder}/{stored}",
            "filename": stored,
            "original_filename": upload.original_name,
            "size": upload.bytes,
            "upload_id": str(upload.id),
            "url": upload.url,
        },
        status_code=status.HTTP_200_OK,
    )


def _upload_route(kind: str) -> None:
    scope = [Depends(RequireScope("uploads:write"))]

    @router.post(f"/upload/{kind}", dependencies=scope, name=f"studio_upload_{kind}")
    async def upload(
        request: Request, who: CompatUser, file: Annotated[UploadFile, File()]
    ) -> JSONResponse:
        return await _upload(request, who, kind, file)


for _kind in _RULES:
    _upload_route(_kind)


# -------------------------------------------------------------------- jobs


class VocalsRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    lyrics: str = Field(min_length=1, max_length=20_000)
    melody: Any = Field(
        default=None, description="a MIDI path/upload id, {job_id, output}, or notes"
    )
    voice: str | None = None
    bpm: float | None = None
    key: Any = None
    backing: Any = Field(default=None, description="a path/upload id or {job_id, output}")
    format: str | None = None


class EffectsRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    path: str | None = Field(default=None, description="an uploaded file's path")
    input: str | None = Field(default=None, description="the same, under another name")
    upload_id: UUID | None = None
    source: dict[str, Any] | None = Field(default=None, description="{job_id, output}")
    effects: list[dict[str, Any]] | None = None
    chain: list[dict[str, Any]] | None = None
    format: str = "wav"


async def _submit(request: Request, who: Principal, kind: str, params: dict[str, Any]) -> Job:
    engine = _engine(request)
    await spend(
        request,
        who,
        "compat_studio_jobs",
        engine.settings.compat_studio_jobs_per_minute,
        60,
        "job submissions",
    )
    service = JobService(engine)
    return await service.create(
        who, JobCreate(kind=kind, params=params), None, engine.base_url(request)
    )


def _queued(job: Job) -> JSONResponse:
    return JSONResponse(
        {"success": True, "job_id": str(job.id), "status": _STATUS[job.status]},
        status_code=status.HTTP_202_ACCEPTED,
    )


@router.post("/jobs/vocals", dependencies=[Depends(RequireScope("jobs:write"))])
async def vocals(request: Request, body: VocalsRequest, who: CompatUser) -> JSONResponse:
    """Queue a sung vocal (the ``vocals`` job kind)."""
    if _engine(request).pipelines.get("vocals") is None:
        raise ServiceUnavailable(
            "vocal generation is not available on this engine (it has no `vocals` job kind)"
        )
    params: dict[str, Any] = {"lyrics": body.lyrics}
    if body.melody is None:
        # The studio's guide queues vocals from lyrics, a voice and a tempo; the
        # `vocals` kind sings on a melody, so one is written for the lyrics.
        params["melody"] = tune_for(body.lyrics)
    elif isinstance(body.melody, dict | list) and not _is_path(body.melody):
        params["melody"] = body.melody
    else:
        params["melody"] = _source(body.melody, "melody")
    if body.backing is not None:
        params["backing"] = _source(body.backing, "backing")
    if body.voice and body.voice.strip().lower() not in ("default", ""):
        params["voice"] = body.voice  # "default": the kind's own default voice
    for name in ("bpm", "key", "format"):
        value = getattr(body, name)
        if value is not None:
            params[name] = value
    return _queued(await _submit(request, who, "vocals", params))


# A plain pentatonic phrase around middle C, one beat a note.
_TUNE = (60, 62, 64, 67, 69, 67, 64, 62, 64, 67, 72, 69, 67, 64, 62, 60)
_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)


def tune_for(lyrics: str) -> list[dict[str, Any]]:
    """Inline notes for lyrics that came without a melody: at least one per
    syllable (vowel groups per word, with a margin: the `vocals` kind sings
    any extra notes as melismas, while too few would be refused)."""
    words = re.findall(r"[^\W\d_]+", re.sub(r"\[[^\]]*\]", " ", lyrics))
    syllables = sum(max(1, len(_VOWELS.findall(w))) for w in words)
    count = max(4, syllables + syllables // 4 + 2)
    return [{"pitch": _TUNE[i % len(_TUNE)], "start": float(i), "beats": 1.0} for i in range(count)]


def _is_path(value: Any) -> bool:
    return isinstance(value, dict) and "path" in value


@router.post("/jobs/effects", dependencies=[Depends(RequireScope("jobs:write"))])
async def effects(request: Request, body: EffectsRequest, who: CompatUser) -> JSONResponse:
    """Queue an effects chain on an uploaded file or a job's output (``effects``)."""
    params: dict[str, Any] = {"chain": body.chain or body.effects or [], "format": body.format}
    named = body.path or body.input
    if body.source is not None:
        params["source"] = body.source
    elif body.upload_id is not None:
        params["upload_id"] = str(body.upload_id)
    elif named is not None:
        params["upload_id"] = str(upload_id_from(named, "path"))
    else:
        raise BadRequest("give the input: path (an uploaded file), upload_id or source")
    return _queued(await _submit(request, who, "effects", params))


@router.get("/jobs/health")
async def jobs_health(request: Request) -> JSONResponse:
    """Whether background jobs run (they always do: the engine's queue)."""
    engine = _engine(request)
    return JSONResponse(
        {
            "success": True,
            "rq_available": True,
            "available": True,
            "queue": "soundstage",
            "kinds": [k for k in KINDS if engine.pipelines.get(k) is not None],
        }
    )


@router.get("/jobs/{job_id}", dependencies=[Depends(RequireScope("jobs:read"))])
async def job_status(request: Request, job_id: str, who: CompatUser) -> JSONResponse:
    job = await job_of_kinds(request, who, job_id, KINDS)
    body: dict[str, Any] = {
        "success": True,
        "job_id": str(job.id),
        "kind": job.kind,
        "status": _STATUS[job.status],
        "progress": 100 if job.status is JobStatus.SUCCEEDED else job.progress,
        "result": None,
        "error": None,
    }
    if job.status is JobStatus.SUCCEEDED:
        audio = [o for o in job.outputs if o.content_type.startswith("audio/")]
        body["result"] = {
            "files": {o.name: o.url for o in job.outputs},
            "outputs": [o.model_dump(mode="json") for o in job.outputs],
            "url": audio[0].url if audio else None,
        }
    elif job.status in (JobStatus.FAILED, JobStatus.CANCELED):
        body["error"] = job.error.message if job.error else "canceled"
    return JSONResponse(body)
