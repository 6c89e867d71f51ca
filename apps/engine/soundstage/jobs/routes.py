from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.jobs.schemas import (
    Job,
    JobBatch,
    JobBatchCreate,
    JobCreate,
    JobList,
    JobStatus,
    PipelineInfo,
    PipelineList,
    QueueStatus,
)
from soundstage.jobs.service import JobService
from soundstage.ratelimit.deps import RateLimited
from soundstage.resources import Engine

router = APIRouter(prefix="/v1", tags=["jobs"])


async def get_service(request: Request) -> JobService:
    # the engine as get_engine gives it, without a sub-dependency to solve
    engine: Engine = request.app.state.engine
    return JobService(engine)


Service = Annotated[JobService, Depends(get_service)]


@router.get("/kinds", response_model=PipelineList, responses=error_responses(401))
async def list_kinds(_: CurrentUser, service: Service) -> PipelineList:
    return PipelineList(
        items=[
            PipelineInfo(
                kind=p.kind,
                description=p.description,
                params_schema=p.params_model.model_json_schema(),
            )
            for p in service.engine.pipelines
        ]
    )


@router.post(
    "/jobs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Job,
    responses=error_responses(401, 402, 413, 422, 429),
    dependencies=[Depends(RateLimited("jobs"))],
)
async def create_job(
    request: Request,
    body: JobCreate,
    who: CurrentUser,
    service: Service,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
    ] = None,
) -> Job:
    return await service.create(who, body, idempotency_key, service.engine.base_url(request))


@router.post(
    "/jobs/batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobBatch,
    responses=error_responses(401, 402, 422, 429),
    dependencies=[Depends(RateLimited("jobs"))],
)
async def create_jobs_batch(
    request: Request, body: JobBatchCreate, who: CurrentUser, service: Service
) -> JobBatch:
    """Create 1-20 jobs atomically: every spec is validated first, and one bad
    spec (named by its index, ``jobs[3].params.bpm``) creates none of them."""
    return await service.create_batch(who, body, service.engine.base_url(request))


@router.get("/jobs", response_model=JobList, responses=error_responses(401, 422))
async def list_jobs(
    request: Request,
    who: CurrentUser,
    service: Service,
    status: JobStatus | None = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> JobList:
    return await service.list(
        who,
        status=status,
        kind=kind,
        cursor=cursor,
        limit=limit,
        base_url=service.engine.base_url(request),
    )


@router.get("/jobs/{job_id}", response_model=Job, responses=error_responses(401, 404))
async def get_job(request: Request, job_id: UUID, who: CurrentUser, service: Service) -> Job:
    return await service.get(who, job_id, service.engine.base_url(request))


@router.post("/jobs/{job_id}/cancel", response_model=Job, responses=error_responses(401, 404, 409))
async def cancel_job(request: Request, job_id: UUID, who: CurrentUser, service: Service) -> Job:
    return await service.cancel(who, job_id, service.engine.base_url(request))


@router.post(
    "/jobs/{job_id}/retry", response_model=Job, responses=error_responses(401, 404, 409, 429)
)
async def retry_job(request: Request, job_id: UUID, who: CurrentUser, service: Service) -> Job:
    """Re-run a failed or canceled job: the same job, queued again, resuming from
    its checkpoints."""
    return await service.retry(who, job_id, service.engine.base_url(request))


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
        **error_responses(401, 404),
    },
)
async def job_events(
    job_id: UUID,
    who: CurrentUser,
    service: Service,
    # an event id is a Postgres bigint: a larger one is a 422, not a broken stream
    last_event_id: Annotated[int, Header(alias="Last-Event-ID", ge=0, le=2**63 - 1)] = 0,
) -> StreamingResponse:
    """Live progress: ``status``, ``progress`` and ``output`` events until the job
    ends; reconnect with ``Last-Event-ID`` to resume without gaps."""
    stream = await service.events(who, job_id, last_event_id)
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/queue", response_model=QueueStatus, responses=error_responses(401))
async def queue_status(who: CurrentUser, service: Service) -> QueueStatus:
    return await service.queue(who)


@router.delete(
    "/jobs/{job_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 409),
)
async def delete_job(job_id: UUID, who: CurrentUser, service: Service) -> None:
    await service.delete(who, job_id)
