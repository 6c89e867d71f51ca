"""CPU figures from Linux's ``/proc`` for the benchmarks; None where ``/proc`` has no answer.

Standard library only: ``bench/queue.py`` imports this module (see its docstring).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int, *index: int) -> list[int] | None:
    """Fields of ``/proc/PID/stat``, counted after the command name (which may hold spaces)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return [int(fields[i]) for i in index]
    except (OSError, IndexError, ValueError):
        return None


def proc_cpu_seconds(pid: int) -> float | None:
    """user + system CPU of a process (all its threads)."""
    ticks = _stat(pid, 11, 12)
    return None if ticks is None else sum(ticks) / CLK_TCK


def machine_busy_seconds() -> float | None:
    """CPU seconds every process of the machine spent busy (not idle or iowait) since boot."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return (sum(fields) - fields[3] - fields[4]) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def postmaster_pid(pg_data: Path) -> int | None:
    """The postmaster of a Postgres data directory, from its ``postmaster.pid``."""
    try:
        return int((pg_data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def postgres_pids(postmaster: int) -> list[int]:
    """A postmaster and its children (one backend per connection), not other servers'."""
    try:
        entries = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()]
    except OSError:
        entries = []
    return [postmaster] + [pid for pid in entries if _stat(pid, 1) == [postmaster]]


def cpu_model() -> str | None:
    """The CPU's model name, from ``/proc/cpuinfo``."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None
