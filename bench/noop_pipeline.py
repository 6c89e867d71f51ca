"""The ``bench_noop`` job kind: a pipeline that does nothing, for queue benchmarks.

``bench/queue.py`` and ``bench/webhooks.py`` run their worker processes
through this module, the way a team runs the engine with kinds of its own
(``soundstage/kinds.py``)::

    .venv/bin/python bench/noop_pipeline.py worker

A job of this kind measures only what the queue costs: claim, the worker's
bookkeeping around a run, and completion.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from soundstage import kinds
from soundstage.cli import main
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

if __name__ == "__main__":
    main(pipelines=kinds.pipelines(PIPELINES))
