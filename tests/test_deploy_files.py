"""The Railway and Procfile deploy files stay consistent with the engine's CLI
and with each other (docs/deploy.md walks through them)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from soundstage.cli import build_parser
from soundstage.config import Settings

REPO = Path(__file__).resolve().parents[1]


def _railway(name: str) -> dict[str, dict[str, object]]:
    config: dict[str, dict[str, object]] = json.loads((REPO / name).read_text())
    return config


def _parses(command: str) -> None:
    """Each `soundstage ...` step of a shell command line is a valid CLI call."""
    for step in command.split("&&"):
        argv = shlex.split(step.replace("$PORT", "8000"))
        assert argv[0] == "soundstage", step
        build_parser().parse_args(argv[1:])


def test_web_and_worker_services_share_one_build() -> None:
    web, worker = _railway("railway.json"), _railway("railway.worker.json")
    assert web["build"] == worker["build"]
    # migrations are read from the source tree: installed in place
    assert "pip install -e ." in str(web["build"]["buildCommand"])


def test_the_web_service_is_health_checked_and_migrates() -> None:
    deploy = _railway("railway.json")["deploy"]
    assert deploy["healthcheckPath"] == "/health"
    assert deploy["restartPolicyType"] == "ON_FAILURE"
    command = str(deploy["startCommand"])
    assert command.startswith("soundstage migrate && soundstage api ")
    assert "--port $PORT" in command and "--host 0.0.0.0" in command
    _parses(command)


def test_the_worker_service_drains_longer_than_its_grace_period() -> None:
    deploy = _railway("railway.worker.json")["deploy"]
    assert deploy["startCommand"] == "soundstage worker"
    _parses(str(deploy["startCommand"]))
    assert "healthcheckPath" not in deploy  # a worker serves no HTTP
    # SIGTERM, then the running jobs' grace, then their hand-back, before SIGKILL
    grace = Settings.model_construct().worker_grace_seconds
    assert isinstance(deploy["drainingSeconds"], int)
    assert deploy["drainingSeconds"] >= grace + 15


def test_procfile_and_runtime() -> None:
    processes = dict(
        line.split(":", 1) for line in (REPO / "Procfile").read_text().splitlines() if line.strip()
    )
    assert set(processes) == {"web", "worker"}
    for command in processes.values():
        _parses(command.strip())
    assert (REPO / "runtime.txt").read_text().strip().startswith("python-3.11")
