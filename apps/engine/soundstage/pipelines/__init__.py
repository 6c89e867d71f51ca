"""Pipelines: one per job kind, found through :data:`registry`."""

import importlib
from collections.abc import Iterable

from soundstage.pipelines.base import Checkpoint, JobContext, Pipeline, registry

# Importing a pipeline module registers it.
from soundstage.pipelines import tone as _tone  # noqa: F401  isort: skip

__all__ = ["Checkpoint", "JobContext", "Pipeline", "load_modules", "registry"]


def load_modules(names: Iterable[str]) -> None:
    """Import extra pipeline modules (``SOUNDSTAGE_PIPELINE_MODULES``)."""
    for name in names:
        importlib.import_module(name)
