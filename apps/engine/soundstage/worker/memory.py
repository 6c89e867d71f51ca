"""Resident memory of a worker process."""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
# Allocations this large or larger get their own mapping, returned to the
# system when freed. glibc's default threshold starts here too but rises with
# every large block freed (up to 32 MB), after which a worker's audio buffers
# and model activations come from the heap and are never given back: a
# dual-voice book peaked at 1,216 MB with the default and 582 MB with it fixed
# here, at the same speed (bench/audiobook.py --dual, docs/reliability.md).
MMAP_THRESHOLD_BYTES = 128 * 1024


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas for the threads this process starts later.

    glibc gives threads that allocate concurrently their own arenas (up to
    eight per core), and memory freed in one arena is not reused for another's
    allocations. A worker allocates from many threads (the local voices' ONNX
    calls, ``asyncio.to_thread``), so it held 30-40 MB more than it used in the
    audiobook benchmark (docs/benchmarks.md). Same effect as
    ``MALLOC_ARENA_MAX``, which wins when it is set; a no-op off glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        if "MALLOC_ARENA_MAX" not in os.environ:
            libc.mallopt(M_ARENA_MAX, arenas)
        # a fixed threshold also turns glibc's dynamic one off (see above)
        if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
            libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass  # not glibc (musl has no arenas to cap)
