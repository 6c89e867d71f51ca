"""What a pipeline is, and what it may ask of the worker.

A pipeline is a pydantic ``Params`` model plus an async ``run(ctx, params)``.
It reports progress and stores outputs through ``ctx``; everything else
(leases, retries, cancellation, cleanup) is the worker's business.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel


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


RunFn = Callable[[JobContext, Any], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Pipeline:
    kind: str
    params_model: type[BaseModel]
    run: RunFn
    description: str


class Registry:
    def __init__(self) -> None:
        self._pipelines: dict[str, Pipeline] = {}

    def register(
        self, kind: str, params_model: type[BaseModel], description: str
    ) -> Callable[[RunFn], RunFn]:
        def decorator(fn: RunFn) -> RunFn:
            if kind in self._pipelines:
                raise ValueError(f"pipeline {kind!r} registered twice")
            self._pipelines[kind] = Pipeline(kind, params_model, fn, description)
            return fn

        return decorator

    def get(self, kind: str) -> Pipeline | None:
        return self._pipelines.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._pipelines)


registry = Registry()
