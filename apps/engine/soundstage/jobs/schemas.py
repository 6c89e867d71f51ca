from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from soundstage.projects.schemas import ProjectTarget


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELING = "canceling"
    CANCELED = "canceled"


TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED})


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=64, examples=["tone"])
    params: dict[str, Any] = Field(
        default_factory=dict, examples=[{"frequency_hz": 440, "seconds": 3, "format": "mp3"}]
    )
    priority: int = Field(default=0, ge=-100, le=100)
    project: ProjectTarget | None = Field(
        default=None,
        description="Commit the outputs to this project's branch when the job succeeds "
        "(you must be an editor or owner of it).",
    )


MAX_BATCH_JOBS = 20


class JobBatchCreate(BaseModel):
    """Up to 20 jobs created together, all or none ("generate five variations")."""

    model_config = ConfigDict(extra="forbid")

    jobs: list[JobCreate] = Field(min_length=1, max_length=MAX_BATCH_JOBS)


class JobError(BaseModel):
    code: str
    message: str


class JobOutput(BaseModel):
    name: str
    content_type: str
    bytes: int
    url: str
    expires_at: datetime


class Job(BaseModel):
    id: UUID
    kind: str
    status: JobStatus
    params: dict[str, Any]
    priority: int
    progress: int
    stage: str | None
    message: str | None
    error: JobError | None
    attempts: int
    max_attempts: int
    outputs: list[JobOutput]
    project: ProjectTarget | None = None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobBatch(BaseModel):
    items: list[Job] = Field(description="the created jobs, in the request's order")


class JobList(BaseModel):
    items: list[Job]
    next_cursor: str | None


class PipelineInfo(BaseModel):
    kind: str
    description: str
    params_schema: dict[str, Any]


class PipelineList(BaseModel):
    items: list[PipelineInfo]


class QueuedJob(BaseModel):
    id: UUID
    kind: str
    position: int = Field(description="runnable jobs (of any user) ahead of this one")
    estimated_start_seconds: float = Field(description="a rough estimate from recent run times")


class QueueLimits(BaseModel):
    max_running: int
    max_queued: int


class QueueStatus(BaseModel):
    counts: dict[str, int] = Field(description="jobs by status across the whole queue")
    workers: int = Field(description="workers holding at least one job right now")
    mine: dict[str, int] = Field(description="the caller's jobs by status")
    limits: QueueLimits
    queued: list[QueuedJob]


# --- live progress: what GET /v1/jobs/{id}/events sends, and what Supabase
# Realtime delivers (Broadcast messages on the user's private topic, and
# job_events rows through Postgres Changes). The database writes all of them
# (soundstage_private.job_event and the broadcast triggers in
# supabase/migrations; docs/realtime.md). Documented in the OpenAPI document so
# typed clients share one definition of each.


class JobStatusEvent(BaseModel):
    """``event: status``: the job changed status (the last one is terminal)."""

    status: JobStatus
    progress: int
    stage: str | None
    message: str | None
    error: JobError | None
    attempts: int


class JobProgressEvent(BaseModel):
    """``event: progress``: progress, stage or message changed."""

    progress: int
    stage: str | None
    message: str | None


class JobOutputEvent(BaseModel):
    """``event: output``: a file was stored (fetch the job for its signed URL)."""

    name: str
    content_type: str
    bytes: int


class JobRow(BaseModel):
    """A ``soundstage.jobs_view`` row as a signed-in page reads it through the
    Data API (``supabase.schema('soundstage').from('jobs_view').select('*')``):
    the columns granted to ``authenticated``, own rows only."""

    id: UUID
    user_id: UUID
    kind: str
    params: dict[str, Any]
    status: JobStatus
    priority: int
    progress: int
    stage: str | None
    message: str | None
    error: JobError | None
    attempts: int
    max_attempts: int
    run_after: datetime
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobEventRow(BaseModel):
    """A ``soundstage.job_events`` row (Realtime Postgres Changes INSERTs): the job's
    status changes and outputs (its progress goes by Broadcast, ``JobBroadcast``)."""

    id: int
    job_id: UUID
    user_id: UUID
    type: str = Field(description="status | output; data is the matching *Event")
    data: dict[str, Any]
    created_at: datetime


class JobBroadcast(BaseModel):
    """The payload of the ``job.status`` and ``job.progress`` Realtime Broadcast
    messages on the private topic ``soundstage:user:<user_id>``: ``job.status``
    on creation and every status change, ``job.progress`` at most once a second
    per job (docs/realtime.md)."""

    job_id: UUID
    kind: str
    status: JobStatus
    progress: int
    stage: str | None
    message: str | None
    error: JobError | None
    attempts: int
    at: datetime = Field(description="when the database sent it")


class JobBroadcastOutput(BaseModel):
    """The payload of a ``job.output`` Broadcast message: a file was stored
    (fetch the job for its signed URL)."""

    job_id: UUID
    name: str
    content_type: str
    bytes: int


class JobBroadcastDeleted(BaseModel):
    """The payload of a ``job.deleted`` Broadcast message."""

    job_id: UUID
