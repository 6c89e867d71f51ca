"""Job rules: validation against the pipeline's params, idempotency,
cancellation and deletion. Runs every query inside the caller's RLS transaction."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from soundstage.auth.tokens import Principal
from soundstage.db import Connection
from soundstage.errors import (
    Conflict,
    NotFound,
    SoundstageError,
    TooManyRequests,
    ValidationFailed,
    as_details,
)
from soundstage.jobs import repository as repo
from soundstage.jobs.limits import limits_for
from soundstage.jobs.schemas import (
    TERMINAL,
    Job,
    JobBatch,
    JobBatchCreate,
    JobCreate,
    JobError,
    JobList,
    JobOutput,
    JobStatus,
    QueuedJob,
    QueueLimits,
    QueueStatus,
)
from soundstage.pagination import fetch_page
from soundstage.pipelines import Pipeline, Pipelines
from soundstage.projects.schemas import ProjectTarget
from soundstage.projects.service import check_job_target
from soundstage.resources import Engine


@dataclass(frozen=True)
class _Admit:
    """The :class:`~soundstage.pipelines.AdmitContext` given to ``admit`` hooks."""

    engine: Engine
    who: Principal
    conn: Connection


QUEUE_FULL_RETRY_AFTER = 30
DEFAULT_RUN_SECONDS = 30.0
SSE_POLL_SECONDS = 0.25
SSE_KEEPALIVE_SECONDS = 15.0


def _request_hash(body: JobCreate) -> str:
    target = body.project.model_dump(mode="json") if body.project else None
    canonical = json.dumps(
        [body.kind, body.params, body.priority, *([target] if target else [])],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_params(pipelines: Pipelines, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The pipeline's own model decides; the stored params are its normalised form."""
    pipeline = pipelines.get(kind)
    if pipeline is None:
        raise ValidationFailed(
            f"unknown job kind {kind!r}; valid kinds: {', '.join(pipelines.kinds())}",
            details={"valid_kinds": pipelines.kinds()},
        )
    try:
        model = pipeline.params_model.model_validate(params)
    except ValidationError as exc:
        raise ValidationFailed(
            f"invalid params for {kind!r}",
            details=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from exc
    return model.model_dump(mode="json")


@dataclass(frozen=True)
class _Spec:
    """One job request, its params validated and normalised by its pipeline."""

    kind: str
    params: dict[str, Any]
    priority: int
    pipeline: Pipeline
    project: ProjectTarget | None = None


def _prepare(pipelines: Pipelines, body: JobCreate) -> _Spec:
    params = validate_params(pipelines, body.kind, body.params)
    pipeline = pipelines.get(body.kind)
    assert pipeline is not None  # validate_params checked the kind
    return _Spec(body.kind, params, body.priority, pipeline, body.project)


def _at_index(exc: SoundstageError, index: int) -> SoundstageError:
    """Name the batch entry an error is about: ``jobs[3].params.bpm: ...``."""
    where = f"jobs[{index}]"
    errors = exc.details if isinstance(exc.details, list) else None
    if errors and all(isinstance(e, dict) and "loc" in e for e in errors):
        # A pydantic failure: name the first field, count the rest.
        first = errors[0]
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        exc.message = f"{where}.params{loc}: {first['msg']}{more}"
    else:
        exc.message = f"{where}: {exc.message}"
    exc.details = {"index": index, **as_details(exc.details)}
    exc.args = (exc.message,)
    return exc


class JobService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def to_job(self, conn: Connection, row: asyncpg.Record, base_url: str) -> Job:
        return (await self._to_jobs(conn, [row], base_url))[0]

    async def _to_jobs(
        self, conn: Connection, rows: list[asyncpg.Record], base_url: str, *, new: bool = False
    ) -> list[Job]:
        """The API's view of job rows, outputs signed. The outputs come from the
        rows' own ``outputs`` column when their query joined it (WITH_OUTPUTS),
        are none for jobs this transaction just inserted (``new``), and otherwise
        cost one query for all the rows."""
        stored: dict[UUID, list[asyncpg.Record | Mapping[str, Any]]] = {r["id"]: [] for r in rows}
        if rows and not new:
            if "outputs" in rows[0]:
                for r in rows:
                    stored[r["id"]] = r["outputs"]
            else:
                for record in await repo.list_outputs(conn, list(stored)):
                    stored[record["job_id"]].append(record)
        outputs: dict[UUID, list[JobOutput]] = {job_id: [] for job_id in stored}
        ttl = self.engine.settings.signed_url_ttl_seconds
        for job_id, found in stored.items():
            for o in found:
                signed = await self.engine.storage.signed_url(
                    o["bucket"], o["object_path"], expires_in=ttl, base_url=base_url
                )
                outputs[job_id].append(
                    JobOutput(
                        name=o["name"],
                        content_type=o["content_type"],
                        bytes=o["bytes"],
                        url=signed.url,
                        expires_at=signed.expires_at,
                    )
                )
        return [
            Job(
                id=r["id"],
                kind=r["kind"],
                status=JobStatus(r["status"]),
                params=r["params"],
                priority=r["priority"],
                progress=r["progress"],
                stage=r["stage"],
                message=r["message"],
                error=JobError(**r["error"]) if r["error"] else None,
                attempts=r["attempts"],
                max_attempts=r["max_attempts"],
                outputs=outputs[r["id"]],
                project=r.get("project"),
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
            )
            for r in rows
        ]

    async def create(
        self, who: Principal, body: JobCreate, idempotency_key: str | None, base_url: str
    ) -> Job:
        spec = _prepare(self.engine.pipelines, body)
        request_hash = _request_hash(body.model_copy(update={"params": spec.params}))
        limits = limits_for(self.engine.settings, who)
        async with self.engine.db.as_user(who.claims) as conn:
            if (
                idempotency_key is None
                or await repo.get_by_idempotency_key(conn, idempotency_key) is None
            ):
                await self._check_queue_room(conn, limits.max_queued)
            row = await self._admit_and_insert(
                conn,
                who,
                spec,
                idempotency_key=idempotency_key,
                request_hash=request_hash if idempotency_key else None,
            )
            new = row is not None
            if row is None:
                assert idempotency_key is not None
                row = await repo.get_by_idempotency_key(conn, idempotency_key)
                if row is None:  # pragma: no cover - the conflicting row is the caller's
                    raise Conflict("idempotency key in use; retry the request")
                if row["request_hash"] != request_hash:
                    raise ValidationFailed(
                        "this Idempotency-Key was already used with a different request body"
                    )
            return (await self._to_jobs(conn, [row], base_url, new=new))[0]

    async def create_batch(self, who: Principal, body: JobBatchCreate, base_url: str) -> JobBatch:
        """All or none: every spec's params are validated before the transaction
        opens; admit hooks and inserts then run in one RLS transaction, so a
        failure anywhere rolls every insert back."""
        specs: list[_Spec] = []
        for i, item in enumerate(body.jobs):
            try:
                specs.append(_prepare(self.engine.pipelines, item))
            except ValidationFailed as exc:
                raise _at_index(exc, i) from exc
        limits = limits_for(self.engine.settings, who)
        async with self.engine.db.as_user(who.claims) as conn:
            await self._check_queue_room(conn, limits.max_queued, adding=len(specs))
            rows: list[asyncpg.Record] = []
            for i, spec in enumerate(specs):
                # Admit, then insert, one spec at a time: a quota hook then sees
                # the batch's earlier jobs, as it would for separate requests.
                try:
                    row = await self._admit_and_insert(
                        conn, who, spec, idempotency_key=None, request_hash=None
                    )
                except SoundstageError as exc:
                    raise _at_index(exc, i) from exc
                assert row is not None  # no idempotency key, so no conflict
                rows.append(row)
            return JobBatch(items=await self._to_jobs(conn, rows, base_url, new=True))

    async def _admit_and_insert(
        self,
        conn: Connection,
        who: Principal,
        spec: _Spec,
        *,
        idempotency_key: str | None,
        request_hash: str | None,
    ) -> asyncpg.Record | None:
        units = None
        if spec.project is not None:
            # the outputs become a commit: the caller must be able to make one
            await check_job_target(conn, who.user_id, spec.project)
        if spec.pipeline.admit is not None:
            model = spec.pipeline.params_model.model_validate(spec.params)
            admission = await spec.pipeline.admit(_Admit(self.engine, who, conn), model)
            units = admission.units
        return await repo.insert_job(
            conn,
            user_id=who.user_id,
            kind=spec.kind,
            params=spec.params,
            priority=spec.priority,
            max_attempts=self.engine.settings.max_attempts,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            units=units,
            project=spec.project.model_dump(mode="json") if spec.project else None,
        )

    async def _check_queue_room(
        self, conn: Connection, max_queued: int, *, adding: int = 1
    ) -> None:
        # A soft cap: two concurrent requests may both pass at the edge; the
        # point is to stop one user from flooding the queue, not exact counting.
        # counted up to the cap: enough to decide, and `queued` in the messages is
        # exact whenever it is below the cap
        queued = await repo.count_queued(conn, max_queued)
        if queued + adding > max_queued:
            if adding > 1:
                raise TooManyRequests(
                    f"you have {queued} queued jobs; {adding} more would exceed the limit of "
                    f"{max_queued}",
                    retry_after=QUEUE_FULL_RETRY_AFTER,
                )
            raise TooManyRequests(
                f"you already have {max_queued} queued jobs; wait for some to start",
                retry_after=QUEUE_FULL_RETRY_AFTER,
            )

    async def get(self, who: Principal, job_id: UUID, base_url: str) -> Job:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_job(conn, job_id)
            if row is None:
                raise NotFound("job not found")
            return (await self._to_jobs(conn, [row], base_url))[0]

    async def download_output(self, who: Principal, job_id: UUID, name: str, target: Path) -> None:
        """Copy output ``name`` of one of the caller's jobs to ``target`` (for
        routes that answer with the file itself, not a signed URL)."""
        async with self.engine.db.as_user(who.claims) as conn:
            found = [o for o in await repo.list_outputs(conn, [job_id]) if o["name"] == name]
        if not found:
            raise NotFound("output not found")
        await self.engine.storage.download(found[0]["bucket"], found[0]["object_path"], target)

    async def list(
        self,
        who: Principal,
        *,
        status: JobStatus | None,
        kind: str | None,
        cursor: str | None,
        limit: int,
        base_url: str,
    ) -> JobList:
        async with self.engine.db.as_user(who.claims) as conn:
            page = await fetch_page(
                lambda n, before: repo.list_jobs(
                    conn,
                    limit=n,
                    status=status.value if status else None,
                    kind=kind,
                    before=before,
                ),
                cursor,
                limit,
            )
            items = await self._to_jobs(conn, list(page.rows), base_url)
        return JobList(items=items, next_cursor=page.next_cursor)

    async def cancel(self, who: Principal, job_id: UUID, base_url: str) -> Job:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_job_for_update(conn, job_id)
            if row is None:
                raise NotFound("job not found")
            status = JobStatus(row["status"])
            if status is JobStatus.QUEUED:
                row = await repo.set_status(conn, job_id, JobStatus.CANCELED, finished=True)
            elif status is JobStatus.RUNNING:
                # The worker notices, stops the pipeline and marks it canceled.
                row = await repo.set_status(conn, job_id, JobStatus.CANCELING, finished=False)
            elif status in TERMINAL:
                raise Conflict(f"job already {status.value}")
            assert row is not None
            return (await self._to_jobs(conn, [row], base_url))[0]

    async def delete(self, who: Principal, job_id: UUID) -> None:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_job_for_update(conn, job_id)
            if row is None:
                raise NotFound("job not found")
            if row["status"] in (JobStatus.RUNNING, JobStatus.CANCELING):
                raise Conflict("job is running; cancel it first")
            files = [
                *await repo.list_outputs(conn, [job_id]),
                *await repo.list_checkpoint_files(conn, job_id),
            ]
            await repo.delete_job(conn, job_id)
        # Files go after the rows are gone: a crash here leaves an orphan file,
        # never a job that points at nothing.
        for f in files:
            await self.engine.storage.delete(f["bucket"], f["object_path"])

    async def retry(self, who: Principal, job_id: UUID, base_url: str) -> Job:
        """Re-run a failed or canceled job in place: the same id, attempts reset,
        checkpoints kept so it resumes where it stopped."""
        limits = limits_for(self.engine.settings, who)
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_job_for_update(conn, job_id)
            if row is None:
                raise NotFound("job not found")
            status = JobStatus(row["status"])
            if status not in (JobStatus.FAILED, JobStatus.CANCELED):
                raise Conflict(f"only failed or canceled jobs can be retried; this one is {status}")
            await self._check_queue_room(conn, limits.max_queued)
            row = await repo.requeue_finished(conn, job_id)
            assert row is not None
            return (await self._to_jobs(conn, [row], base_url))[0]

    async def queue(self, who: Principal) -> QueueStatus:
        limits = limits_for(self.engine.settings, who)
        async with self.engine.db.as_user(who.claims) as conn:
            stats = await repo.queue_stats(conn)
            mine = await repo.count_mine_by_status(conn)
            positions = await repo.queue_positions(conn)
            durations = await repo.recent_durations(conn)
        counts = {s: 0 for s in ("queued", "running", "canceling")}
        counts.update({r["status"]: r["jobs"] for r in stats})
        workers = max((r["workers"] for r in stats if r["status"] != "queued"), default=0)
        # Rough but honest: the jobs ahead, run as many at a time as run now.
        capacity = max(1, counts["running"] + counts["canceling"])
        overall = sum(durations.values()) / len(durations) if durations else DEFAULT_RUN_SECONDS
        queued = [
            QueuedJob(
                id=p["job_id"],
                kind=p["kind"],
                position=p["ahead"] + 1,
                estimated_start_seconds=round(
                    math.ceil(p["ahead"] / capacity) * durations.get(p["kind"], overall), 1
                ),
            )
            for p in positions
        ]
        return QueueStatus(
            counts=counts,
            workers=workers,
            mine=mine,
            limits=QueueLimits(max_running=limits.max_running, max_queued=limits.max_queued),
            queued=queued,
        )

    async def events(self, who: Principal, job_id: UUID, last_event_id: int) -> AsyncIterator[str]:
        """Server-Sent Events for one job: its whole history after
        ``last_event_id``, then live changes, until the job ends."""
        async with self.engine.db.as_user(who.claims) as conn:
            if await repo.get_status(conn, job_id) is None:
                raise NotFound("job not found")
        return self._event_stream(who, job_id, last_event_id)

    async def _event_stream(self, who: Principal, job_id: UUID, last_id: int) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        last_sent = loop.time()
        yield "retry: 2000\n\n"
        while True:
            async with self.engine.db.as_user(who.claims) as conn:
                # Status first, events second: the terminal status and its event
                # commit together, so a terminal status read here guarantees its
                # event is in the read that follows (the other order could miss it).
                status = await repo.get_status(conn, job_id)
                events = await repo.events_after(conn, job_id, last_id)
            for e in events:
                last_id = e["id"]
                data = json.dumps(e["data"], separators=(",", ":"))
                yield f"id: {e['id']}\nevent: {e['type']}\ndata: {data}\n\n"
                last_sent = loop.time()
                if e["type"] == "status" and e["data"].get("status") in TERMINAL:
                    return
            if not events:
                if status is None or status in TERMINAL:
                    return  # deleted, or ended before this (resumed) stream began
                if loop.time() - last_sent >= SSE_KEEPALIVE_SECONDS:
                    yield ": keep-alive\n\n"
                    last_sent = loop.time()
                await asyncio.sleep(SSE_POLL_SECONDS)
