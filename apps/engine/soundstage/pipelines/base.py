"""What a pipeline is, and what it may ask of the worker.

A pipeline is a pydantic ``Params`` model plus an async ``run(ctx, params)``.
It reports progress and stores outputs through ``ctx``; everything else
(leases, retries, cancellation, cleanup) is the worker's business.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from pydantic import BaseModel

if TYPE_CHECKING:
    from soundstage.auth.tokens import Principal
    from soundstage.config import Settings
    from soundstage.db import Connection
    from soundstage.resources import Engine
    from soundstage.storage import Storage


@dataclass(frozen=True)
class Checkpoint:
    unit: str
    data: dict[str, Any]
    bucket: str | None
    object_path: str | None


class JobContext(Protocol):
    @property
    def job_id(self) -> UUID: ...
    @property
    def user_id(self) -> UUID: ...
    @property
    def attempt(self) -> int:
        """1 on the first run, 2 on the first retry, ..."""
        ...

    @property
    def workdir(self) -> Path:
        """A private temporary directory, removed when the job ends."""
        ...

    async def progress(
        self, percent: float, stage: str | None = None, message: str | None = None
    ) -> None:
        """Record progress (0-100). Cheap: writes are coalesced by the worker."""
        ...

    async def add_output(self, name: str, path: Path, content_type: str) -> None:
        """Store a finished file as one of the job's outputs."""
        ...

    async def checkpoint(
        self, unit: str, path: Path | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Record a finished unit of work (and its file), durable across crashes."""
        ...

    async def completed(self) -> dict[str, Checkpoint]:
        """The units already done by earlier attempts of this job."""
        ...

    async def restore(self, checkpoint: Checkpoint, target: Path) -> Path:
        """Fetch a checkpoint's stored file to ``target``."""
        ...

    @property
    def settings(self) -> Settings:
        """The engine's settings (provider keys, limits)."""
        ...

    async def fetch_upload(self, upload_id: UUID, target_dir: Path) -> UploadFile:
        """Download one of this job's owner's uploads (another user's is an error)."""
        ...

    async def fetch_output(self, job_id: UUID, name: str, target_dir: Path) -> Path:
        """Download output ``name`` of another job of this job's owner (a job that
        is another user's, or an output that is gone, is a PermanentError)."""
        ...

    @property
    def storage(self) -> Storage:
        """Object storage (the job's outputs go through :meth:`add_output`)."""
        ...

    def as_owner(self) -> AbstractAsyncContextManager[Connection]:
        """A database transaction as the job's owner, under Row Level Security:
        pipelines read domain data through the domain's repository on it."""
        ...


@dataclass(frozen=True)
class UploadFile:
    path: Path
    format: str
    category: str
    original_name: str


@dataclass(frozen=True)
class Admission:
    """What a pipeline's ``admit`` hook found: the billable units of the job
    (characters for an audiobook), recorded on the job for quotas."""

    units: int | None = None


class AdmitContext(Protocol):
    """What ``admit`` may use, inside the caller's RLS transaction."""

    @property
    def engine(self) -> Engine: ...
    @property
    def who(self) -> Principal: ...
    @property
    def conn(self) -> Connection: ...


RunFn = Callable[[JobContext, Any], Coroutine[Any, Any, None]]
AdmitFn = Callable[[AdmitContext, Any], Coroutine[Any, Any, Admission]]


@dataclass(frozen=True)
class Pipeline:
    kind: str
    params_model: type[BaseModel]
    run: RunFn
    description: str
    # Checks that need the database or storage (does the upload exist, is the
    # user within quota), run before the job is created; raise API errors.
    admit: AdmitFn | None = None
    # Keep checkpoints after success (a pipeline that can re-render one piece).
    keep_checkpoints: bool = False


class Pipelines:
    """The job kinds one engine serves, by name. Built once, in assembly
    (:mod:`soundstage.kinds`), from a plain list: there is no registration by
    import side effect and no loading of the engine's own kinds by string."""

    def __init__(self, pipelines: Iterable[Pipeline]) -> None:
        self._pipelines: dict[str, Pipeline] = {}
        for pipeline in pipelines:
            if pipeline.kind in self._pipelines:
                raise ValueError(f"pipeline {pipeline.kind!r} listed twice")
            self._pipelines[pipeline.kind] = pipeline

    def get(self, kind: str) -> Pipeline | None:
        return self._pipelines.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._pipelines)

    def __iter__(self) -> Iterator[Pipeline]:
        return iter(self._pipelines[k] for k in self.kinds())
