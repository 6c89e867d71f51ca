"""The worker: claims jobs from Postgres and runs their pipelines."""

from soundstage.worker.runner import Worker

__all__ = ["Worker"]
