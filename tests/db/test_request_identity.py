"""Database.as_user: one round trip sets the role and claims; hostile claim
values cannot break out of the literal; errors roll back; nothing leaks into
the next use of the pooled connection."""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest

from soundstage.resources import Engine


@pytest.mark.parametrize(
    "email",
    [
        "o'brien@example.com",
        "back\\slash@example.com",
        "x'); drop table soundstage.jobs; --",
        "ünï\u2019",
    ],
)
async def test_claims_with_quotes_and_backslashes_round_trip(
    engine: Engine, dsn: str, email: str
) -> None:
    conn = await asyncpg.connect(dsn)
    try:  # as_user refuses a subject with no auth.users row
        user_id = await conn.fetchval("insert into auth.users default values returning id")
    finally:
        await conn.close()
    claims = {"sub": str(user_id), "role": "authenticated", "email": email}
    async with engine.db.as_user(claims) as conn:
        assert await conn.fetchval("select current_user") == engine.db.api_role
        stored = await conn.fetchval("select current_setting('request.jwt.claims')")
        assert json.loads(stored) == claims
        assert str(await conn.fetchval("select auth.uid()")) == claims["sub"]
    async with engine.db.privileged() as conn:
        assert await conn.fetchval("select to_regclass('soundstage.jobs')") is not None


async def test_an_error_rolls_back_and_the_identity_does_not_outlive_it(
    engine: Engine, dsn: str
) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        user_id = await conn.fetchval(
            "insert into auth.users (email) values ($1) returning id",
            f"rb-{uuid.uuid4().hex[:8]}@example.com",
        )
    finally:
        await conn.close()
    claims = {"sub": str(user_id), "role": "authenticated"}
    with pytest.raises(asyncpg.PostgresError):
        async with engine.db.as_user(claims) as c:
            await c.execute(
                "insert into soundstage.jobs (user_id, kind, params) values ($1, 'tone', '{}')",
                user_id,
            )
            await c.execute("select 1/0")
    async with engine.db.as_user(claims) as c:
        assert await c.fetchval("select count(*) from soundstage.jobs") == 0  # rolled back
    # every pooled connection is back to the owner role with no claims
    for _ in range(engine.db.pool.get_size()):
        async with engine.db.privileged() as c:
            assert await c.fetchval("select current_user") != engine.db.api_role
            assert not await c.fetchval("select current_setting('request.jwt.claims', true)")
