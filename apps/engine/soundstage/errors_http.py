"""The one handler: every error leaves the engine in the same JSON envelope."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from soundstage.errors import SoundstageError

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid bearer token",
    404: "Not found (or another user's resource)",
    409: "Conflict with the resource's current state",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation error",
    402: "Quota exceeded",
    429: "Too many requests (see Retry-After)",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorEnvelope, "description": _DESCRIPTIONS.get(c, "")} for c in codes}


def _envelope(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


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
        del schemas["HTTPValidationError"]
        if '"#/components/schemas/ValidationError"' not in json.dumps(document):
            schemas.pop("ValidationError", None)  # referenced by HTTPValidationError only
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    _document_validation_errors(app)

    @app.exception_handler(SoundstageError)
    async def _domain(_: Request, exc: SoundstageError) -> JSONResponse:
        return JSONResponse(exc.to_body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = details[0] if details else None
        where = ".".join(str(p) for p in first["loc"]) if first else "request"
        message = f"{where}: {first['msg']}" if first else "invalid request"
        return JSONResponse(_envelope(422, "validation_error", message, details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            _envelope(exc.status_code, code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The trace goes to the log, never to the client.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            _envelope(500, "internal_error", "internal server error"), status_code=500
        )
