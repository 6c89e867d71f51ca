"""API key management: create (the key shown once), list, revoke. Every query
runs in the caller's RLS transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from soundstage.auth import api_keys
from soundstage.auth import repository as repo
from soundstage.auth.schemas import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList
from soundstage.auth.tokens import Principal
from soundstage.errors import Conflict, NotFound
from soundstage.resources import Engine

# the Literal and the runtime tuple are one list

MAX_ACTIVE_KEYS = 50


def _key(row: Any) -> dict[str, Any]:
    return {k: row[k] for k in ApiKey.model_fields}


class ApiKeyService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def create(self, who: Principal, body: ApiKeyCreate) -> ApiKeyCreated:
        key = api_keys.new_key()
        async with self.engine.db.as_user(who.claims) as conn:
            if await repo.count_active_api_keys(conn) >= MAX_ACTIVE_KEYS:
                raise Conflict(f"at most {MAX_ACTIVE_KEYS} active API keys; revoke one first")
            row = await repo.insert_api_key(
                conn,
                user_id=who.user_id,
                name=body.name,
                scopes=list(body.scopes),
                prefix=key[: api_keys.SHOWN_CHARS],
                key_hash=api_keys.hash_key(key),
            )
        return ApiKeyCreated(**_key(row), key=key)

    async def list(self, who: Principal) -> ApiKeyList:
        async with self.engine.db.as_user(who.claims) as conn:
            rows = await repo.list_api_keys(conn)
        return ApiKeyList(items=[ApiKey(**_key(r)) for r in rows])

    async def revoke(self, who: Principal, key_id: UUID) -> None:
        async with self.engine.db.as_user(who.claims) as conn:
            if await repo.revoke_api_key(conn, key_id) is None:
                raise NotFound("API key not found")
