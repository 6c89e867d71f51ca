"""The pipeline framework: what a job kind is (:class:`Pipeline`) and what it
may ask of the worker (:class:`JobContext`). The list of kinds lives in
:mod:`soundstage.kinds`."""

from soundstage.pipelines.base import (
    Admission,
    AdmitContext,
    Checkpoint,
    JobContext,
    Pipeline,
    Pipelines,
    UploadFile,
)

__all__ = [
    "Admission",
    "AdmitContext",
    "Checkpoint",
    "JobContext",
    "Pipeline",
    "Pipelines",
    "UploadFile",
]
