"""Fixtures for the projects tests: small real audio uploads (generated here,
no external data) and a project with commits made through the API."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from support import User

Upload = Callable[[User, float], Awaitable[str]]


def wav_bytes(freq: float, seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A mono 16-bit sine: distinct frequencies give distinct content (sha256)."""
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate)))
        for i in range(int(seconds * rate))
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


@pytest.fixture
def upload(client: httpx.AsyncClient) -> Upload:
    async def _upload(user: User, freq: float) -> str:
        r = await client.post(
            "/v1/uploads",
            files={"file": (f"tone-{freq:g}.wav", wav_bytes(freq), "audio/wav")},
            headers=user.headers,
        )
        assert r.status_code == 201, r.text
        upload_id: str = r.json()["id"]
        return upload_id

    return _upload


NewProject = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def new_project(client: httpx.AsyncClient) -> NewProject:
    async def _make(user: User, **fields: Any) -> dict[str, Any]:
        body = {"name": "Night drive", **fields}
        r = await client.post("/v1/projects", json=body, headers=user.headers)
        assert r.status_code == 201, r.text
        project: dict[str, Any] = r.json()
        return project

    return _make


Commit = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def commit(client: httpx.AsyncClient) -> Commit:
    async def _commit(user: User, project_id: str, **body: Any) -> dict[str, Any]:
        r = await client.post(f"/v1/projects/{project_id}/commits", json=body, headers=user.headers)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    return _commit
