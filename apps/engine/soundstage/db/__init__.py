"""Database access: the pool, per-user transactions under RLS, migrations."""

from soundstage.db.database import Database

__all__ = ["Database"]
