"""Schemathesis over the live OpenAPI of the embedded engine, authenticated as
a real user: no server errors, responses that match their schemas, only
declared status codes and content types. ``make test`` runs a few examples per
operation; ``make fuzz`` (SOUNDSTAGE_FUZZ_EXAMPLES=...) runs many more."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from live_engine import free_port
from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.auth.tokens import mint_local_token
from soundstage.config import Settings
from support import User

EXAMPLES = int(os.environ.get("SOUNDSTAGE_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture(scope="module")
def live_engine(settings: Settings) -> Iterator[str]:
    """The real app on a real port (its own thread and event loop)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, pipelines=TEST_KINDS),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the engine did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def fuzz_user(dsn: str, settings: Settings) -> User:
    async def make() -> User:
        email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
        conn = await asyncpg.connect(dsn)
        try:
            user_id = await conn.fetchval(
                "insert into auth.users (email) values ($1) returning id", email
            )
        finally:
            await conn.close()
        return User(user_id, email, mint_local_token(settings, user_id, email))

    with ThreadPoolExecutor(1) as pool:  # this test's loop is not running here
        return pool.submit(asyncio.run, make()).result()


@pytest.fixture(scope="module")
def api_schema(live_engine: str) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_engine}/openapi.json")


def test_api_conforms_to_its_openapi(
    api_schema: schemathesis.schemas.BaseSchema, live_engine: str, fuzz_user: User
) -> None:
    """Every operation, ``EXAMPLES`` generated cases each (schemathesis' pytest
    plugin does not load under this pytest, so its strategies drive Hypothesis
    directly: the same cases and the same checks)."""
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if any(t.startswith("compat") for t in operation.tags or ()):
            # The drop-in APIs answer in their old backends' error shapes, which
            # the document does not describe (their own tests: tests/compat).
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=EXAMPLES <= 10,  # the bounded run is the same every time
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=live_engine, headers=fuzz_user.headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations > 20
    assert not failures, "\n\n".join(failures)
