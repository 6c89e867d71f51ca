"""Claim, run, heartbeat, finish.

One :class:`Worker` runs up to ``concurrency`` jobs at once in one event loop.
Pipelines do their heavy work in child processes or threads, so the loop stays
free to heartbeat. Each running job has a ticker that, every half second,
flushes coalesced progress and extends the lease in one UPDATE; the same
statement tells it whether the user asked to cancel or whether the lease was
lost to the reaper.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import shutil
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import structlog
from pydantic import ValidationError

from soundstage import kinds as engine_kinds
from soundstage.config import Settings
from soundstage.db import Connection, Database
from soundstage.errors import PermanentError, RetryableError, SoundstageError
from soundstage.jobs import repository as repo
from soundstage.observability.metrics import observe_job
from soundstage.pipelines import Checkpoint, Pipelines, UploadFile
from soundstage.projects import objects as project_objects
from soundstage.projects.service import commit_job_outputs
from soundstage.providers.idle import unload_idle
from soundstage.storage import Storage, object_path
from soundstage.uploads import repository as uploads_repo
from soundstage.webhooks.delivery import Deliverer
from soundstage.worker import orphans
from soundstage.worker.outage import database_away, through_outage

log = logging.getLogger(__name__)

TICK_SECONDS = 0.5
# The database's 1 s Broadcast limit: a progress write it held came at least a
# tick after its last send, so two ticks after that write the limit has passed.
TRAILING_WRITE_SECONDS = 1.0
# how often one worker sweeps unreferenced project files (any worker may)
COLLECT_OBJECTS_SECONDS = 600.0
RENDERS = "renders"


def backoff_seconds(
    attempt: int, retry_after: float | None, *, base: float = 5.0, cap: float = 600.0
) -> float:
    """Exponential backoff with full jitter; a provider's Retry-After wins if longer."""
    computed = random.uniform(0, min(cap, base * 2 ** max(attempt - 1, 0)))
    return max(computed, retry_after or 0.0)


@dataclass
class _Claimed:
    id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    params: dict[str, Any]
    attempts: int
    max_attempts: int
    # {"id", "branch", "message"}: the project its outputs are committed to
    project: dict[str, Any] | None = None
    # for soundstage_job_duration_seconds: claim to the end of this attempt
    claimed_at: float = field(default_factory=time.monotonic)


