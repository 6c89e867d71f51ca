"""Structured logs: structlog over the standard library.

Everything goes through the root logger, so uvicorn's lines, the engine's
``logging`` calls and structlog calls come out in one format: JSON lines
(``SOUNDSTAGE_LOG_FORMAT=json``, the production default) or readable console
lines. Context bound with ``structlog.contextvars`` (``request_id`` by the HTTP
middleware, ``job_id`` and ``kind`` by the worker) is added to every line,
whichever API wrote it.

Secrets stay out: a redaction step masks values under sensitive keys
(authorization, token, api_key, password, secret, ...) and, in any text,
JWTs, bearer credentials, ``token=`` query parameters and well-known API key
shapes. Request bodies are never logged.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, Literal, TextIO

import structlog
from structlog.types import EventDict, Processor, WrappedLogger

LogFormat = Literal["json", "console"]

REDACTED = "[redacted]"

_SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "x_api_key",
        "password",
        "passwd",
        "secret",
        "client_secret",
        "jwt",
        "signature",
        "service_role_key",
        "manuscript",
        "text",
        "body",
    }
)
_SENSITIVE_SUFFIXES = ("_token", "_secret", "_password", "_api_key", "_jwt")

_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JWTs: three base64url parts, the first a JSON header ("eyJ" = '{"')
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # signed URLs and keys passed in query strings
    (
        re.compile(
            r"(?i)([?&;](?:token|access_token|apikey|api_key|key|sig|signature)=)[^&\s\"'#]+"
        ),
        rf"\1{REDACTED}",
    ),
    # well-known key shapes: Supabase secret keys, OpenAI-style keys
    (re.compile(r"\bsb_secret_[A-Za-z0-9_-]{8,}"), REDACTED),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), REDACTED),
)

# The standard fields every line starts with.
_TIMESTAMPER = structlog.processors.TimeStamper(fmt="iso", utc=True)
_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    _TIMESTAMPER,
]

_configured_format: LogFormat | None = None


def _is_sensitive(key: str) -> bool:
    k = key.lower().replace("-", "_")
    return k in _SENSITIVE_KEYS or k.endswith(_SENSITIVE_SUFFIXES)


def redact_text(text: str) -> str:
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if depth > 5:
        return value
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and _is_sensitive(k) else _redact_value(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_value(v, depth + 1) for v in value]
    return value


def redact(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """structlog processor: mask secrets under sensitive keys and in any text."""
    for key in list(event_dict):
        if key == "event" or not _is_sensitive(key):
            event_dict[key] = _redact_value(event_dict[key])
        else:
            event_dict[key] = REDACTED
    return event_dict


def make_formatter(fmt: LogFormat) -> structlog.stdlib.ProcessorFormatter:
    """The formatter for stdlib handlers: both structlog and plain ``logging``
    records come out through the same processors and renderer."""
    renderer: Processor
    final: list[Processor] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        # tracebacks become text first, so the redaction step sees them too
        structlog.processors.format_exc_info,
        redact,
    ]
    if fmt == "json":
        final.append(structlog.processors.EventRenamer("message"))
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED, processors=[*final, renderer]
    )


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure_logging(fmt: LogFormat, level: int | str = logging.INFO) -> None:
    """Route structlog and the standard library to one stderr handler on the
    root logger. Safe to call again: it replaces only the handler it added."""
    global _configured_format
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            # here too, so any other handler on the root logger gets masked values
            redact,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_soundstage", False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler._soundstage = True  # type: ignore[attr-defined]
    handler.setFormatter(make_formatter(fmt))
    root.addHandler(handler)
    if isinstance(level, str):
        # uvicorn's extra names (trace) are unknown here: fall back to INFO
        resolved = logging.getLevelName(level.upper())
        level = resolved if isinstance(resolved, int) else logging.INFO
    root.setLevel(level)
    # pgserver logs every command it runs, httpx every request URL: keep the
    # console for what matters.
    for noisy in ("pgserver", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _configured_format = fmt


def ensure_logging(fmt: LogFormat) -> None:
    """Configure logging unless this process already did (the CLI does it first)."""
    if _configured_format is None:
        configure_logging(fmt)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
