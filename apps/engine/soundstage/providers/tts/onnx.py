"""ONNX Runtime sessions for the local voices, made the engine's way."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cpu_session(model: Path | str, threads: int) -> Any:
    """A CPU session with ``threads`` intra-op threads and no memory arena.

    The arena keeps each thread's largest intermediate buffers for reuse; with
    the provider's calls running in parallel it held tens of MB per thread for
    a speed difference we could not measure (within noise on a 4,000-character
    chunk), and the worker has a memory budget (docs/benchmarks.md).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False
    return ort.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
