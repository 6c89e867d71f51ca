"""Shared fixtures: one real embedded Postgres per test session (RLS included),
the real app in-process, real ffmpeg. Each test makes its own users and data."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from openapi_validator import ResponseValidator
from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.auth.tokens import mint_local_token
from soundstage.config import Settings
from soundstage.db.embedded import ensure_embedded, stop_embedded
from soundstage.db.migrate import migrate
from soundstage.engine import open_engine
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import MakeUser, User

REPO = Path(__file__).resolve().parents[1]
# Real inputs (a public-domain Project Gutenberg book: tests/data/corpus/README.md),
# kept in the repository so a fresh clone runs every test.
CORPUS = REPO / "tests" / "data" / "corpus"


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    # Our own temp dir, not pytest's numbered ones: pytest prunes old numbered
    # dirs, which would pull the database out from under a concurrent run.
    path = Path(tempfile.mkdtemp(prefix="soundstage-test-"))
    yield path
    stop_embedded(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
async def dsn(data_dir: Path) -> str:
    url = await ensure_embedded(data_dir, stop_on_exit=True)
    await migrate(url)
    return url


@pytest.fixture(scope="session")
def settings(data_dir: Path, dsn: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        data_dir=data_dir,
        database_url=dsn,
        lease_seconds=6,
        worker_poll_seconds=0.5,
        retry_base_seconds=0.05,
        # The suite creates jobs and uploads in bursts from one address; rate
        # limits get their own tests (tests/ratelimit) with their own settings.
        rate_limit_jobs_per_minute=1_000_000,
        rate_limit_jobs_per_ip_per_minute=1_000_000,
        rate_limit_uploads_per_minute=1_000_000,
        rate_limit_uploads_per_ip_per_minute=1_000_000,
        rate_limit_previews_per_minute=1_000_000,
        rate_limit_previews_per_ip_per_minute=1_000_000,
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings, dsn: str) -> AsyncIterator[Engine]:
    async with open_engine(settings, dsn, TEST_KINDS) as opened:
        yield opened


@pytest.fixture(scope="session")
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, pipelines=TEST_KINDS)
    # every response the suite gets is checked against the app's own document
    validate = ResponseValidator(app.openapi())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            event_hooks={"response": [validate]},
        ) as c:
            yield c


@pytest.fixture
def client(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return app_client


@pytest.fixture
def make_user(dsn: str, settings: Settings) -> Callable[[], Awaitable[User]]:
    async def _make() -> User:
        email = f"user-{uuid.uuid4().hex[:12]}@example.com"
        conn = await asyncpg.connect(dsn)
        try:
            user_id = await conn.fetchval(
                "insert into auth.users (email) values ($1) returning id", email
            )
        finally:
            await conn.close()
        return User(user_id, email, mint_local_token(settings, user_id, email))

    return _make


@pytest.fixture
async def users(make_user: MakeUser, dsn: str) -> AsyncIterator[MakeUser]:
    """make_user, plus clean-up: the users go afterwards and, by cascade, every
    job they made, so no queued job is left for a later test's worker to claim."""
    made: list[uuid.UUID] = []

    async def _make() -> User:
        user = await make_user()
        made.append(user.id)
        return user

    yield _make
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("delete from auth.users where id = any($1::uuid[])", made)
    finally:
        await conn.close()


@pytest.fixture
async def worker(engine: Engine, settings: Settings, dsn: str) -> AsyncIterator[Worker]:
    w = Worker(engine.db, engine.storage, settings, dsn=dsn, concurrency=2, pipelines=TEST_KINDS)
    task = asyncio.create_task(w.run(grace_seconds=5))
    yield w
    w.stop()
    await asyncio.wait_for(task, 30)


@pytest.fixture(scope="session")
def corpus() -> Iterator[Path]:
    yield CORPUS
