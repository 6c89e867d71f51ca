"""GET /metrics: what it counts, with bounded labels, and who may read it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Environment, Settings
from soundstage.errors import RetryableError
from soundstage.observability.metrics import observe_provider_call
from soundstage.worker import Worker
from support import MakeUser, wait_for_status

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient, **headers: str) -> tuple[str, Samples]:
    r = await client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return r.text, parse(r.text)


async def test_requests_jobs_and_queue_after_a_tone_job(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    _, before = await scrape(client)
    alice = await make_user()
    r = await client.post(
        "/v1/jobs",
        json={"kind": "tone", "params": {"seconds": 0.2, "format": "wav"}},
        headers=alice.headers,
    )
    assert r.status_code == 202
    job_id = r.json()["id"]
    done = await wait_for_status(client, alice, job_id, {"succeeded", "failed"})
    assert done["status"] == "succeeded"
    assert (await client.get("/v1/jobs/not-a-uuid", headers=alice.headers)).status_code == 422
    assert (await client.get(f"/no/such/{job_id}")).status_code == 404

    text, after = await scrape(client)

    def grew(name: str, by: float = 1, **labels: str) -> bool:
        return value(after, name, **labels) - value(before, name, **labels) >= by

    # route templates, never raw paths: ids must not become label values
    assert job_id not in text and "not-a-uuid" not in text
    assert grew("soundstage_http_requests_total", method="POST", route="/v1/jobs", status="202")
    assert grew(
        "soundstage_http_requests_total", method="GET", route="/v1/jobs/{job_id}", status="200"
    )
    assert grew(
        "soundstage_http_requests_total", method="GET", route="/v1/jobs/{job_id}", status="422"
    )
    assert grew("soundstage_http_requests_total", method="GET", route="unmatched", status="404")
    assert grew("soundstage_http_request_duration_seconds_count", method="POST", route="/v1/jobs")
    assert grew("soundstage_jobs_total", kind="tone", outcome="succeeded")
    assert grew("soundstage_job_duration_seconds_count", kind="tone", outcome="succeeded")
    assert value(after, "soundstage_job_duration_seconds_sum", kind="tone", outcome="succeeded")
    for status in ("queued", "running", "canceling"):
        assert ("soundstage_queue_jobs", frozenset({("status", status)})) in after


async def test_queue_gauge_counts_the_database(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    # no worker here: new jobs stay queued, whichever process made them
    alice = await make_user()
    _, before = await scrape(client)
    ids = []
    for _ in range(3):
        r = await client.post("/v1/jobs", json={"kind": "tone"}, headers=alice.headers)
        ids.append(r.json()["id"])
    _, after = await scrape(client)
    queued = "soundstage_queue_jobs"
    assert value(after, queued, status="queued") - value(before, queued, status="queued") == 3
    for job_id in ids:
        await client.post(f"/v1/jobs/{job_id}/cancel", headers=alice.headers)


async def test_provider_calls_by_outcome_with_latency(client: httpx.AsyncClient) -> None:
    _, before = await scrape(client)
    async with observe_provider_call("fake_tts"):
        pass
    with pytest.raises(RetryableError):
        async with observe_provider_call("fake_tts"):
            raise RetryableError("busy", retry_after=2)
    with pytest.raises(ValueError):
        async with observe_provider_call("fake_tts"):
            raise ValueError("unexpected")
    async with observe_provider_call("fake_tts") as call:
        call.outcome = "rate_limited"
    _, after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    name = "soundstage_provider_requests_total"
    assert delta(name, provider="fake_tts", outcome="ok") == 1
    assert delta(name, provider="fake_tts", outcome="retryable_error") == 1
    assert delta(name, provider="fake_tts", outcome="error") == 1
    assert delta(name, provider="fake_tts", outcome="rate_limited") == 1
    assert delta("soundstage_provider_request_duration_seconds_count", provider="fake_tts") == 4


@pytest.fixture
async def app_with() -> AsyncIterator[Callable[[Settings], Awaitable[httpx.AsyncClient]]]:
    stack = contextlib.AsyncExitStack()

    async def make(settings: Settings) -> httpx.AsyncClient:
        app = create_app(settings, pipelines=TEST_KINDS)
        await stack.enter_async_context(app.router.lifespan_context(app))
        return await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        )

    async with stack:
        yield make


async def test_a_configured_token_is_required(
    app_with: Callable[[Settings], Awaitable[httpx.AsyncClient]],
    settings: Settings,
    make_user: MakeUser,
) -> None:
    secret = "metrics-token-7f3a9c"
    client = await app_with(settings.model_copy(update={"metrics_token": SecretStr(secret)}))
    alice = await make_user()
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        alice.headers,
        {"Authorization": secret},
    ):
        r = await client.get("/metrics", headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["error"]["code"] == "unauthorized"
    text, _ = await scrape(client, Authorization=f"Bearer {secret}")
    assert secret not in text


async def test_production_without_a_token_has_no_metrics(
    app_with: Callable[[Settings], Awaitable[httpx.AsyncClient]], settings: Settings
) -> None:
    production = settings.model_copy(update={"env": Environment.PRODUCTION})
    client = await app_with(production)
    r = await client.get("/metrics")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
