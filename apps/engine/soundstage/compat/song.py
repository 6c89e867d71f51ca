"""The song generation backend's API (surface ``song``), on the ``song`` job kind.

The DiffRhythm backend's routes under ``/api/v1``: health, generate, status,
download (WAV) and queue, its ``X-API-Key`` header (now a Soundstage API key,
which acts as its owner), its 10-generations-an-hour limit
(``SOUNDSTAGE_COMPAT_SONG_GENERATE_PER_HOUR``) and FastAPI's ``{"detail": ...}``
errors. A generation is a ``song`` job of the caller's
(``SOUNDSTAGE_COMPAT_SONG_PROVIDER``: the local draft by default, DiffRhythm
when its server is configured); ``/v1/jobs`` shows the same job.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.auth.api_keys import RequireScope
from soundstage.auth.tokens import Principal
from soundstage.compat.common import (
    error_route,
    fastapi_detail,
    job_of_kinds,
    job_service,
    simple_status,
    spend,
)
from soundstage.compat.deps import CompatUser
from soundstage.errors import BadRequest, NotFound
from soundstage.jobs.schemas import Job, JobCreate, JobStatus
from soundstage.resources import Engine

PREFIX = "/api/v1"
KIND = "song"

router = APIRouter(
    prefix=PREFIX,
    tags=["compat: song"],
    route_class=error_route(fastapi_detail),
    dependencies=[Depends(RequireScope("jobs"))],
)


class GenerateRequest(BaseModel):
    # the old backend's pydantic model ignored fields it did not know
    model_config = ConfigDict(extra="ignore")

    lyrics: str = Field(min_length=1, max_length=20_000, description="LRC")
    style_prompt: str = Field(default="", max_length=500)
    audio_length: Literal[95, 285] = 95
    batch_size: int = Field(default=1, ge=1, le=4)


class GenerateResponse(BaseModel):
    job_id: str
    status: str
    message: str
    status_url: str
    download_url: str


class StatusResponse(BaseModel):
    job_id: str
    status: Literal["queued", "processing", "completed", "failed"]
    progress: int
    stage: str | None
    message: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    files: list[str] = Field(description="the songs, in batch order")
    download_url: str | None


class QueueResponse(BaseModel):
    queue_length: int = Field(description="jobs waiting, every user's")
    processing: int
    workers: int
    your_jobs: dict[str, int]


class HealthResponse(BaseModel):
    status: str
    service: str
    provider: str
    timestamp: datetime


async def _song(request: Request, who: Principal, job_id: str) -> Job:
    """The caller's song job, or 404 (malformed, another user's, another kind)."""
    return await job_of_kinds(request, who, job_id, (KIND,))


def _songs(job: Job) -> list[str]:
    return sorted(
        (o.name for o in job.outputs if o.name.startswith("song-")),
        key=lambda n: int("".join(c for c in n if c.isdigit()) or 0),
    )


@router.get("/health", response_model=HealthResponse)
async def health(request: Request) -> HealthResponse:
    """Up (no credentials needed, as before)."""
    engine: Engine = request.app.state.engine
    return HealthResponse(
        status="healthy",
        service="soundstage song generation",
        provider=engine.settings.compat_song_provider,
        timestamp=datetime.now(UTC),
    )


@router.post("/generate", response_model=GenerateResponse)
async def generate(request: Request, body: GenerateRequest, who: CompatUser) -> GenerateResponse:
    """Queue a song: ``lyrics`` (LRC) and ``style_prompt``, ``audio_length`` 95 or
    285 seconds, ``batch_size`` songs."""
    engine: Engine = request.app.state.engine
    await spend(
        request,
        who,
        "compat_song_generate",
        engine.settings.compat_song_generate_per_hour,
        3600,
        "generations",
    )
    service = job_service(request)
    params: dict[str, Any] = {
        "lyrics": body.lyrics,
        "style": body.style_prompt,
        "seconds": body.audio_length,
        "batch_size": body.batch_size,
        "provider": engine.settings.compat_song_provider,
    }
    job = await service.create(
        who, JobCreate(kind=KIND, params=params), None, engine.base_url(request)
    )
    return GenerateResponse(
        job_id=str(job.id),
        status="queued",
        message="Generation job submitted",
        status_url=f"{PREFIX}/status/{job.id}",
        download_url=f"{PREFIX}/download/{job.id}",
    )


@router.get("/status/{job_id}", response_model=StatusResponse)
async def job_status(request: Request, job_id: str, who: CompatUser) -> StatusResponse:
    job = await _song(request, who, job_id)
    done = job.status is JobStatus.SUCCEEDED
    return StatusResponse(
        job_id=str(job.id),
        status=simple_status(job.status),  # type: ignore[arg-type]
        progress=100 if done else job.progress,
        stage=job.stage,
        message=job.message,
        error=job.error.message if job.error else None,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.finished_at if done else None,
        files=[f"song_{job.id}_{i + 1}.wav" for i in range(len(_songs(job)))],
        download_url=f"{PREFIX}/download/{job.id}" if done else None,
    )


@router.get(
    "/download/{job_id}",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}, "description": "the song as WAV"}},
)
async def download(
    request: Request,
    job_id: str,
    who: CompatUser,
    index: Annotated[int, Query(ge=1, le=4, description="which song of the batch")] = 1,
) -> FileResponse:
    """The song as WAV (16-bit PCM, 44.1 kHz stereo)."""
    job = await _song(request, who, job_id)
    if job.status is not JobStatus.SUCCEEDED:
        raise BadRequest(f"Job not completed (status: {simple_status(job.status)})")
    songs = _songs(job)
    if index > len(songs):
        raise NotFound(f"this job made {len(songs)} song(s)")
    engine: Engine = request.app.state.engine
    tmp_root = engine.settings.data_path / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=tmp_root, prefix="song-download-"))
    try:
        source = work / songs[index - 1]
        await job_service(request).download_output(who, job.id, songs[index - 1], source)
        wav = work / "song.wav"
        await run_ffmpeg(
            ["-i", str(source), "-ar", "44100", "-ac", "2", "-c:a", "pcm_s16le", str(wav)]
        )
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(
        wav,
        media_type="audio/wav",
        filename=f"song_{job.id}.wav",
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )


@router.get("/queue", response_model=QueueResponse)
async def queue(request: Request, who: CompatUser) -> QueueResponse:
    status = await job_service(request).queue(who)
    return QueueResponse(
        queue_length=status.counts.get("queued", 0),
        processing=status.counts.get("running", 0) + status.counts.get("canceling", 0),
        workers=status.workers,
        your_jobs=status.mine,
    )
