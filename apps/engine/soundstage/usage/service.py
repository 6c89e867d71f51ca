from __future__ import annotations

from datetime import UTC, datetime

from soundstage.auth.tokens import Principal
from soundstage.jobs import repository as jobs_repo
from soundstage.jobs.limits import limits_for
from soundstage.resources import Engine
from soundstage.usage.schemas import Usage, UsageItem


def _month_bounds(now: datetime) -> tuple[datetime, datetime]:
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


class UsageService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def usage(self, who: Principal) -> Usage:
        settings = self.engine.settings
        limits = limits_for(settings, who)
        async with self.engine.db.as_user(who.claims) as conn:
            characters = await jobs_repo.units_this_month(conn, "audiobook")
            mine = await jobs_repo.count_mine_by_status(conn)
        monthly = settings.quota_monthly_characters or None
        start, end = _month_bounds(datetime.now(UTC))
        running = mine.get("running", 0) + mine.get("canceling", 0)
        return Usage(
            period_start=start,
            period_end=end,
            items=[
                UsageItem(
                    name="audiobook_characters",
                    used=characters,
                    limit=monthly,
                    remaining=None if monthly is None else max(0, monthly - characters),
                ),
                UsageItem(
                    name="running_jobs",
                    used=running,
                    limit=limits.max_running,
                    remaining=max(0, limits.max_running - running),
                ),
                UsageItem(
                    name="queued_jobs",
                    used=mine.get("queued", 0),
                    limit=limits.max_queued,
                    remaining=max(0, limits.max_queued - mine.get("queued", 0)),
                ),
            ],
        )
