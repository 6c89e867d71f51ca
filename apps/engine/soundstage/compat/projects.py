"""Compatibility surface ``projects``: the music studio (BeatFlow) frontend's API.

Served on top of ``/v1``: a "task" is a job (``task_id`` is its id), a
"repository" is a project, a commit is a commit. The owner is always the
caller: an ``owner_id`` in a query or body is accepted and ignored. Files are
named the old way, ``upload_{id}.{ext}`` and ``{job id}_{output}``, and
``/api/audio/download/{filename}`` redirects to a short-lived signed URL.

Errors answer as the old FastAPI backend did (``{"detail": ...}``). Differences
from it, on purpose: ``bpm`` above 200 is
played at 200 (the generator's range); a mood the generator does not know is
played as ``neutral``; ``path`` in an upload's answer is the download route,
not ``/static/audio/...``.

API keys: the ``/api/ai`` routes take ``jobs:*`` scopes and ``/api/audio``
``uploads:*``, as ``/v1``; the repository and version-control routes, like
``/v1/projects``, take access tokens only (there is no projects scope yet).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from soundstage.audio.compose import MOODS
from soundstage.auth.api_keys import RequireScope
from soundstage.auth.tokens import Principal
from soundstage.compat.common import error_route, fastapi_detail, job_of_kinds
from soundstage.compat.deps import CompatUser
from soundstage.errors import ValidationFailed
from soundstage.jobs.schemas import Job, JobBatchCreate, JobCreate, JobStatus
from soundstage.jobs.service import JobService
from soundstage.music.analyze import analyze_stream, analyze_upload
from soundstage.projects.schemas import (
    CommitCreate,
    ForkCreate,
    ProjectCreate,
    ProjectTarget,
    Visibility,
)
from soundstage.projects.service import ProjectService
from soundstage.resources import Engine
from soundstage.uploads.service import UploadService

# Errors leave as the old FastAPI backend's did: {"detail": ...}.
router = APIRouter(
    tags=["compat: projects (music studio)"],
    include_in_schema=False,
    route_class=error_route(fastapi_detail),
)
# The job kinds this surface makes: another kind's task id is unknown here.
KINDS = ("music", "hum_to_beat", "stems")

# How long /api/ai/analyze-audio waits, as the old backend did (task.get(timeout=30)).
ANALYZE_TIMEOUT_SECONDS = 30.0


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _base(request: Request) -> str:
    return _engine(request).base_url(request)


def _download_path(job_id: UUID, name: str) -> str:
    return f"/api/audio/download/{job_id}_{name}"


# ------------------------------------------------------------------ /api/ai


class GenerationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    prompt: str = Field(..., max_length=1000)
    bpm: int = Field(120, ge=60, le=300)
    mood: str = Field("neutral", max_length=40)
    duration: int = Field(15, ge=5, le=30)
    repo_id: UUID | None = None
    commit_id: UUID | None = None


def _music_job(req: GenerationRequest) -> JobCreate:
    mood = req.mood.lower() if req.mood.lower() in MOODS else "neutral"
    return JobCreate(
        kind="music",
        params={
            "prompt": req.prompt,
            "bpm": min(req.bpm, 200),
            "mood": mood,
            "duration_s": req.duration,
            "format": "wav",
        },
        # with a repository, the result becomes its next commit
        project=ProjectTarget(id=req.repo_id, message=req.prompt[:200]) if req.repo_id else None,
    )


@router.post("/api/ai/generate", dependencies=[Depends(RequireScope("jobs:write"))])
async def generate(request: Request, body: GenerationRequest, who: CompatUser) -> dict[str, Any]:
    job = await JobService(_engine(request)).create(who, _music_job(body), None, _base(request))
    return {
        "task_id": str(job.id),
        "status": "pending",
        "message": "Generation task queued. Poll the status endpoint to check progress.",
    }


def _task_status(job: Job) -> dict[str, Any]:
    """pending / started / progress / success / failure, as Celery named them."""
    out: dict[str, Any] = {
        "task_id": str(job.id),
        "status": "pending",
        "result": None,
        "progress": None,
        "error": None,
    }
    if job.status in (JobStatus.RUNNING, JobStatus.CANCELING):
        out["status"] = "progress" if job.progress > 0 else "started"
        if job.progress > 0:
            out["progress"] = {"progress": job.progress, "stage": job.stage, "message": job.message}
    elif job.status is JobStatus.SUCCEEDED:
        out["status"] = "success"
        files: list[dict[str, Any]] = [
            {"name": o.name, "file_path": _download_path(job.id, o.name), "url": o.url,
             "content_type": o.content_type, "size": o.bytes}
            for o in job.outputs
        ]  # fmt: skip
        audio = [f for f in files if f["content_type"].startswith("audio/")
                 and "midi" not in f["content_type"]]  # fmt: skip
        result: dict[str, Any] = {"files": files, "kind": job.kind}
        if audio:
            result |= {"file_path": audio[0]["file_path"], "audio_url": audio[0]["url"],
                       "filename": f"{job.id}_{audio[0]['name']}"}  # fmt: skip
        for key in ("bpm", "mood", "prompt", "duration_s"):
            if key in job.params:
                result[key] = job.params[key]
        if job.project is not None:
            result["repo_id"] = str(job.project.id)
        out["result"] = result
    elif job.status in (JobStatus.FAILED, JobStatus.CANCELED):
        out["status"] = "failure"
        out["error"] = job.error.message if job.error else f"task {job.status.value}"
    return out


@router.get("/api/ai/status/{task_id}", dependencies=[Depends(RequireScope("jobs:read"))])
async def task_status(request: Request, task_id: str, who: CompatUser) -> dict[str, Any]:
    return _task_status(await job_of_kinds(request, who, task_id, KINDS))


@router.post("/api/ai/hum-to-beat", dependencies=[Depends(RequireScope("jobs:write"))])
async def hum_to_beat(
    request: Request,
    who: CompatUser,
    file_upload: Annotated[UploadFile, File()],
    bpm: Annotated[int, Query(ge=60, le=300)] = 120,
    mood: Annotated[str, Query(max_length=40)] = "neutral",
) -> dict[str, Any]:
    engine = _engine(request)
    upload = await UploadService(engine).create(who, file_upload, None, _base(request))
    body = JobCreate(
        kind="hum_to_beat",
        params={"upload_id": str(upload.id), "bpm": min(bpm, 200), "mood": mood},
    )
    job = await JobService(engine).create(who, body, None, _base(request))
    return {"task_id": str(job.id), "status": "pending",
            "message": "Melody-to-beat generation queued"}  # fmt: skip


class StemSeparationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file_path: str = Field(min_length=1, max_length=500)
    output_dir: str | None = None  # accepted, meaningless here


async def _audio_input(engine: Engine, who: Principal, file_path: str) -> dict[str, Any]:
    found = await ProjectService(engine).resolve_file(who, file_path)
    if found.upload_id is not None:
        return {"upload_id": str(found.upload_id)}
    return {"source": {"job_id": str(found.job_id), "output": found.output}}


@router.post("/api/ai/separate-stems", dependencies=[Depends(RequireScope("jobs:write"))])
async def separate_stems(
    request: Request, body: StemSeparationRequest, who: CompatUser
) -> dict[str, Any]:
    engine = _engine(request)
    params = await _audio_input(engine, who, body.file_path)
    job = await JobService(engine).create(
        who, JobCreate(kind="stems", params=params), None, _base(request)
    )
    return {"task_id": str(job.id), "status": "pending"}


@router.post("/api/ai/analyze-audio", dependencies=[Depends(RequireScope("jobs:write"))])
async def analyze_audio(
    request: Request, who: CompatUser, file_path: Annotated[str, Query(max_length=500)]
) -> dict[str, Any]:
    engine = _engine(request)
    found = await ProjectService(engine).resolve_file(who, file_path)
    if found.upload_id is not None:
        run = analyze_upload(engine, who, found.upload_id)
    else:
        chunks = engine.storage.open(found.bucket, found.object_path)
        run = analyze_stream(engine, chunks, found.name)
    result = await asyncio.wait_for(run, ANALYZE_TIMEOUT_SECONDS)
    return {
        "bpm": round(result.tempo_bpm),
        "key_signature": f"{result.key} {result.mode.capitalize()}",
        "duration": result.duration_s,
    }


@router.post("/api/ai/batch-generate", dependencies=[Depends(RequireScope("jobs:write"))])
async def batch_generate(
    request: Request, body: list[GenerationRequest], who: CompatUser
) -> dict[str, Any]:
    if not body:
        raise ValidationFailed("give at least one generation request")
    batch = JobBatchCreate(jobs=[_music_job(r) for r in body])
    made = await JobService(_engine(request)).create_batch(who, batch, _base(request))
    return {
        "task_ids": [str(j.id) for j in made.items],
        "count": len(made.items),
        "message": "Batch generation queued",
    }


# ----------------------------------------------------------------- /api/vcs


class CommitRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    parent_commit_id: UUID | None = None
    message: str = Field(max_length=2000)
    bpm: int | None = Field(default=None, ge=20, le=400)
    key_signature: str | None = Field(default=None, max_length=32)
    generation_params: dict[str, Any] | None = None


@router.post(
    "/api/vcs/commit/{repo_id}",
    dependencies=[Depends(RequireScope("projects:write"))],
)
async def create_commit(
    request: Request, repo_id: UUID, body: CommitRequest, who: CompatUser
) -> dict[str, Any]:
    """A commit on the repository's default branch; its parent may be any
    commit (the old API's tree), and the branch moves to the new commit."""
    made = await ProjectService(_engine(request)).create_commit(
        who,
        repo_id,
        CommitCreate(
            parent_id=body.parent_commit_id,
            message=body.message,
            bpm=body.bpm,
            key_signature=body.key_signature,
            params=body.generation_params or {},
        ),
        _base(request),
        compat_parent=True,
    )
    return {
        "id": str(made.id),
        "repo_id": str(repo_id),
        "parent_commit_id": str(body.parent_commit_id) if body.parent_commit_id else None,
        "message": made.message,
        "timestamp": made.created_at.isoformat(),
    }


@router.get(
    "/api/vcs/commit/{commit_id}",
    dependencies=[Depends(RequireScope("projects:read"))],
)
async def get_commit(request: Request, commit_id: UUID, who: CompatUser) -> dict[str, Any]:
    c = await ProjectService(_engine(request)).get_commit_by_id(who, commit_id, _base(request))
    mix = next((f for f in c.files if f.role == "mix"), None)
    return {
        "id": str(c.id),
        "message": c.message,
        "bpm": c.bpm,
        "key_signature": c.key_signature,
        "render_url": mix.url if mix else None,
        "timestamp": c.created_at.isoformat(),
        "stems": [
            {"type": f.role, "url": f.url, "duration": f.duration_s}
            for f in c.files
            if f.role != "mix"
        ],
    }


@router.get(
    "/api/vcs/history/{repo_id}",
    dependencies=[Depends(RequireScope("projects:read"))],
)
async def history(request: Request, repo_id: UUID, who: CompatUser) -> dict[str, Any]:
    h = await ProjectService(_engine(request)).history(who, repo_id)
    if not h.commits:
        return {"commits": [], "root": None}
    return {
        "repo_id": str(repo_id),
        "commits": [
            {
                "id": str(c.id),
                "parent_id": str(c.parents[0]) if c.parents else None,
                "message": c.message,
                "timestamp": c.created_at.isoformat(),
                "bpm": c.bpm,
                "key_signature": c.key_signature,
            }
            for c in h.commits
        ],
        "root": str(h.commits[0].id),
    }


class ForkRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    original_repo_id: UUID | None = None
    fork_name: str | None = Field(default=None, max_length=200)
    owner_id: UUID | None = None  # ignored: the owner is the caller


@router.post(
    "/api/vcs/fork",
    dependencies=[Depends(RequireScope("projects:write"))],
)
async def fork(
    request: Request,
    who: CompatUser,
    original_repo_id: Annotated[UUID | None, Query()] = None,
    fork_name: Annotated[str | None, Query(max_length=200)] = None,
    owner_id: Annotated[UUID | None, Query()] = None,
    body: Annotated[ForkRequest | None, Body()] = None,
) -> dict[str, Any]:
    """The old route took query parameters; its docs showed a JSON body: both work."""
    del owner_id
    source = original_repo_id or (body.original_repo_id if body else None)
    name = fork_name or (body.fork_name if body else None)
    if source is None or not name:
        raise ValidationFailed("original_repo_id and fork_name are required")
    service = ProjectService(_engine(request))
    original = await service.get(who, source)
    made = await service.fork(
        who,
        source,
        ForkCreate(
            name=name,
            visibility=Visibility.PUBLIC
            if original.visibility is Visibility.PUBLIC
            else Visibility.PRIVATE,
        ),
    )
    return {
        "id": str(made.id),
        "name": made.name,
        "owner_id": str(who.user_id),
        "description": f"Fork of {original.name}",
        "created_at": made.created_at.isoformat(),
    }


# ------------------------------------------------------------ /api/repositories


class RepositoryCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    is_public: bool = False
    genre: str = Field(default="", max_length=100)


@router.post(
    "/api/repositories/create",
    dependencies=[Depends(RequireScope("projects:write"))],
)
async def create_repository(
    request: Request,
    body: RepositoryCreate,
    who: CompatUser,
    owner_id: Annotated[UUID | None, Query()] = None,
) -> dict[str, Any]:
    del owner_id  # the owner is the caller, whatever the query says
    made = await ProjectService(_engine(request)).create(
        who,
        ProjectCreate(
            name=body.name,
            description=body.description,
            genre=body.genre,
            visibility=Visibility.PUBLIC if body.is_public else Visibility.PRIVATE,
        ),
    )
    return {
        "id": str(made.id),
        "name": made.name,
        "owner_id": str(made.owner_id),
        "created_at": made.created_at.isoformat(),
    }


@router.get(
    "/api/repositories/{repo_id}",
    dependencies=[Depends(RequireScope("projects:read"))],
)
async def get_repository(request: Request, repo_id: UUID, who: CompatUser) -> dict[str, Any]:
    p = await ProjectService(_engine(request)).get(who, repo_id)
    return {
        "id": str(p.id),
        "name": p.name,
        "description": p.description,
        "is_public": p.visibility is Visibility.PUBLIC,
        "genre": p.genre,
        "created_at": p.created_at.isoformat(),
        "owner_id": str(p.owner_id),
    }


# ---------------------------------------------------------------- /api/audio


@router.post("/api/audio/upload", dependencies=[Depends(RequireScope("uploads:write"))])
async def upload_audio(
    request: Request, who: CompatUser, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    made = await UploadService(_engine(request)).create(who, file, None, _base(request))
    filename = f"upload_{made.id}.{made.format}"
    return {"filename": filename, "path": f"/api/audio/download/{filename}", "size": made.bytes}


@router.get("/api/audio/download/{filename}", dependencies=[Depends(RequireScope("uploads:read"))])
async def download_audio(request: Request, filename: str, who: CompatUser) -> RedirectResponse:
    """A redirect to a short-lived signed URL of the file (audio elements and
    fetch follow it); another user's file is 404."""
    engine = _engine(request)
    found = await ProjectService(engine).resolve_file(who, filename)
    signed = await engine.storage.signed_url(
        found.bucket,
        found.object_path,
        expires_in=engine.settings.signed_url_ttl_seconds,
        base_url=_base(request),
    )
    return RedirectResponse(signed.url, status_code=307)
