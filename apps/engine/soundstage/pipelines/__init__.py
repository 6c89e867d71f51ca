"""Pipelines: one per job kind, found through :data:`registry`."""

from soundstage.pipelines.base import JobContext, Pipeline, registry

# Importing a pipeline module registers it.
from soundstage.pipelines import tone as _tone  # noqa: F401  isort: skip

__all__ = ["JobContext", "Pipeline", "registry"]
