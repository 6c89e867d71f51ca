from __future__ import annotations

from uuid import UUID

import asyncpg

from soundstage.auth.tokens import Principal
from soundstage.errors import NotFound, ValidationFailed
from soundstage.lexicon import repository as repo
from soundstage.lexicon.schemas import LexiconEntry, LexiconEntryIn, LexiconList
from soundstage.resources import Engine

MAX_ENTRIES = 1000


def _entry(row: asyncpg.Record) -> LexiconEntry:
    return LexiconEntry(
        id=row["id"],
        term=row["term"],
        replacement=row["replacement"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class LexiconService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def list(self, who: Principal) -> LexiconList:
        async with self.engine.db.as_user(who.claims) as conn:
            return LexiconList(items=[_entry(r) for r in await repo.list_entries(conn)])

    async def put(self, who: Principal, body: LexiconEntryIn) -> tuple[LexiconEntry, bool]:
        async with self.engine.db.as_user(who.claims) as conn:
            row, created = await repo.upsert_entry(conn, who.user_id, body.term, body.replacement)
            if created and await repo.count_entries(conn) > MAX_ENTRIES:
                # raising rolls the insert back
                raise ValidationFailed(f"a lexicon holds at most {MAX_ENTRIES} entries")
            return _entry(row), created

    async def delete(self, who: Principal, entry_id: UUID) -> None:
        async with self.engine.db.as_user(who.claims) as conn:
            if not await repo.delete_entry(conn, entry_id):
                raise NotFound("lexicon entry not found")
