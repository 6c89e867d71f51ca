"""SQL for development sign-in: the ``auth.users`` row a local token names."""

from __future__ import annotations

from uuid import UUID

from soundstage.db import Connection


async def ensure_user(conn: Connection, email: str) -> UUID:
    """The id of the user with this email, created if needed (development only:
    in production Supabase Auth owns ``auth.users``)."""
    user_id: UUID = await conn.fetchval(
        """
        insert into auth.users (email) values (lower($1))
        on conflict (email) do update set updated_at = now()
        returning id
        """,
        email,
    )
    return user_id
