"""A bad setting stops start-up with one line: the variable, what was wrong,
and a value that works; list settings take comma-separated text or JSON."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from soundstage.config import LIST_SETTINGS, Settings

ENGINE = Path(__file__).resolve().parents[1] / "apps" / "engine"


def _start(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """What `soundstage` does first: load the settings (the CLI's own path)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOUNDSTAGE_")}
    return subprocess.run(
        [sys.executable, "-c", "from soundstage.cli import _settings; _settings()"],
        env={**clean, "PYTHONPATH": str(ENGINE), **env},
        cwd=tmp_path,  # no .env here
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "variable", "good"),
    [
        ({"SOUNDSTAGE_CORS_ORIGINS": "[not json"}, "SOUNDSTAGE_CORS_ORIGINS", "https://"),
        ({"SOUNDSTAGE_WORKER_CONCURRENCY": "lots"}, "SOUNDSTAGE_WORKER_CONCURRENCY", "=2"),
        ({"SOUNDSTAGE_ENV": "prod"}, "SOUNDSTAGE_ENV", "=development"),
        ({"SOUNDSTAGE_WORKER_LISTEN": "maybe"}, "SOUNDSTAGE_WORKER_LISTEN", "=true"),
        ({"SOUNDSTAGE_DB_POOL_MAX": "0"}, "SOUNDSTAGE_DB_POOL_MAX", "=10"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_with_an_example(
    tmp_path: Path, env: dict[str, str], variable: str, good: str
) -> None:
    done = _start(env, tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].startswith(f"soundstage: invalid configuration: {variable}:"), lines[0]
    assert f"for example {variable}" in lines[0] and good in lines[0], lines[0]


@pytest.mark.parametrize(
    "value",
    [
        "https://app.example.com",
        " https://a.example.com , https://b.example.com ",
        '["https://a.example.com"]',
    ],
)
def test_list_settings_take_comma_separated_or_json(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOUNDSTAGE_CORS_ORIGINS", value)
    monkeypatch.setenv("SOUNDSTAGE_WORKER_KINDS", "music, stems")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.cors_origins and all(
        o.startswith("https://") and o == o.strip() for o in s.cors_origins
    )
    assert s.worker_kinds == ["music", "stems"]


def test_the_removed_pipeline_modules_setting_says_what_to_do_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kinds are no longer loaded by name: a deployment still setting the old
    variable stops with the way to pass them, instead of running without them."""
    monkeypatch.setenv("SOUNDSTAGE_PIPELINE_MODULES", "myteam.pipelines")
    with pytest.raises(ValueError, match=r"pipelines=kinds\.pipelines"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_every_list_setting_is_covered() -> None:
    lists = {
        name for name, info in Settings.model_fields.items() if "list[" in str(info.annotation)
    }
    assert lists == set(LIST_SETTINGS)
