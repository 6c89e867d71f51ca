"""A real ``soundstage run`` (API and one worker, with the test kinds) in a
subprocess, for tests that drive the engine from outside: Chromium, Node
frontends. It runs through ``tests/engine_with_test_kinds.py``, on its own data
directory and a free port, and nothing from the caller's configuration leaks in.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TESTS = Path(__file__).resolve().parent
ENTRY = TESTS / "engine_with_test_kinds.py"  # the CLI with the test kinds

# Variables of the caller's own configuration, never passed on.
_THEIRS = ("SOUNDSTAGE_", "SUPABASE_", "OPENAI_")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def live_engine(root: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start the engine in ``root`` (its data in ``root/data`` unless ``env``
    says otherwise), wait until ``/ready``, yield its URL; stop it (and its
    embedded database, if it made one) on the way out. ``env`` adds settings.
    ``SOUNDSTAGE_TEST_SHOW_ENGINE_LOG=1`` prints the end of its log."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(_THEIRS) and k != "DATABASE_URL"
    }
    environ["SOUNDSTAGE_DATA_DIR"] = str(root / "data")
    environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p
    )
    environ.update(env or {})
    port = free_port()
    log_path = root / "engine.log"
    cmd = [sys.executable, str(ENTRY)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*cmd, "run", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            cwd=root,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the engine exited:\n{log_path.read_text()[-4000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the engine never became ready:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        if "DATABASE_URL" not in environ:
            subprocess.run(
                [*cmd, "db", "stop"], cwd=root, env=environ, capture_output=True, timeout=60
            )
        if os.environ.get("SOUNDSTAGE_TEST_SHOW_ENGINE_LOG"):
            print(log_path.read_text()[-8000:])
