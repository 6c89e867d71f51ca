"""A pipeline for queue tests: ``test_steps`` runs N checkpointed steps and
logs every step it starts, so tests can count re-runs, overlaps and children.

Handed to the engine the way a team hands it its own kinds: ``TEST_KINDS``
(the built-in kinds and these) goes to ``create_app``/``open_engine``/``Worker``
in-process, and worker subprocesses run ``tests/engine_with_test_kinds.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from soundstage import kinds
from soundstage.errors import PermanentError, RetryableError, ValidationFailed
from soundstage.pipelines import JobContext, Pipeline


class StepsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: int = Field(default=3, ge=1, le=100)
    step_seconds: float = Field(default=0.0, ge=0, le=60)
    # Each step runs a child process this long (to prove cancellation kills it).
    child_seconds: float = Field(default=0.0, ge=0, le=600)
    log_dir: str | None = None
    fail: Literal["none", "retryable", "permanent", "random", "domain", "bug"] = "none"
    # retryable: fail on attempts up to this number; random: with this probability
    fail_attempts: int = Field(default=1, ge=0)
    fail_rate: float = Field(default=0.0, ge=0, le=1)
    retry_after: float | None = None


def _log(params: StepsParams, **record: object) -> None:
    if params.log_dir is None:
        return
    # One file per process, appended line by line: safe across processes.
    path = Path(params.log_dir) / f"{os.getpid()}.jsonl"
    with path.open("a") as fh:
        fh.write(json.dumps(record) + "\n")


def read_log(log_dir: Path) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for path in sorted(log_dir.glob("*.jsonl")):
        records.extend(json.loads(line) for line in path.read_text().splitlines() if line)
    return records


async def run(ctx: JobContext, params: StepsParams) -> None:
    done = await ctx.completed()
    for i in range(params.steps):
        unit = f"step-{i}"
        if unit in done:
            continue
        await ctx.progress(i * 100 / params.steps, stage=f"step {i + 1}/{params.steps}")
        started = time.time()
        _log(params, event="start", job=str(ctx.job_id), unit=unit, attempt=ctx.attempt,
             pid=os.getpid(), t=started)  # fmt: skip
        if params.child_seconds:
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-c", f"import time; time.sleep({params.child_seconds})"
            )
            _log(params, event="child", job=str(ctx.job_id), pid=child.pid)
            try:
                await child.wait()
            finally:
                if child.returncode is None:
                    child.kill()
                    await child.wait()
        elif params.step_seconds:
            await asyncio.sleep(params.step_seconds)

        failing = (params.fail == "retryable" and ctx.attempt <= params.fail_attempts) or (
            params.fail == "random" and random.random() < params.fail_rate
        )
        if failing:
            _log(params, event="fail", job=str(ctx.job_id), unit=unit, attempt=ctx.attempt,
                 t=time.time())  # fmt: skip
            raise RetryableError(
                "the upstream service is busy (429)", retry_after=params.retry_after
            )
        if params.fail == "permanent":
            raise PermanentError("the manuscript is empty: add some text and submit again")
        if params.fail == "domain":  # an API-side error class, raised inside a job
            raise ValidationFailed("chapters: the book has 2 chapters; no chapter 5")
        if params.fail == "bug":
            raise KeyError("a bug")

        marker = ctx.workdir / unit
        marker.write_text(unit)
        await ctx.checkpoint(unit, marker, {"index": i})
        _log(params, event="end", job=str(ctx.job_id), unit=unit, attempt=ctx.attempt,
             t=time.time())  # fmt: skip
    result = ctx.workdir / "result.txt"
    result.write_text(f"{params.steps} steps\n")
    await ctx.progress(100, stage="done")
    await ctx.add_output("result.txt", result, "text/plain")


PIPELINES = [
    Pipeline(
        kind="test_steps",
        params_model=StepsParams,
        run=run,
        description="Test-only: N checkpointed steps.",
    ),
    # the same under another name, for routing kinds to worker pools
    Pipeline(
        kind="test_steps_b",
        params_model=StepsParams,
        run=run,
        description="Test-only: N checkpointed steps (a second kind).",
    ),
]

# The engine's kinds in every test: the built-in ones and the two above.
TEST_KINDS = kinds.pipelines(PIPELINES)
