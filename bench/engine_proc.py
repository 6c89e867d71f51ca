"""Starting and stopping the engine (and other servers) as subprocesses for the benchmarks.

Standard library only.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Collection, Mapping
from pathlib import Path

HOST = "127.0.0.1"

# Readiness checks go to local servers: never through a proxy from the environment.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def soundstage(*args: str) -> list[str]:
    return [sys.executable, "-m", "soundstage", *args]


def engine_env(
    data_dir: Path,
    settings: Mapping[str, str] | None = None,
    *,
    drop: Collection[str] = (),
    drop_prefixes: tuple[str, ...] = (),
) -> dict[str, str]:
    """The caller's environment for an engine on ``data_dir`` in development mode, then
    ``settings``. ``DATABASE_URL`` and ``SUPABASE_*`` are dropped, so the engine always
    uses its embedded database, and so are ``drop`` and names starting with ``drop_prefixes``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and k not in drop and not k.startswith(("SUPABASE_", *drop_prefixes))
    }
    env["SOUNDSTAGE_ENV"] = "development"
    env["SOUNDSTAGE_DATA_DIR"] = str(data_dir)
    env.update(settings or {})
    return env


def mint_token(email: str, env: dict[str, str], cwd: Path) -> str:
    """A development token for ``email`` (``soundstage token``)."""
    return subprocess.run(
        soundstage("token", "--email", email),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def stop_database(env: dict[str, str], cwd: Path) -> None:
    """Stop the embedded Postgres of the engine ``env`` points at (``soundstage db stop``)."""
    subprocess.run(soundstage("db", "stop"), env=env, cwd=cwd, capture_output=True, check=False)


class Server:
    """A subprocess with its log in a file; stopped with SIGTERM, then SIGKILL.

    It runs in ``cwd``, by default the log's folder: never the caller's directory, whose
    ``.env`` the engine would read."""

    def __init__(
        self, name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> None:
        self.name = name
        self.log = log
        self._log_file = log.open("wb")
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=log.parent if cwd is None else cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def _check_alive(self) -> None:
        if not self.alive():
            raise RuntimeError(
                f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
            )

    def wait_ready(self, url: str, timeout: float = 120.0) -> None:
        """Until ``url`` answers 200; RuntimeError when the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            # Refused, reset or half-answered while the server starts: try again.
            with contextlib.suppress(OSError, http.client.HTTPException):
                with _direct.open(url, timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def wait_log(self, text: str, timeout: float = 60.0) -> bool:
        """Until ``text`` shows in the log: True, or False when time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            with contextlib.suppress(OSError):
                if text in self.log.read_text(errors="replace"):
                    return True
            time.sleep(0.2)
        return False

    def stop(self, timeout: float = 30.0) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()
