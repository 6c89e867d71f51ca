"""Resident memory of a worker process."""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas for the threads this process starts later.

    glibc gives threads that allocate concurrently their own arenas (up to
    eight per core), and memory freed in one arena is not reused for another's
    allocations. A worker allocates from many threads (the local voices' ONNX
    calls, ``asyncio.to_thread``), so it held 30-40 MB more than it used in the
    audiobook benchmark (docs/benchmarks.md). Same effect as
    ``MALLOC_ARENA_MAX``, which wins when it is set; a no-op off glibc.
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass  # not glibc (musl has no arenas to cap)
