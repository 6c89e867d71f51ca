"""Database access: the pool, per-user transactions under RLS, migrations."""

from soundstage.db.database import Connection, Database

__all__ = ["Connection", "Database"]
