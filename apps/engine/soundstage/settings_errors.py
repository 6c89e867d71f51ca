"""A bad setting, said in one line a person can act on.

pydantic-settings reports a bad environment variable as a multi-line
validation error (or, for a value it could not even decode, a traceback) in
terms of Python field names. Whoever set ``SOUNDSTAGE_CORS_ORIGINS`` on a
hosting dashboard needs the variable's name, what was wrong with it, and a
value that would work.
"""

from __future__ import annotations

import re
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, SecretStr, ValidationError
from pydantic_settings import SettingsError

from soundstage.config import LIST_SETTINGS, Settings

# Values that show the expected shape better than the type alone would.
EXAMPLES: dict[str, str] = {
    "cors_origins": "https://app.example.com,https://admin.example.com",
    "compat_apis": "tts,music",
    "database_url": "postgresql://postgres:secret@db.example.supabase.co:5432/postgres",
    "supabase_url": "https://abcdefgh.supabase.co",
    "public_url": "https://engine.example.com",
    "compat_anonymous_email": "dev@example.com",
    "elevenlabs_output_format": "mp3_44100_128",
}

_FIELD_IN_MESSAGE = re.compile(r'field "(\w+)"')


def env_name(field: str) -> str:
    """The environment variable a field is read from."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, str):
        return alias
    if isinstance(alias, AliasChoices) and alias.choices:
        first = alias.choices[0]
        return first if isinstance(first, str) else str(first)
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def example(field: str) -> str | None:
    """A value that would be accepted for ``field``."""
    if field in EXAMPLES:
        return EXAMPLES[field]
    info = Settings.model_fields.get(field)
    if info is None:
        return None
    annotation: Any = info.annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    low = next((getattr(m, "ge", None) for m in info.metadata if hasattr(m, "ge")), None)
    high = next((getattr(m, "le", None) for m in info.metadata if hasattr(m, "le")), None)
    default = info.default if info.default is not None else None
    if typing.get_origin(annotation) is typing.Literal:
        return str(default if default is not None else typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return str(default.value if isinstance(default, Enum) else next(iter(annotation)).value)
    if annotation is bool:
        return "true"
    if annotation in (int, float):
        bounds = ""
        if low is not None or high is not None:
            bounds = (
                f" (from {low if low is not None else '-'} to {high if high is not None else '-'})"
            )
        shown = (
            default
            if isinstance(default, int | float) and not isinstance(default, bool)
            else (low or 1)
        )
        return f"{shown}{bounds}"
    if annotation is Path:
        return "/var/lib/soundstage"
    if annotation is SecretStr:
        return "the secret from your provider's dashboard"
    if isinstance(default, str) and default:
        return default
    return None


def _line(field: str | None, problem: str) -> str:
    if not field:
        return problem  # a rule across settings; its message names the variables
    text = f"{env_name(field)}: {problem}"
    good = example(field)
    if good:
        text += f" (for example {env_name(field)}={good})"
    return text


def explain(exc: BaseException) -> str | None:
    """One line for a settings failure, or None if ``exc`` is not one."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            loc = error.get("loc", ())
            field = str(loc[0]) if loc else None
            problem = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            if field in LIST_SETTINGS and "list" in problem.lower():
                problem = f"{problem}; give a comma-separated list or a JSON list"
            parts.append(_line(field, problem))
        return "; ".join(parts)
    if isinstance(exc, SettingsError):
        found = _FIELD_IN_MESSAGE.search(str(exc))
        field = found.group(1) if found else None
        return _line(field, "could not be read (expected JSON for this setting)")
    return None


def load_settings() -> Settings:
    """``Settings()``, or a one-line ``SystemExit`` naming what is wrong."""
    try:
        return Settings()
    except (ValidationError, SettingsError) as exc:
        raise SystemExit(f"soundstage: invalid configuration: {explain(exc)}") from None
