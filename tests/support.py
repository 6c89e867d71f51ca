"""Helpers the tests import (``from support import ...``); fixtures live in conftest."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# The ``make_user`` / ``users`` fixtures' type: a new signed-in user per call.
MakeUser = Callable[[], Awaitable[User]]


async def wait_for_status(
    client: httpx.AsyncClient,
    user: User,
    job_id: str,
    statuses: set[str],
    within: float = 30.0,
) -> dict[str, object]:
    """Poll a job through the API until it reaches one of ``statuses``."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        r = await client.get(f"/v1/jobs/{job_id}", headers=user.headers)
        assert r.status_code == 200, r.text
        body: dict[str, object] = r.json()
        if body["status"] in statuses:
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"job {job_id} stuck in {body['status']}")
        await asyncio.sleep(0.1)
