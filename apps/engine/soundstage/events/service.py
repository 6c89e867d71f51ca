"""One stream of everything that happens to a user: their jobs' events
(``job_events``) and the events of the projects they own or belong to
(``project_events``), for ``GET /v1/events`` (SSE) and ``/v1/ws`` (WebSocket).

An event's id is ``"{job event id}-{project event id}"``: the position in both
logs after it, so a client that reconnects with it (``Last-Event-ID``, or
``last_event_id`` on the socket) resumes without gaps or repeats. A stream
without one starts at the present.

Both logs are read by polling inside the caller's RLS transaction (four times
a second, two indexed range reads), like ``/v1/jobs/{id}/events``. One known
limit, shared with that route: an event whose transaction commits after a
later-numbered one has been delivered is not seen by this stream.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from soundstage.auth.tokens import Principal
from soundstage.errors import ValidationFailed
from soundstage.jobs import repository as jobs_repo
from soundstage.projects import repository as projects_repo
from soundstage.resources import Engine

POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
BATCH = 200
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")


@dataclass(frozen=True)
class Cursor:
    job: int
    project: int

    def __str__(self) -> str:
        return f"{self.job}-{self.project}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        match = _CURSOR.match(text.strip())
        if not match:
            raise ValidationFailed('Last-Event-ID must look like "123-45" (an id this stream sent)')
        return cls(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    data: dict[str, Any]


class EventService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def start(self, who: Principal, last_event_id: str | None) -> Cursor:
        if last_event_id:
            return Cursor.parse(last_event_id)
        async with self.engine.db.as_user(who.claims) as conn:
            return Cursor(
                await jobs_repo.last_event_id(conn), await projects_repo.last_event_id(conn)
            )

    async def batch(self, who: Principal, cursor: Cursor) -> tuple[list[Event], Cursor]:
        """The events after ``cursor``, jobs' first then projects' (each log in
        order), and the cursor after them."""
        async with self.engine.db.as_user(who.claims) as conn:
            jobs = await jobs_repo.user_events_after(conn, cursor.job, BATCH)
            projects = await projects_repo.events_after(conn, who.user_id, cursor.project, BATCH)
        events: list[Event] = []
        job_id, project_id = cursor.job, cursor.project
        for e in jobs:
            job_id = e["id"]
            events.append(
                Event(str(Cursor(job_id, project_id)), f"job.{e['type']}",
                      {"job_id": str(e["job_id"]), **e["data"]})
            )  # fmt: skip
        for e in projects:
            project_id = e["id"]
            data = {
                "project_id": str(e["project_id"]),
                "actor_id": str(e["actor_id"]) if e["actor_id"] else None,
                **e["data"],
            }
            events.append(Event(str(Cursor(job_id, project_id)), e["type"], data))
        return events, Cursor(job_id, project_id)

    async def follow(self, who: Principal, cursor: Cursor) -> AsyncIterator[Event | None]:
        """Events as they come; ``None`` after each quiet poll (for keep-alives)."""
        while True:
            events, cursor = await self.batch(who, cursor)
            for e in events:
                yield e
            if not events:
                yield None
                await asyncio.sleep(POLL_SECONDS)
