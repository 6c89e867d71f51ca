"""A real HTTP receiver for webhook tests: a threaded ``http.server`` on a local
port that records every request and answers from a script (status codes in
order, then ``default``), optionally holding requests open until released."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when it arrived


class Receiver:
    def __init__(
        self,
        statuses: list[int] | None = None,
        *,
        default: int = 200,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.tls = tls
        self.statuses = list(statuses or [])
        self.default = default
        self.received: list[Received] = []
        # while set, requests whose number is in `hold` wait for `release`
        self.hold: set[int] = set()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/hook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    number = len(receiver.received)
                    receiver.received.append(
                        Received(
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            time.time(),
                        )
                    )
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                if number in receiver.hold:
                    receiver.release.wait(60)
                extra = {"Location": "http://169.254.169.254/"} if 300 <= status < 400 else {}
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()
            thread.join(5)

    async def wait_for(self, n: int, within: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + within
        while len(self.received) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {n} requests arrived")
            await asyncio.sleep(0.05)
        return list(self.received)
