"""SOUNDSTAGE_COMPAT_APIS and the development-only anonymous mapping."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from soundstage.compat import SURFACES
from soundstage.config import Environment, Settings

PROD = {
    "env": Environment.PRODUCTION,
    "DATABASE_URL": "postgresql://u@h/db",
    "SUPABASE_URL": "https://p.supabase.co",
}


def test_every_surface_in_development_none_in_production() -> None:
    assert Settings(_env_file=None).compat_surfaces == frozenset(SURFACES)  # type: ignore[call-arg]
    prod = Settings(_env_file=None, supabase_jwt_secret="x" * 40, **PROD)  # type: ignore[arg-type]
    assert prod.compat_surfaces == frozenset()


def test_comma_separated_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDSTAGE_COMPAT_APIS", "video, song")
    assert Settings(_env_file=None).compat_surfaces == {"video", "song"}  # type: ignore[call-arg]
    monkeypatch.setenv("SOUNDSTAGE_COMPAT_APIS", '["studio"]')
    assert Settings(_env_file=None).compat_surfaces == {"studio"}  # type: ignore[call-arg]
    monkeypatch.setenv("SOUNDSTAGE_COMPAT_APIS", "")
    assert Settings(_env_file=None).compat_surfaces == frozenset()  # type: ignore[call-arg]


def test_an_unknown_surface_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDSTAGE_COMPAT_APIS", "video,nope")
    with pytest.raises(ValidationError, match="unknown surface nope"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_anonymous_calls_are_for_development_only() -> None:
    with pytest.raises(ValidationError, match="development only"):
        Settings(  # type: ignore[arg-type]
            _env_file=None,
            supabase_jwt_secret="x" * 40,
            compat_anonymous_email="dev@example.com",
            **PROD,
        )
