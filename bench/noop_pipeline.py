"""The ``bench_noop`` job kind: a pipeline that does nothing, for queue benchmarks.

``bench/queue.py`` loads it into its worker processes through the engine's own
mechanism for extra pipelines::

    PYTHONPATH=<repo root> SOUNDSTAGE_PIPELINE_MODULES='["bench.noop_pipeline"]' \\
        .venv/bin/python -m soundstage worker

A job of this kind measures only what the queue costs: claim, the worker's
bookkeeping around a run, and completion.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from soundstage.pipelines import JobContext, Pipeline

KIND = "bench_noop"


class NoopParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


async def run(ctx: JobContext, params: NoopParams) -> None:
    return None


PIPELINES = [
    Pipeline(
        kind=KIND, params_model=NoopParams, run=run, description="Benchmark only: does nothing."
    )
]
