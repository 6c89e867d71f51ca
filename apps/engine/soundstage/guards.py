"""Request guards every route runs (an app-wide FastAPI dependency).

They refuse, in one place, inputs that are valid HTTP and valid JSON yet can
never be right for the engine:

* NUL (``\\u0000``) in any string. Postgres text and jsonb cannot hold it, so it
  would otherwise surface as a database error (a 500) wherever the string is
  stored: job params, lexicon terms, a filter, a sign-in email. One check over
  the query, the path and the already-parsed JSON or form body covers every
  route, present and future, and names the offending field.
* Two ``Authorization`` headers. Which one an intermediary, the framework or a
  log uses differs; an ambiguous credential is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from starlette.requests import HTTPConnection

from soundstage.errors import BadRequest, ValidationFailed

NUL = "\x00"


def _nul_paths(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Every location under ``value`` of a string (or a key) that holds NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                yield (*path, key)
            yield from _nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, index))


def find_nul(value: Any, root: str = "body") -> str | None:
    """The dotted name of the first string under ``value`` holding NUL, or None."""
    for path in _nul_paths(value, (root,)):
        return ".".join(str(p) for p in path)
    return None


def nul_error(where: str) -> ValidationFailed:
    return ValidationFailed(
        f"{where}: text may not contain the NUL character (\\u0000)",
        details=[
            {"loc": where.split("."), "msg": "NUL character not allowed", "type": "string_nul"}
        ],
    )


def reject_nul(value: Any, root: str) -> None:
    """Raise 422 naming the field if any string under ``value`` holds NUL."""
    where = find_nul(value, root)
    if where is not None:
        raise nul_error(where)


async def request_guards(request: HTTPConnection) -> None:
    """The app-wide dependency (HTTP and WebSocket routes alike). The body has
    been parsed by FastAPI before dependencies run (and is cached on the
    request), so nothing is read twice from the network and routes without a
    body cost nothing."""
    if len(request.headers.getlist("authorization")) > 1:
        raise BadRequest("send one Authorization header, not several")
    for name, value in request.query_params.multi_items():
        if NUL in value or NUL in name:
            raise nul_error(f"query.{name.replace(NUL, '')}")
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise nul_error(f"path.{name}")
    if not isinstance(request, Request):
        return  # a WebSocket: no body
    # Starlette caches what FastAPI parsed: _json for JSON bodies, _form for
    # forms. Only look at what was parsed; never parse a body a route ignores.
    parsed_json = getattr(request, "_json", None)
    if parsed_json is not None:
        reject_nul(parsed_json, "body")
    form = getattr(request, "_form", None)
    if form is not None:
        for name, value in form.multi_items():
            if isinstance(value, str) and (NUL in value or NUL in name):
                raise nul_error(f"body.{name.replace(NUL, '')}")
