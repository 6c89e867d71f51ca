"""The one error tree. Every error a client can see is a subclass of
:class:`SoundstageError` with its own status code and machine-readable code,
rendered by one handler into one JSON envelope::

    {"error": {"code": "not_found", "message": "job not found", "details": ...}}
"""

from __future__ import annotations

from typing import Any, ClassVar


class SoundstageError(Exception):
    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class BadRequest(SoundstageError):
    status_code = 400
    code = "bad_request"


class Unauthorized(SoundstageError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str = "a valid bearer token is required") -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class Forbidden(SoundstageError):
    status_code = 403
    code = "forbidden"


class NotFound(SoundstageError):
    status_code = 404
    code = "not_found"


class Conflict(SoundstageError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(SoundstageError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(SoundstageError):
    status_code = 415
    code = "unsupported_media_type"


class ValidationFailed(SoundstageError):
    status_code = 422
    code = "validation_error"


class QuotaExceeded(SoundstageError):
    """The user's plan allows no more of this (this month); nothing was created."""

    status_code = 402
    code = "quota_exceeded"


class TooManyRequests(SoundstageError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(SoundstageError):
    status_code = 503
    code = "unavailable"


class InvalidSignature(SoundstageError):
    """A signed URL whose token is expired, tampered or for another path."""

    status_code = 400
    code = "invalid_signature"


# --- errors raised inside pipelines; they end a job, never an HTTP request ---


class PipelineError(Exception):
    """Base for failures of a job. ``message`` is shown to the user as is."""

    code: ClassVar[str] = "pipeline_error"
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class PermanentError(PipelineError):
    code = "permanent_error"


class RetryableError(PipelineError):
    code = "retryable_error"
    retryable = True
