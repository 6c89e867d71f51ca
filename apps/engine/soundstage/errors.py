"""The one error tree (as polar's ``exceptions.py``).

Every error the engine raises on purpose is a :class:`SoundstageError`. Each
class carries:

- ``status_code`` and ``code``: how a request that raised it is answered, by one
  handler, in one JSON envelope::

      {"error": {"code": "not_found", "message": "job not found", "details": {...}}}

- ``retryable``: whether a job that raised it may run again (after
  ``retry_after`` seconds when the cause said so).

``message`` is written for the user and is safe to show: no secrets, no paths.
The worker turns any :class:`SoundstageError` into a job failure with its code
and message (or a retry, when ``retryable``); anything else is a bug and ends
the job as ``internal_error``.

``details`` is always an object (``{}`` when there is nothing more to say), so
a client reads it one way everywhere; a list of field problems lives under
``details.errors`` (each ``{"loc", "msg", "type"}``).
"""

from __future__ import annotations

from typing import Any, ClassVar


class SoundstageError(Exception):
    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    retryable: ClassVar[bool] = False
    headers: dict[str, str] | None = None

    def __init__(
        self, message: str, *, details: Any = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.retry_after = retry_after

    def to_body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": as_details(self.details),
            }
        }


def as_details(details: Any) -> dict[str, Any]:
    """The one shape of ``details``: an object; a bare list is field problems."""
    if details is None:
        return {}
    if isinstance(details, dict):
        return details
    if isinstance(details, list):
        return {"errors": details}
    return {"value": details}


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


class ProviderNotConfigured(ValidationFailed):
    """A provider the request names is not set up on this engine (or, inside a
    job, on this worker: a worker deployed with other settings than the API)."""

    code = "provider_not_configured"


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
    retryable = True


class InvalidSignature(SoundstageError):
    """A signed URL whose token is expired, tampered or for another path."""

    status_code = 400
    code = "invalid_signature"


# --- failures of the work itself: a provider, a model, a file ---------------
#
# Raised by providers and pipelines. Inside a job they end or retry it; if one
# reaches a request (a provider's voice catalogue, say), it is answered as the
# upstream failure it is.


class PipelineError(SoundstageError):
    """A job's work failed. ``message`` is shown to the user as is."""

    status_code = 502
    code = "pipeline_error"


class PermanentError(PipelineError):
    """Trying again cannot help (a refused key, a corrupt file, an unknown voice)."""

    code = "permanent_error"


class RetryableError(PipelineError):
    """Trying again later may help (a rate limit, a 5xx, a timeout)."""

    status_code = 503
    code = "retryable_error"
    retryable = True


# --- file storage: both a request's failure and a job's ---------------------


class StorageUnavailable(ServiceUnavailable, RetryableError):
    """File storage is down or slow: the API answers 503, a job retries."""

    code = "storage_unavailable"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retry_after=retry_after)
        if retry_after is not None:
            self.headers = {"Retry-After": str(max(1, round(retry_after)))}


class StorageFailed(PermanentError):
    """Storage refused a request for a reason that retrying will not change."""

    status_code = 502
    code = "storage_error"
