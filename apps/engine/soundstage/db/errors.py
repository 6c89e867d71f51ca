"""Database failures as the client should see them.

A request's SQL can fail for reasons that are the client's (a row it refers to
is gone, a duplicate, a value Postgres refuses) or nobody's (the database is
restarting). Neither is an internal error: the first is a 4xx saying what was
wrong, the second a 503 with Retry-After so clients back off and come back.
:func:`client_error` makes that decision in one place for every route.
"""

from __future__ import annotations

import asyncpg

from soundstage.errors import (
    Conflict,
    ServiceUnavailable,
    SoundstageError,
    Unauthorized,
    ValidationFailed,
)

# Raised by soundstage_private.require_request_user() (migration 20261204150000): the
# verified token's subject has no auth.users row (the user was deleted, and
# Supabase keeps access tokens valid for up to an hour after).
USER_NOT_FOUND_SQLSTATE = "SS401"

# Seconds a client should wait before retrying while the database is away.
RETRY_AFTER_SECONDS = 5


class UserNotFound(Unauthorized):
    code = "user_not_found"

    def __init__(self) -> None:
        super().__init__("the user of this token no longer exists")


class DatabaseUnavailable(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("the database is unavailable; try again shortly")
        self.headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}


# SQLSTATE classes of "the server is not there right now": connection
# exceptions (08), operator intervention (57: shutdown, cannot connect now),
# insufficient resources (53: too many connections).
_UNAVAILABLE_CLASSES = ("08", "57", "53")


def client_error(exc: BaseException) -> SoundstageError | None:
    """The client-facing error for a database failure, or None when ``exc`` is
    not one that has a better answer than 500."""
    if isinstance(exc, asyncpg.PostgresError):
        state = getattr(exc, "sqlstate", None) or ""
        if state == USER_NOT_FOUND_SQLSTATE:
            return UserNotFound()
        if isinstance(exc, asyncpg.ForeignKeyViolationError):
            return Conflict("this refers to something that does not exist (any longer)")
        if isinstance(exc, asyncpg.UniqueViolationError):
            return Conflict("this already exists")
        if isinstance(exc, asyncpg.CheckViolationError | asyncpg.NotNullViolationError):
            return ValidationFailed("a value is outside what is allowed")
        if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
            return Conflict("the change conflicts with existing data")
        if isinstance(exc, asyncpg.DataError):
            # class 22: NUL in text, out-of-range numbers, malformed values
            return ValidationFailed("a value could not be stored as given")
        if state[:2] in _UNAVAILABLE_CLASSES:
            return DatabaseUnavailable()
        return None
    if isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc).lower():
        return DatabaseUnavailable()  # the connection went away under the query
    if isinstance(exc, ConnectionError | TimeoutError):
        # refused / reset while connecting to Postgres (the pool reconnects lazily)
        return DatabaseUnavailable()
    if isinstance(exc, OSError) and _raised_in_asyncpg(exc):
        # a Unix socket that is gone while the server restarts (FileNotFoundError)
        return DatabaseUnavailable()
    return None


def _raised_in_asyncpg(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if "/asyncpg/" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False
