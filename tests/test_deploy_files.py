"""The deploy files: Railway's two config files (checked against Railway's
published schema), what Railway's builder (Railpack) installs and with which
Python, and the Procfile, consistent with the engine's CLI and with each other
(docs/deploy.md walks through them)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from soundstage.cli import build_parser
from soundstage.config import Settings

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "tests" / "data" / "railway" / "railway.schema.json"
SERVICES = ("railway.json", "railway.worker.json")
# Railpack builds in /app and installs a requirements.txt project into /app/.venv
RAILPACK_APP_DIR = "/app"


def _railway(name: str) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((REPO / name).read_text())
    return config


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _requirement_lines() -> list[str]:
    lines = (REPO / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _parses(command: str) -> None:
    """Each `soundstage ...` step of a shell command line is a valid CLI call."""
    for step in command.split("&&"):
        argv = shlex.split(step.replace("$PORT", "8000"))
        assert argv[0] == "soundstage", step
        build_parser().parse_args(argv[1:])


def test_both_services_follow_railways_published_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema)
    for name in SERVICES:
        config = _railway(name)
        assert config["$schema"] == "https://railway.com/railway.schema.json"
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(config)]
        assert errors == [], name
    # The copy has teeth: it refuses what Railway's parser refuses.
    assert not validator.is_valid({"build": {"builder": "NIXPACK"}})
    assert not validator.is_valid({"deploy": {"drainingSeconds": "60"}})
    assert not validator.is_valid({"deploy": {"healthCheckPath": "/health"}})


def test_both_services_build_with_railpack_from_the_projects_own_files() -> None:
    for name in SERVICES:
        # Nothing hand-written: no Nixpacks plan, no build command; Railpack
        # detects Python from requirements.txt and pyproject.toml.
        assert _railway(name)["build"] == {"builder": "RAILPACK"}, name
        assert "-e" not in shlex.split(json.dumps(_railway(name))), name
        assert "editable" not in (REPO / name).read_text(), name
    assert not (REPO / "nixpacks.toml").exists()
    # A Dockerfile would win over the builder setting on Railway.
    assert not (REPO / "Dockerfile").exists()


def test_railpack_installs_the_engine_non_editable_with_its_dependencies() -> None:
    (line,) = _requirement_lines()
    assert not line.startswith(("-e", "--editable")), line
    requirement = Requirement(line)
    project = _pyproject()["project"]
    assert requirement.name == project["name"]
    # The repository itself, where Railpack puts it: pip builds a wheel of it
    # and installs that, with the dependencies pyproject.toml declares.
    assert requirement.url == f"file://{RAILPACK_APP_DIR}"
    # No optional extra: piper is GPL, soxr LGPL, musicgen/demucs bring torch.
    assert requirement.extras == set()
    assert requirement.marker is None


def test_the_python_version_comes_from_the_projects_own_files() -> None:
    # Railpack reads RAILPACK_PYTHON_VERSION, then .python-version, then
    # runtime.txt: one file, and nothing to disagree with it.
    assert not (REPO / "runtime.txt").exists()
    pinned = (REPO / ".python-version").read_text().strip()
    assert pinned.count(".") == 1, "major.minor: the newest patch release is installed"
    pyproject = _pyproject()
    requires = pyproject["project"]["requires-python"]
    assert Version(f"{pinned}.0") in SpecifierSet(requires)
    # The oldest Python the project supports is the one it ships on, so the
    # type checker and the linter check the interpreter production runs.
    assert requires == f">={pinned}"
    assert pyproject["tool"]["mypy"]["python_version"] == pinned
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + pinned.replace(".", "")
    for name in SERVICES:
        assert "RAILPACK_PYTHON_VERSION" not in (REPO / name).read_text()


def test_the_web_service_is_health_checked_and_migrates() -> None:
    deploy = _railway("railway.json")["deploy"]
    assert deploy["healthcheckPath"] == "/health"
    assert isinstance(deploy["healthcheckTimeout"], int) and deploy["healthcheckTimeout"] >= 30
    assert deploy["restartPolicyType"] == "ON_FAILURE"
    assert deploy["restartPolicyMaxRetries"] >= 1
    command = str(deploy["startCommand"])
    assert command.startswith("soundstage migrate && soundstage api ")
    assert "--port $PORT" in command and "--host 0.0.0.0" in command
    _parses(command)


def test_the_worker_service_drains_longer_than_its_grace_period() -> None:
    deploy = _railway("railway.worker.json")["deploy"]
    assert deploy["startCommand"] == "soundstage worker"
    _parses(str(deploy["startCommand"]))
    assert "healthcheckPath" not in deploy  # a worker serves no HTTP
    assert deploy["restartPolicyType"] == "ON_FAILURE"
    # SIGTERM, then the running jobs' grace, then their hand-back, before SIGKILL
    grace = Settings.model_construct().worker_grace_seconds
    assert isinstance(deploy["drainingSeconds"], int)
    assert deploy["drainingSeconds"] >= grace + 15


def test_procfile_runs_the_same_commands() -> None:
    processes = dict(
        line.split(":", 1) for line in (REPO / "Procfile").read_text().splitlines() if line.strip()
    )
    assert set(processes) == {"web", "worker"}
    for command in processes.values():
        _parses(command.strip())
    assert processes["worker"].strip() == _railway("railway.worker.json")["deploy"]["startCommand"]


def test_the_non_editable_install_migrates_from_the_repository_root(
    tmp_path: Path, dsn: str
) -> None:
    """requirements.txt as Railpack runs it (its /app swapped for a copy of the
    repository), then the web service's first command from the repository root.
    The installed engine lives in a virtualenv's site-packages, away from the
    source tree, and still finds supabase/migrations."""
    source = tmp_path / "app"
    (source / "apps").mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        (source / name).write_bytes((REPO / name).read_bytes())
    subprocess.run(["cp", "-r", str(REPO / "apps" / "engine"), str(source / "apps")], check=True)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        (REPO / "requirements.txt")
        .read_text()
        .replace(f"file://{RAILPACK_APP_DIR}", f"file://{source}")
    )

    venv = tmp_path / "venv"
    # No pip or setuptools of its own: this environment's serve (no network).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from this environment (no network here): its
    # site-packages goes on the new one's path, after the new one's own, and
    # without its .pth files (the editable install of the source tree).
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "shared-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--ignore-installed", "-r", str(requirements)],
        check=True, env=env, cwd=tmp_path,
    )  # fmt: skip

    where = subprocess.run(
        [str(python), "-c", "import soundstage; print(soundstage.__file__)"],
        check=True, capture_output=True, text=True, env=env, cwd=REPO,
    ).stdout.strip()  # fmt: skip
    assert where.startswith(purelib), where  # installed, not the source tree

    migrate = [str(venv / "bin" / "soundstage"), "migrate"]
    run_env = env | {"DATABASE_URL": dsn, "SOUNDSTAGE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(migrate, capture_output=True, text=True, env=run_env, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "migrations up to date" in done.stderr
    # Anywhere else, it says where it looked instead of migrating nothing.
    elsewhere = subprocess.run(migrate, capture_output=True, text=True, env=run_env, cwd=tmp_path)
    assert elsewhere.returncode != 0
    assert "migrations directory not found" in elsewhere.stderr
