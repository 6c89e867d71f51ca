"""Pipelines: one per job kind, found through :data:`registry`."""

import importlib
from collections.abc import Iterable

from soundstage.pipelines.base import (
    Admission,
    AdmitContext,
    Checkpoint,
    JobContext,
    Pipeline,
    UploadFile,
    registry,
)

__all__ = [
    "Admission",
    "AdmitContext",
    "Checkpoint",
    "JobContext",
    "Pipeline",
    "UploadFile",
    "load_modules",
    "registry",
]


def load_modules(names: Iterable[str]) -> None:
    """Import extra pipeline modules (``SOUNDSTAGE_PIPELINE_MODULES``)."""
    for name in names:
        importlib.import_module(name)
