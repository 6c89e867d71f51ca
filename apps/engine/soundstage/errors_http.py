"""The one handler: every error leaves the engine in the same JSON envelope."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from soundstage.db.errors import client_error
from soundstage.errors import SoundstageError, as_details

log = logging.getLogger(__name__)


class FieldProblem(BaseModel):
    """One refused field: where (``loc``), what (``msg``) and pydantic's ``type``."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorDetails(BaseModel):
    """Always an object; which keys appear depends on ``code``."""

    model_config = ConfigDict(extra="allow")

    errors: list[FieldProblem] | None = Field(
        default=None, description="validation_error: each refused field"
    )
    index: int | None = Field(default=None, description="batch: the refused entry")
    retry_after: int | None = Field(default=None, description="rate_limited: seconds to wait")
    valid_kinds: list[str] | None = Field(default=None, description="an unknown job kind")


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable, e.g. not_found, validation_error")
    message: str
    details: ErrorDetails


class ErrorEnvelope(BaseModel):
    error: ErrorBody


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid bearer token",
    404: "Not found (or another user's resource)",
    409: "Conflict with the resource's current state",
    405: "Method not allowed (see Allow)",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation error",
    402: "Quota exceeded (quota_exceeded): the plan allows no more this month",
    416: "Range not satisfiable",
    500: "Internal error",
    502: "Storage refused the request (storage_error)",
    429: "Too many requests (see Retry-After)",
    503: "Unavailable for now, the database for instance (see Retry-After)",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorEnvelope, "description": _DESCRIPTIONS.get(c, "")} for c in codes}


def _declare(responses: dict[str, Any], status: int) -> None:
    if str(status) not in responses:
        responses[str(status)] = {
            "description": _DESCRIPTIONS.get(status, ""),
            "content": {"application/json": {"schema": {"$ref": _ENVELOPE}}},
        }


def _declare_common_errors(document: dict[str, Any]) -> None:
    """Declare on every operation the errors that come from the engine's shared
    layers rather than the route itself, so the document lists every answer a
    route can give (checked by tests/test_schemathesis.py):

    * 400: two Authorization headers (soundstage.guards), or a body that is not
      UTF-8 JSON / not well-formed multipart (the framework's parser);
    * 401: any operation with a security requirement;
    * 413: any operation with a request body (soundstage.limits);
    * 422: any operation with parameters or a body (validation, NUL in text);
    * 503: the database is away (soundstage.db.errors), for /v1 operations.
    """
    for path, item in document.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if any(str(tag).startswith("compat") for tag in operation.get("tags", ())):
                continue  # drop-in APIs answer in their old backends' own shapes
            responses: dict[str, Any] = operation["responses"]
            _declare(responses, 400)
            if operation.get("security"):
                _declare(responses, 401)
            if "requestBody" in operation:
                _declare(responses, 413)
            if "requestBody" in operation or operation.get("parameters"):
                _declare(responses, 422)
            if path.startswith("/v1/"):
                _declare(responses, 503)


def _envelope(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": as_details(details)}}


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


_FASTAPI_422 = "#/components/schemas/HTTPValidationError"
_ENVELOPE = "#/components/schemas/ErrorEnvelope"


def _document_validation_errors(app: FastAPI) -> None:
    """Say in the OpenAPI document what the handler below does: FastAPI documents
    request validation failures as its own ``HTTPValidationError`` (``{"detail":
    [...]}``), but they leave the engine in the envelope, like every error. Typed
    clients generated from the document (clients/) depend on it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI caches it; the rewrite below runs once
        schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
        if "HTTPValidationError" not in schemas or "ErrorEnvelope" not in schemas:
            return document
        for item in document.get("paths", {}).values():
            for operation in item.values():
                responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
                for response in responses.values():
                    for media in response.get("content", {}).values():
                        if media.get("schema", {}).get("$ref") == _FASTAPI_422:
                            media["schema"] = {"$ref": _ENVELOPE}
        _declare_common_errors(document)
        del schemas["HTTPValidationError"]
        if '"#/components/schemas/ValidationError"' not in json.dumps(document):
            schemas.pop("ValidationError", None)  # referenced by HTTPValidationError only
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _routes_at(request: Request) -> Iterator[tuple[str, set[str]]]:
    """(path template, methods) of every route whose path matches this request's.
    FastAPI nests included routers, so walk its route contexts, not the
    top-level list."""
    path = request.scope.get("path", "")
    for ctx in iter_route_contexts(request.app.router.routes):
        regex = getattr(ctx, "path_regex", None)
        if regex is not None and regex.match(path):
            yield ctx.path_format or "", set(ctx.methods or ())


def _path_methods(request: Request) -> list[str]:
    """Every method some route serves at this request's path."""
    methods: set[str] = set()
    for _, route_methods in _routes_at(request):
        methods |= route_methods
    return sorted(methods)


def _shadowed_methods(request: Request, exc: RequestValidationError) -> list[str]:
    """``GET /v1/jobs/batch`` matches ``GET /v1/jobs/{job_id}`` and fails its
    UUID check; the client asked for ``/v1/jobs/batch`` with the wrong method,
    which is a 405. The methods of the literal routes at this path, when every
    error is a path parameter's and such routes exist."""
    errors = exc.errors()
    if not errors or any(tuple(e.get("loc", ()))[:1] != ("path",) for e in errors):
        return []
    methods: set[str] = set()
    for template, route_methods in _routes_at(request):
        if "{" not in template:
            methods |= route_methods
    return sorted(methods)


def _method_not_allowed(request: Request, methods: list[str]) -> JSONResponse:
    allow = ", ".join(methods)
    return JSONResponse(
        _envelope(405, "method_not_allowed", f"{request.method} is not allowed here; use {allow}"),
        status_code=405,
        headers={"Allow": allow},
    )


def install_error_handlers(app: FastAPI) -> None:
    _document_validation_errors(app)

    @app.exception_handler(SoundstageError)
    async def _domain(_: Request, exc: SoundstageError) -> JSONResponse:
        return JSONResponse(exc.to_body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        shadowed = _shadowed_methods(request, exc)
        if shadowed:
            return _method_not_allowed(request, shadowed)
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = details[0] if details else None
        where = ".".join(str(p) for p in first["loc"]) if first else "request"
        message = f"{where}: {first['msg']}" if first else "invalid request"
        return JSONResponse(_envelope(422, "validation_error", message, details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            # Starlette's Allow names the methods of the first route that matched
            # the path; list every route's (GET and POST /v1/jobs are two routes).
            methods = _path_methods(request)
            if methods:
                return _method_not_allowed(request, methods)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            _envelope(exc.status_code, code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        mapped = client_error(exc)
        if mapped is None:
            return await _unexpected(request, exc)
        if mapped.status_code >= 500:
            log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
        return JSONResponse(
            mapped.to_body(), status_code=mapped.status_code, headers=mapped.headers
        )

    # Integrity and data errors are the client's (4xx); a database that is away
    # is a 503 with Retry-After (soundstage.db.errors). Handled here, inside the
    # exception middleware, so the answer is an ordinary response.
    for kind in (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        app.add_exception_handler(kind, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The trace goes to the log, never to the client.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            _envelope(500, "internal_error", "internal server error"), status_code=500
        )
