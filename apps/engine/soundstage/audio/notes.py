"""A note: the unit the composer, MIDI files, pitch tracking and singing share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    start_s: float
    end_s: float
    pitch: int  # MIDI note number, 60 = middle C
    velocity: int  # 1-127
