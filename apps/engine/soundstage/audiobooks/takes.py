"""Checking each take: a model that babbles, stops half-way or clips.

A take is judged against its voice's own speaking rate, learned from the
takes of that voice already accepted in the same book (characters per second
of speech), so a slow narrator and a fast one are each held to themselves.
Until a voice has enough accepted takes, a generous prior (what narrators
read at, 8-25 characters a second) stands in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from soundstage.audio.longform import TakeAudio

# The band a take's duration may fall in around what its voice's rate
# predicts, as factors, plus a little slack for short takes (a three-word
# take has a breath or two of its own).
SLOW_FACTOR = 1.8
FAST_FACTOR = 0.55
SLACK_S = 0.8
# Before a voice has LEARN_CHARS accepted characters, the prior band.
LEARN_CHARS = 400
PRIOR_MIN_CPS = 8.0
PRIOR_MAX_CPS = 25.0
# A pause inside one take longer than this is a fault (the planned pauses
# between units are added later, and a sentence's commas are far shorter).
MAX_INNER_SILENCE_S = 1.6
# Re-synthesis attempts after the first take before a unit is flagged.
MAX_RETRIES = 2


@dataclass
class VoiceRate:
    chars: int = 0
    seconds: float = 0.0

    @property
    def cps(self) -> float | None:
        return self.chars / self.seconds if self.chars >= LEARN_CHARS and self.seconds else None


@dataclass
class RateModel:
    """Per voice, the accepted takes' characters and seconds."""

    voices: dict[str, VoiceRate] = field(default_factory=dict)

    def learn(self, voice: str, text: str, take: TakeAudio) -> None:
        rate = self.voices.setdefault(voice, VoiceRate())
        rate.chars += len(text)
        rate.seconds += take.seconds

    def band(self, voice: str, text: str) -> tuple[float, float]:
        """The seconds a take of ``text`` in ``voice`` may last."""
        n = len(text)
        cps = self.voices.get(voice, VoiceRate()).cps
        if cps is None:
            return n / PRIOR_MAX_CPS - SLACK_S, n / PRIOR_MIN_CPS + SLACK_S
        expected = n / cps
        return expected * FAST_FACTOR - SLACK_S, expected * SLOW_FACTOR + SLACK_S


def fault(take: TakeAudio, text: str, low: float, high: float) -> str | None:
    """Why a take is not good enough, or None."""
    if take.clipped_runs:
        return f"clipped ({take.clipped_runs} clipped runs)"
    if take.seconds < low:
        return f"too short: {take.seconds:.1f} s for {len(text)} characters (>= {low:.1f} s)"
    if take.seconds > high:
        return f"too long: {take.seconds:.1f} s for {len(text)} characters (<= {high:.1f} s)"
    if take.longest_silence_s > MAX_INNER_SILENCE_S:
        return f"a silence of {take.longest_silence_s:.1f} s inside the take"
    return None


def split_for_retry(text: str, parts: int) -> list[str]:
    """The text cut into ``parts`` pieces at the sentence or clause boundaries
    nearest to even shares (a retry with other cuts gives a model another
    run at it; a deterministic model gives the same audio for the same text)."""
    import re

    if parts <= 1:
        return [text]
    cuts = [m.end() for m in re.finditer(r"[.!?;:,\u2014](?:[\"'\u201d\u2019)]*)\s+", text)]
    if not cuts:
        cuts = [m.end() for m in re.finditer(r"\s+", text)]
    pieces: list[str] = []
    start = 0
    for k in range(1, parts):
        ideal = len(text) * k / parts
        options = [c for c in cuts if start < c < len(text)]
        if not options:
            break
        best = min(options, key=lambda c: abs(c - ideal))
        pieces.append(text[start:best].strip())
        start = best
    pieces.append(text[start:].strip())
    return [p for p in pieces if any(ch.isalnum() for ch in p)] or [text]
