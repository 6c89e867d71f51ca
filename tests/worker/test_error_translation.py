"""The worker turns any domain error into a job failure with the error's own
code and safe message; only a true bug is ``internal_error``."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import math
import struct
import wave

import httpx
import pytest
from pydantic import SecretStr

from pipelines_for_tests import TEST_KINDS
from soundstage.auth.tokens import Principal
from soundstage.config import Settings
from soundstage.jobs.schemas import JobCreate
from soundstage.jobs.service import JobService
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status


async def _job(client: httpx.AsyncClient, user: User, kind: str, params: dict[str, object]) -> str:
    r = await client.post("/v1/jobs", json={"kind": kind, "params": params}, headers=user.headers)
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize(
    ("fail", "code", "message"),
    [
        ("domain", "validation_error", "chapters: the book has 2 chapters; no chapter 5"),
        ("permanent", "permanent_error", "the manuscript is empty"),
        ("bug", "internal_error", "the job failed unexpectedly"),
    ],
)
async def test_a_domain_error_in_a_job_keeps_its_code(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    fail: str,
    code: str,
    message: str,
) -> None:
    user = await make_user()
    job_id = await _job(client, user, "test_steps", {"steps": 1, "fail": fail})
    body = await wait_for_status(client, user, job_id, {"failed"})
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == code
    assert message in error["message"]


async def test_a_worker_without_the_providers_key_names_the_setting(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    engine: Engine,
    settings: Settings,
    worker: Worker,
) -> None:
    """The API was deployed with an OpenAI key, this worker without one: the job
    fails at once as provider_not_configured, naming what to set, not as an
    internal error after retries."""
    user = await make_user()
    with_key = settings.model_copy(update={"openai_api_key": SecretStr("sk-test-not-real")})
    api = JobService(dataclasses.replace(engine, settings=with_key))
    who = Principal(
        user_id=user.id,
        email=user.email,
        claims={"sub": str(user.id), "role": "authenticated", "aud": "authenticated"},
    )
    job = await api.create(
        who,
        JobCreate(
            kind="audiobook",
            params={"text": "Chapter One\n\nHello there.", "provider": "openai",
                    "narrator_voice": "openai:alloy"},
        ),
        None,
        "http://testserver",
    )  # fmt: skip
    body = await wait_for_status(client, user, str(job.id), {"failed"})
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "provider_not_configured"
    assert "on this worker" in error["message"]
    assert "SOUNDSTAGE_OPENAI_API_KEY" in error["message"]
    assert "sk-test" not in str(body)
    assert body["attempts"] == 1  # permanent: not retried


async def test_an_upload_deleted_before_the_job_runs_fails_it_clearly(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    """The worker reads the upload as the job's owner (RLS); a deleted one is a
    permanent failure with a message the user can act on."""
    user = await make_user()
    wav = _tiny_wav()
    r = await client.post(
        "/v1/uploads",
        files={"file": ("a.wav", wav, "audio/wav")},
        data={"category": "audio"},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    upload_id = r.json()["id"]
    worker.stop()  # no claim until the upload is gone
    job_id = await _job(client, user, "analysis", {"upload_id": upload_id})
    assert (
        await client.delete(f"/v1/uploads/{upload_id}", headers=user.headers)
    ).status_code == 204
    fresh = Worker(
        worker.db,
        worker.storage,
        worker.settings,
        dsn=worker.dsn,
        concurrency=1,
        pipelines=TEST_KINDS,
    )
    task = asyncio.create_task(fresh.run(grace_seconds=5))
    try:
        body = await wait_for_status(client, user, job_id, {"failed"})
    finally:
        fresh.stop()
        await task
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "permanent_error"
    assert "upload it again" in error["message"]


def _tiny_wav() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 22050)))
                for i in range(22050)
            )
        )
    return buf.getvalue()
