"""Opening and closing the engine: the database pool, storage, the token
verifier, the shared HTTP client and the job kinds. The API (``app.py``), the
worker (``cli.py worker``) and scripts open the same engine; none of them needs
the HTTP routers to do it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from soundstage import kinds
from soundstage.auth.tokens import TokenVerifier
from soundstage.config import Settings, StorageBackend
from soundstage.db import Database
from soundstage.db.embedded import ensure_embedded
from soundstage.pipelines import Pipelines
from soundstage.resources import Engine
from soundstage.storage import Storage
from soundstage.storage.local import LocalStorage
from soundstage.storage.supabase import SupabaseStorage


async def resolve_dsn(settings: Settings) -> str:
    """``DATABASE_URL`` when set, otherwise the embedded server under the data dir."""
    if settings.database_url:
        return settings.database_url
    return await ensure_embedded(settings.data_path)


def make_storage(settings: Settings, http: httpx.AsyncClient) -> Storage:
    if settings.storage is StorageBackend.SUPABASE:
        # Settings guarantee both when storage=supabase.
        assert settings.supabase_url and settings.supabase_service_role_key
        return SupabaseStorage(
            settings.supabase_url, settings.supabase_service_role_key.get_secret_value(), http
        )
    return LocalStorage(settings.storage_root, settings.local_jwt_secret())


@contextlib.asynccontextmanager
async def open_engine(
    settings: Settings, dsn: str, pipelines: Pipelines | None = None
) -> AsyncIterator[Engine]:
    """Open every pool and client the engine needs; close them on the way out."""
    db = await Database.connect(
        dsn,
        api_role=settings.api_db_role,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        prepared_statements=not settings.transaction_pooler,
    )
    http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0))
    try:
        yield Engine(
            settings=settings,
            db=db,
            storage=make_storage(settings, http),
            verifier=TokenVerifier(settings, http),
            http=http,
            # the app's own when it has them: its OpenAPI document was built from these
            pipelines=pipelines or kinds.pipelines(),
        )
    finally:
        await http.aclose()
        await db.close()
