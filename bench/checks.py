"""A benchmark's target and whether a run met it: one line of a report's PASS/FAIL list.

Standard library only: ``bench/queue.py`` imports this module (see its docstring).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Check:
    name: str
    value: float | None
    target: str
    passed: bool
