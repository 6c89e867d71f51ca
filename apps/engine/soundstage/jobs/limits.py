"""Per-user queue limits. Today every user gets the settings' values; this is
the one place where per-plan values (a `plans` table, a billing provider) plug in."""

from __future__ import annotations

from dataclasses import dataclass

from soundstage.auth.tokens import Principal
from soundstage.config import Settings


@dataclass(frozen=True)
class UserLimits:
    max_running: int
    max_queued: int


def limits_for(settings: Settings, who: Principal) -> UserLimits:
    # `who` is unused until plans exist; it is the key they will hang on.
    del who
    return UserLimits(
        max_running=settings.queue_max_running_per_user,
        max_queued=settings.queue_max_queued_per_user,
    )