@dataclass
class _Context:
    """The :class:`~soundstage.pipelines.JobContext` the worker hands a pipeline."""

    worker: Worker
    job: _Claimed
    tmp_root: Path
    checkpointed: bool = False
    renewed_at: float = field(default_factory=lambda: asyncio.get_running_loop().time())
    flushed_at: float | None = None  # the last write that carried progress
    _pending: dict[str, Any] = field(default_factory=dict)
    _workdir: Path | None = None

    @property
    def workdir(self) -> Path:
        # Made on first use: a job that needs no directory costs no mkdir and
        # rmtree, which block the event loop.
        if self._workdir is None:
            self.tmp_root.mkdir(parents=True, exist_ok=True)
            self._workdir = Path(tempfile.mkdtemp(prefix=f"{self.job.id}-", dir=self.tmp_root))
        return self._workdir

    @property
    def job_id(self) -> uuid.UUID:
        return self.job.id

    @property
    def user_id(self) -> uuid.UUID:
        return self.job.user_id

    @property
    def attempt(self) -> int:
        return self.job.attempts

    async def progress(
        self, percent: float, stage: str | None = None, message: str | None = None
    ) -> None:
        # Only remembered here; the ticker writes the latest values (coalescing).
        self._pending["progress"] = max(0, min(100, int(percent)))
        if stage is not None:
            self._pending["stage"] = stage[:200]
        if message is not None:
            self._pending["message"] = message[:500]

    def take_pending(self) -> dict[str, Any]:
        pending, self._pending = self._pending, {}
        return pending

    async def add_output(self, name: str, path: Path, content_type: str) -> None:
        await self.worker.store_output(self.job, name, path, content_type)

    async def checkpoint(
        self, unit: str, path: Path | None = None, data: dict[str, Any] | None = None
    ) -> None:
        await self.worker.save_checkpoint(self.job, unit, path, data or {})
        self.checkpointed = True

    async def completed(self) -> dict[str, Checkpoint]:
        async with self.worker.db.privileged() as conn:
            rows = await repo.list_checkpoints(conn, self.job.id)
        return {
            r["unit"]: Checkpoint(r["unit"], r["data"], r["bucket"], r["object_path"]) for r in rows
        }

    @property
    def settings(self) -> Settings:
        return self.worker.settings

    @property
    def storage(self) -> Storage:
        return self.worker.storage

    def as_owner(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        """A transaction as the job's owner, under RLS: a pipeline reads domain
        data through the domain's repository on it, and sees only what the
        owner may see."""
        return self.worker.db.as_user(
            {"sub": str(self.job.user_id), "role": "authenticated", "aud": "authenticated"}
        )

    async def fetch_upload(self, upload_id: uuid.UUID, target_dir: Path) -> UploadFile:
        async with self.as_owner() as conn:
            row = await uploads_repo.get_upload(conn, upload_id)
        if row is None:
            raise PermanentError("the uploaded file is gone: upload it again")
        await asyncio.to_thread(target_dir.mkdir, parents=True, exist_ok=True)
        target = target_dir / f"upload-{upload_id}.{row['format']}"
        await self.worker.storage.download(row["bucket"], row["object_path"], target)
        return UploadFile(target, row["format"], row["category"], row["original_name"])

    async def fetch_output(self, job_id: uuid.UUID, name: str, target_dir: Path) -> Path:
        async with self.as_owner() as conn:
            row = await repo.get_output(conn, job_id, name)
        if row is None:  # deleted since the job was admitted
            raise PermanentError(f"job {job_id} no longer has the output {name!r}")
        await asyncio.to_thread(target_dir.mkdir, parents=True, exist_ok=True)
        # The name's suffix tells ffmpeg and libsndfile the format.
        target = target_dir / f"output-{job_id}-{Path(name).name}"
        await self.worker.storage.download(row["bucket"], row["object_path"], target)
        return target

    async def restore(self, checkpoint: Checkpoint, target: Path) -> Path:
        if checkpoint.bucket is None or checkpoint.object_path is None:
            raise ValueError(f"checkpoint {checkpoint.unit!r} has no file")
        await self.worker.storage.download(checkpoint.bucket, checkpoint.object_path, target)
        return target


class LeaseLost(Exception):
    pass


class _SuccessWriter:
    """Group commit for successful completions.

    One UPDATE and one commit per finished job was most of what Postgres did
    per short job (every commit waits for an fsync). Instead each success is
    queued here: if no write is in flight it is written at once; otherwise it
    waits for the write in flight and goes, with everything else queued
    meanwhile, into the next one (:func:`repo.finish_succeeded`, fenced by
    ``lease_owner`` like a single finish). Each caller awaits its own batch's
    result, so a job's slot is freed only once its row is committed, and a
    failed write raises in every job of that batch.
    """

    def __init__(self, db: Database, worker_id: str) -> None:
        self._db = db
        self._worker_id = worker_id
        self._queued: list[tuple[uuid.UUID, str | None, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, job_id: uuid.UUID, stage: str | None) -> bool:
        """Mark the job succeeded; False if this worker no longer held its lease."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queued.append((job_id, stage, done))
        if self._writer is None:
            # Its own task, not the caller's: cancelling one job (a release at
            # shutdown) must not abandon the other jobs of its batch.
            self._writer = asyncio.create_task(self._write_batches(), name="success-writer")
        return await done

    async def _write_batches(self) -> None:
        batch: list[tuple[uuid.UUID, str | None, asyncio.Future[bool]]] = []
        try:
            while self._queued:
                # A caller cancelled while queued is being released back to the
                # queue: its job must not be marked succeeded behind its back.
                batch = [item for item in self._queued if not item[2].cancelled()]
                self._queued = []
                if not batch:
                    continue
                done_jobs = [(job_id, stage) for job_id, stage, _ in batch]
                try:
                    written = await self._write_successes(done_jobs)
                # whatever went wrong is each caller's error, as a single write's would be
                except Exception as exc:  # noqa: BLE001
                    for _, _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                for job_id, _, done in batch:
                    if not done.done():
                        done.set_result(job_id in written)
                batch = []
        except BaseException:
            # Cancelled (the loop is closing): nobody may wait forever.
            for _, _, done in [*batch, *self._queued]:
                done.cancel()
            self._queued = []
            raise
        finally:
            # No await between the emptiness check and here: a write() arriving
            # after this starts a new writer.
            self._writer = None

    async def _write_successes(self, jobs: list[tuple[uuid.UUID, str | None]]) -> set[uuid.UUID]:
        async with self._db.privileged() as conn:
            return await repo.finish_succeeded(conn, self._worker_id, jobs)

    async def wait_idle(self) -> None:
        """Wait until nothing is being written (callers cancelled at shutdown may
        have left a batch in flight)."""
        while self._writer is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._writer)


class Worker:
    def __init__(
        self,
        db: Database,
        storage: Storage,
        settings: Settings,
        *,
        dsn: str,
        concurrency: int | None = None,
        worker_id: str | None = None,
        pipelines: Pipelines | None = None,
        kinds: frozenset[str] | None = None,
        exclude_kinds: frozenset[str] | None = None,
    ) -> None:
        self.db = db
        # Kind-routed pools: claim only these kinds (None: every kind) and
        # never the excluded ones (`soundstage worker --kinds/--exclude-kinds`,
        # else SOUNDSTAGE_WORKER_KINDS / SOUNDSTAGE_WORKER_EXCLUDE_KINDS).
        if kinds is None and settings.worker_kinds is not None:
            kinds = frozenset(settings.worker_kinds)
        self.kinds = kinds
        self.exclude_kinds = (
            exclude_kinds
            if exclude_kinds is not None
            else frozenset(settings.worker_exclude_kinds or ())
        )
        self.pipelines = pipelines or engine_kinds.pipelines()
        self.storage = storage
        self.settings = settings
        self.dsn = dsn
        self.concurrency = concurrency or settings.worker_concurrency
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease_seconds = float(settings.lease_seconds)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        # Jobs whose pipeline runs (``concurrency`` bounds these). A job leaves
        # this set when its pipeline returns, before its final write: the
        # next claim then overlaps the (batched) completion write instead of
        # waiting for it. Its row stays `running` until that write commits, so
        # the per-user running cap only counts it longer, never shorter.
        self._busy: set[uuid.UUID] = set()
        self._releasing = False
        self._successes = _SuccessWriter(db, self.id)
        # Webhook deliveries run beside the jobs, in the same loop (their own
        # concurrency bound, SOUNDSTAGE_WEBHOOK_CONCURRENCY).
        self.webhooks = Deliverer(db, settings) if settings.webhook_delivery else None

    def kinds_description(self) -> str:
        shown = ",".join(sorted(self.kinds)) if self.kinds is not None else "all"
        if self.exclude_kinds:
            shown += f" except {','.join(sorted(self.exclude_kinds))}"
        return shown

    # ----------------------------------------------------------- lifecycle
    def stop(self) -> None:
        """Stop claiming; :meth:`run` then drains and returns."""
        self._stopping.set()
        self._wake.set()

    async def run(self, *, grace_seconds: float = 30.0) -> None:
        listener = await self._listen()
        reaper = asyncio.create_task(self._reap_forever())
        webhooks_stop = asyncio.Event()
        webhooks = (
            asyncio.create_task(self.webhooks.run(webhooks_stop), name="webhook-deliveries")
            if self.webhooks is not None
            else None
        )
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                # at most as many more tasks again still finishing their writes
                free = min(
                    self.concurrency - len(self._busy),
                    2 * self.concurrency - len(self._tasks),
                )
                if free > 0:
                    try:
                        claimed = await self._claim(free)
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                        # The database restarting, a dropped connection, a claim
                        # that waited too long for a row: try again at the next
                        # poll; the running jobs carry on.
                        log.warning("claim failed (%s); retrying", type(exc).__name__)
                        claimed = []
                    for job in claimed:
                        self._start(job)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.worker_poll_seconds)
        finally:
            reaper.cancel()
            await self._drain(grace_seconds)
            await self._successes.wait_idle()
            if webhooks is not None:
                # after the drain: the last jobs' events get their first attempt
                webhooks_stop.set()
                await webhooks
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()

    async def _listen(self) -> asyncpg.Connection | None:
        # LISTEN wakes us within milliseconds; where it is unavailable (Supabase's
        # transaction pooler) we fall back to polling every worker_poll_seconds.
        if not self.settings.worker_listen or self.settings.transaction_pooler:
            return None
        try:
            conn = await asyncpg.connect(self.dsn)
            if self.webhooks is not None:
                webhooks = self.webhooks
                await conn.add_listener("soundstage_webhooks", lambda *_: webhooks.wake())
            # last: the session's query shows `LISTEN soundstage_jobs` (what
            # operators and tests look for in pg_stat_activity)
            await conn.add_listener("soundstage_jobs", lambda *_: self._wake.set())
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("LISTEN unavailable (%s); polling instead", type(exc).__name__)
            return None
        return conn

    async def _drain(self, grace_seconds: float) -> None:
        if not self._tasks:
            return
        _, pending = await asyncio.wait(list(self._tasks.values()), timeout=grace_seconds)
        if pending:
            # Past the grace period: hand the rest back without counting an attempt.
            self._releasing = True
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _reap_forever(self) -> None:
        loop = asyncio.get_running_loop()
        collected_at = loop.time()
        while True:
            try:
                async with self.db.privileged() as conn:
                    for row in await repo.reap_expired(conn):
                        log.warning("job %s lease lapsed; now %s", row["id"], row["status"])
                if loop.time() - collected_at >= COLLECT_OBJECTS_SECONDS:
                    # Project files nothing names any more: those a cascade
                    # released (a deleted account, a commit racing its project's
                    # delete) are not collected by the statement that freed them.
                    collected_at = loop.time()
                    await project_objects.collect(self.db, self.storage)
                # deleted users' files (soundstage.worker.orphans)
                await orphans.sweep(self.db, self.storage)
            except (OSError, asyncpg.PostgresError):
                log.exception("reaper pass failed")
            if self.settings.model_idle_seconds > 0:
                # local voices no job has used for a while leave memory
                await asyncio.to_thread(unload_idle, self.settings.model_idle_seconds)
            await asyncio.sleep(max(1.0, self.lease_seconds / 3))

    # -------------------------------------------------------------- claim
    async def _claim(self, limit: int) -> list[_Claimed]:
        async with self.db.privileged() as conn:
            rows = await repo.claim(
                conn,
                self.id,
                self.lease_seconds,
                limit=limit,
                max_running_per_user=self.settings.queue_max_running_per_user,
                kinds=sorted(self.kinds) if self.kinds is not None else None,
                exclude_kinds=sorted(self.exclude_kinds),
            )
        return [
            _Claimed(
                id=row["id"],
                user_id=row["user_id"],
                kind=row["kind"],
                params=row["params"],
                attempts=row["attempts"],
                max_attempts=row["max_attempts"],
                project=row["project"],
            )
            for row in rows
        ]

    def _start(self, job: _Claimed) -> None:
        task = asyncio.create_task(self._execute(job), name=f"job-{job.id}")
        self._tasks[job.id] = task
        self._busy.add(job.id)

        def _done(_: asyncio.Task[None]) -> None:
            self._tasks.pop(job.id, None)
            self._busy.discard(job.id)
            self._wake.set()  # a slot is free

        task.add_done_callback(_done)

    def _free_slot(self, job: _Claimed) -> None:
        """The job's pipeline has returned: its slot may take another job while
        its final status is written."""
        if job.id in self._busy:
            self._busy.discard(job.id)
            self._wake.set()

    # ---------------------------------------------------------------- run
    async def _execute(self, job: _Claimed) -> None:
        # _execute runs as its own task, so this binds only this job's context:
        # every line logged for it (pipeline code included) carries its id.
        structlog.contextvars.bind_contextvars(job_id=str(job.id), kind=job.kind)
        # DEBUG: at INFO, two lines per job were a third of a busy worker's CPU
        # on short jobs; the outcome line of anything but a success stays INFO.
        log.debug("job started (attempt %d of %d)", job.attempts, job.max_attempts)
        ctx = _Context(self, job, self.settings.data_path / "tmp" / "jobs")
        try:
            await self._run_pipeline(job, ctx)
        except asyncio.CancelledError:
            if self._releasing:
                async with self.db.privileged() as conn:
                    await repo.release_for_retry(
                        conn, job.id, self.id, delay_seconds=0, error=None, count_attempt=False
                    )
                log.info("job %s released back to the queue at shutdown", job.id)
                self._observe(job, "released")
            raise
        except LeaseLost:
            log.warning("job %s: lease lost; another worker may hold it now", job.id)
            self._observe(job, "lease_lost")
        finally:
            if ctx._workdir is not None:
                # off the event loop, and finished even if this task is cancelled
                await asyncio.shield(
                    asyncio.to_thread(shutil.rmtree, ctx._workdir, ignore_errors=True)
                )

    async def _run_pipeline(self, job: _Claimed, ctx: _Context) -> None:
        pipeline = self.pipelines.get(job.kind)
        if pipeline is None:
            await self._fail(job, "unknown_kind", f"no pipeline for job kind {job.kind!r}")
            return
        try:
            params = pipeline.params_model.model_validate(job.params)
        except ValidationError:
            await self._fail(job, "invalid_params", "the job's params are no longer valid")
            return

        run = asyncio.create_task(pipeline.run(ctx, params))
        canceled = False
        try:
            while True:
                await asyncio.wait({run}, timeout=TICK_SECONDS)
                if run.done():
                    break  # the final write below carries the last progress
                try:
                    status = await self._tick(job, ctx)
                except Exception as tick_error:
                    if not database_away(tick_error):
                        raise
                    # The database is restarting: the job keeps working; the
                    # next tick tries again (past the lease it is another's).
                    continue
                if status is None:
                    raise LeaseLost()
                if status == "canceling":
                    canceled = True
                    run.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await run
        finally:
            if not run.done():
                run.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await run

        self._free_slot(job)
        if canceled:
            await self._finish(job, "canceled", stage="canceled")
            return
        exc = run.exception()
        if exc is None and job.project is not None:
            # Before the success is written: a commit that cannot be made fails
            # the job instead (a failed job makes no commit).
            exc = await self._commit_to_project(job)
        if exc is None:
            finished = await self._finish(job, "succeeded", stage="done")
            # a job whose lease was lost belongs to whoever holds it now
            if (
                finished
                and not pipeline.keep_checkpoints
                and (ctx.checkpointed or job.attempts > 1)
            ):
                await self._purge_checkpoints(job)
        elif isinstance(exc, SoundstageError):
            # Any domain error: its own code and safe message (a missing provider
            # key is provider_not_configured, a bad upload validation_error), or
            # a retry when it says trying again may help.
            if exc.retryable and job.attempts < job.max_attempts:
                delay = backoff_seconds(
                    job.attempts,
                    exc.retry_after,
                    base=self.settings.retry_base_seconds,
                    cap=self.settings.retry_max_seconds,
                )
                async with self.db.privileged() as conn:
                    await repo.release_for_retry(
                        conn,
                        job.id,
                        self.id,
                        delay_seconds=delay,
                        error={"code": exc.code, "message": exc.message},
                        count_attempt=True,
                    )
                log.info("job %s: %s; retry in %.1fs", job.id, exc.code, delay)
                self._observe(job, "retried")
            else:
                await self._fail(job, exc.code, exc.message)
        else:
            log.error("job %s crashed", job.id, exc_info=exc)
            await self._fail(job, "internal_error", "the job failed unexpectedly")

    async def _commit_to_project(self, job: _Claimed) -> BaseException | None:
        assert job.project is not None
        try:
            await commit_job_outputs(
                self.db,
                self.storage,
                job_id=job.id,
                user_id=job.user_id,
                kind=job.kind,
                params=job.params,
                target=job.project,
                tmp_root=self.settings.data_path / "tmp" / "jobs",
            )
        except Exception as exc:  # noqa: BLE001 - judged like the pipeline's own errors
            return exc
        return None

    async def _tick(self, job: _Claimed, ctx: _Context) -> str | None:
        """Every tick reads the status (cancellation is noticed within a second);
        it writes only when there is progress to flush or the lease is a third
        spent, so an idle job does not churn the row (and Realtime) twice a second."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        pending = ctx.take_pending()
        # One more write (the lease alone) a while after the last progress
        # write: the database may have held that progress back (Realtime
        # Broadcast goes at most once a second per job) and sends it with the
        # job's next write a second later (docs/realtime.md).
        trailing = ctx.flushed_at is not None and now - ctx.flushed_at >= TRAILING_WRITE_SECONDS
        if not pending and not trailing and now - ctx.renewed_at < self.lease_seconds / 3:
            async with self.db.privileged() as conn:
                return await repo.current_status(conn, job.id, self.id)
        ctx.renewed_at = now
        ctx.flushed_at = now if pending else None
        async with self.db.privileged() as conn:
            return await repo.heartbeat(
                conn,
                job.id,
                self.id,
                self.lease_seconds,
                pending.get("progress"),
                pending.get("stage"),
                pending.get("message"),
            )

    async def _finish(self, job: _Claimed, status: str, *, stage: str) -> bool:
        """Write the job's final status; False (and nothing written) if its lease was lost."""
        if status == "succeeded":
            # batched with other jobs finishing meanwhile (group commit)
            written = await self._successes.write(job.id, stage)
        else:

            async def _write() -> Any:
                async with self.db.privileged() as conn:
                    return await repo.finish(conn, job.id, self.id, status, stage=stage, error=None)

            written = await through_outage(_write, patience=self.lease_seconds)
        if not written:
            log.warning("job %s: lease lost before it could be marked %s", job.id, status)
            self._observe(job, "lease_lost")
            return False
        self._observe(job, status)
        return True

    async def _fail(self, job: _Claimed, code: str, message: str) -> None:
        async def _write() -> Any:
            async with self.db.privileged() as conn:
                return await repo.finish(
                    conn,
                    job.id,
                    self.id,
                    "failed",
                    stage="failed",
                    error={"code": code, "message": message},
                )

        written = await through_outage(_write, patience=self.lease_seconds)
        if not written:
            log.warning("job %s: lease lost before it could be marked failed", job.id)
        self._observe(job, "failed" if written else "lease_lost")

    def _observe(self, job: _Claimed, outcome: str) -> None:
        seconds = time.monotonic() - job.claimed_at
        observe_job(job.kind, outcome, seconds)
        log.log(
            logging.DEBUG if outcome == "succeeded" else logging.INFO,
            "job %s after %.2fs (attempt %d of %d)",
            outcome,
            seconds,
            job.attempts,
            job.max_attempts,
        )

    async def save_checkpoint(
        self, job: _Claimed, unit: str, path: Path | None, data: dict[str, Any]
    ) -> None:
        key = size = None
        if path is not None:
            key = f"{job.user_id}/{job.id}/checkpoints/{unit}"
            size = await self._put_file(key, path, "application/octet-stream")

        async def _write() -> Any:
            async with self.db.privileged() as conn:
                return await repo.save_checkpoint(
                    conn,
                    job_id=job.id,
                    user_id=job.user_id,
                    worker_id=self.id,
                    unit=unit,
                    data=data,
                    bucket=RENDERS if key else None,
                    object_path=key,
                    size=size,
                )

        saved = await through_outage(_write, patience=self.lease_seconds)
        if not saved:
            raise LeaseLost()

    async def _purge_checkpoints(self, job: _Claimed) -> None:
        # A finished job needs its outputs, not its intermediate files.
        async with self.db.privileged() as conn:
            rows = await repo.delete_checkpoints(conn, job.id)
        for r in rows:
            if r["bucket"] and r["object_path"]:
                await self.storage.delete(r["bucket"], r["object_path"])

    async def store_output(self, job: _Claimed, name: str, path: Path, content_type: str) -> None:
        key = object_path(job.user_id, job.id, name)
        size = await self._put_file(key, path, content_type)
        stored = False
        try:
            stored = await self._record_output(job, name, content_type, size, key)
        finally:
            if not stored:
                # The job was deleted (with its user, say) while it ran: no object
                # may outlive the rows that name it. (A job that still exists
                # keeps the key: a previous render's row may name it.)
                await asyncio.shield(self._drop_if_job_gone(job, key))
        if not stored:
            raise LeaseLost()

    async def _put_file(self, key: str, path: Path, content_type: str) -> int:
        """A storage write that fails for the storage's own reasons (a full disk,
        an I/O error) fails the attempt as retryable: the job tries again later,
        resuming from its checkpoints. Writes are atomic, so nothing half-written
        is ever named by a row (Supabase Storage's 5xx are retryable already)."""
        try:
            return await self.storage.put_file(RENDERS, key, path, content_type)
        except OSError as exc:
            raise RetryableError(
                f"could not store the result ({exc.strerror or exc}); will try again"
            ) from exc

    async def _drop_if_job_gone(self, job: _Claimed, key: str) -> None:
        with contextlib.suppress(Exception):
            async with self.db.privileged() as conn:
                gone = not await repo.job_exists(conn, job.id)
            if gone:
                await self.storage.delete(RENDERS, key)

    async def _record_output(
        self, job: _Claimed, name: str, content_type: str, size: int, key: str
    ) -> bool:
        async def _write() -> Any:
            async with self.db.privileged() as conn:
                return await repo.upsert_output(
                    conn,
                    job_id=job.id,
                    user_id=job.user_id,
                    worker_id=self.id,
                    name=name,
                    content_type=content_type,
                    size=size,
                    bucket=RENDERS,
                    object_path=key,
                )

        stored = await through_outage(_write, patience=self.lease_seconds)
        return bool(stored)
