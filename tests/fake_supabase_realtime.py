"""A fake Supabase (Auth's password grant and Realtime's WebSocket) for tests:
a real HTTP + WebSocket server (uvicorn in a thread) fed by a real database.

Auth (``/auth/v1``): the password and refresh-token grants answer Supabase's
session shape with an HS256 access token signed by the project's JWT secret
(``iss`` ``{url}/auth/v1``, ``aud`` ``authenticated``), which an engine with the
same ``SUPABASE_URL`` and ``SUPABASE_JWT_SECRET`` accepts; the user is the
``auth.users`` row with that email (created on first sign-in, like a sign-up).
CORS is open, as Supabase's is.

Realtime (``/realtime/v1/websocket?apikey=...&vsn=1.0.0``): the Phoenix channel
protocol as Supabase Realtime speaks it with the JSON serializer: ``phx_join``
answered by ``phx_reply`` ``ok`` or ``error``, ``heartbeat`` on topic
``phoenix``, ``access_token``, ``phx_leave``. A private join is authorized the
way Realtime's RLS check on ``realtime.messages`` works for
``soundstage:user:<id>`` topics: only with a valid token whose ``sub`` is that
id. Broadcasts come from the database: ``REALTIME_STAND_IN`` gives it Supabase's
``realtime.send(payload, event, topic, private)``, recording each call in
``realtime.messages``, and the server polls that table and forwards each row to
the sockets joined to its topic as Realtime frames them::

    {"topic": "realtime:<topic>", "event": "broadcast", "ref": null,
     "payload": {"type": "broadcast", "event": <event>, "payload": <payload>}}

Faults: ``kill()`` closes every socket (as a restarted Realtime node would),
``refusing`` refuses new sockets, ``mute_heartbeats`` leaves heartbeats
unanswered. What it saw is kept in ``frames`` (every frame clients sent),
``joins`` (topic, status) and ``sockets`` (how many were accepted).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg
import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

# Supabase's realtime.send, recording into realtime.messages (the call order in
# seq). Run as the database owner; the engine's trigger functions are security
# definer, so no other role needs anything here.
REALTIME_STAND_IN = """
create schema if not exists realtime;
create table if not exists realtime.messages (
  id uuid not null default gen_random_uuid(),
  topic text not null,
  extension text not null,
  event text,
  payload jsonb,
  private boolean default false,
  inserted_at timestamptz not null default clock_timestamp(),
  seq bigint generated always as identity primary key
);
create or replace function realtime.send(
  payload jsonb, event text, topic text, private boolean default true
) returns void language plpgsql as $f$
begin
  insert into realtime.messages (payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast');
end
$f$;
"""

USER_TOPIC = "realtime:soundstage:user:"
POLL_SECONDS = 0.05


class FakeSupabase:
    def __init__(self, dsn: str, *, jwt_secret: str, anon_key: str, password: str) -> None:
        self.dsn = dsn
        self.jwt_secret = jwt_secret
        self.anon_key = anon_key
        self.password = password  # every user's, for the password grant
        self.url = ""  # http://127.0.0.1:{port}, set when served
        self.frames: list[dict[str, Any]] = []
        self.joins: list[tuple[str, str]] = []
        self.sockets = 0
        self.refusing = False
        self.mute_heartbeats = False
        self._refresh_tokens: dict[str, tuple[uuid.UUID, str]] = {}
        self._open: dict[WebSocket, dict[str, str]] = {}  # socket -> {topic: join_ref}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._db: asyncpg.Pool | None = None

    # ------------------------------------------------------------- auth

    def token_for(self, user_id: uuid.UUID, email: str, ttl: int = 3600) -> str:
        now = int(time.time())
        claims = {
            "sub": str(user_id),
            "email": email,
            "aud": "authenticated",
            "role": "authenticated",
            "iss": f"{self.url}/auth/v1",
            "iat": now,
            "exp": now + ttl,
            "session_id": str(uuid.uuid4()),
        }
        return jwt.encode(claims, self.jwt_secret, algorithm="HS256")

    def _session(self, user_id: uuid.UUID, email: str) -> dict[str, Any]:
        refresh = secrets.token_urlsafe(16)
        self._refresh_tokens[refresh] = (user_id, email)
        return {
            "access_token": self.token_for(user_id, email),
            "token_type": "bearer",
            "expires_in": 3600,
            "expires_at": int(time.time()) + 3600,
            "refresh_token": refresh,
            "user": {"id": str(user_id), "email": email, "aud": "authenticated"},
        }

    async def _token(self, request: Request) -> Response:
        if request.headers.get("apikey") != self.anon_key:
            return JSONResponse({"message": "Invalid API key"}, status_code=401)
        body = await request.json()
        grant = request.query_params.get("grant_type")
        if grant == "refresh_token":
            known = self._refresh_tokens.pop(str(body.get("refresh_token")), None)
            if known is None:
                return JSONResponse(
                    {"error": "invalid_grant", "error_description": "Invalid Refresh Token"},
                    status_code=400,
                )
            return JSONResponse(self._session(*known))
        if grant != "password" or body.get("password") != self.password:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "Invalid login credentials"},
                status_code=400,
            )
        email = str(body.get("email", "")).lower()
        assert self._db is not None
        user_id = await self._db.fetchval("select id from auth.users where email = $1", email)
        if user_id is None:
            user_id = await self._db.fetchval(
                "insert into auth.users (email) values ($1) returning id", email
            )
        return JSONResponse(self._session(user_id, email))

    async def _logout(self, request: Request) -> Response:
        return Response(status_code=204)

    # --------------------------------------------------------- realtime

    def _authorized(self, topic: str, token: object) -> str | None:
        """None when this token may join this private topic, else why not."""
        if not isinstance(token, str):
            return "Unauthorized: a private channel needs an access token"
        try:
            claims = jwt.decode(
                token, self.jwt_secret, algorithms=["HS256"], audience="authenticated"
            )
        except jwt.ExpiredSignatureError:
            return "Token has expired"
        except jwt.PyJWTError as exc:
            return f"Invalid token: {exc}"
        if topic != f"{USER_TOPIC}{claims.get('sub')}":
            return (
                "Unauthorized: You do not have permissions to read from this Channel topic: "
                + topic.removeprefix("realtime:")
            )
        return None

    async def _socket(self, ws: WebSocket) -> None:
        params = ws.query_params
        if self.refusing or params.get("apikey") != self.anon_key or params.get("vsn") != "1.0.0":
            await ws.close(code=1008)  # before accept: the upgrade is refused (403)
            return
        await ws.accept()
        self.sockets += 1
        joined: dict[str, str] = {}
        self._open[ws] = joined
        try:
            while True:
                frame = json.loads(await ws.receive_text())
                self.frames.append(frame)
                await self._handle(ws, joined, frame)
        except WebSocketDisconnect:
            pass
        finally:
            self._open.pop(ws, None)

    async def _handle(self, ws: WebSocket, joined: dict[str, str], frame: dict[str, Any]) -> None:
        topic, event, ref = frame.get("topic"), frame.get("event"), frame.get("ref")
        payload = frame.get("payload") or {}

        async def reply(status: str, response: dict[str, Any]) -> None:
            await ws.send_text(
                json.dumps(
                    {
                        "topic": topic,
                        "event": "phx_reply",
                        "payload": {"status": status, "response": response},
                        "ref": ref,
                        "join_ref": frame.get("join_ref"),
                    }
                )
            )

        if topic == "phoenix" and event == "heartbeat":
            if not self.mute_heartbeats:
                await reply("ok", {})
        elif event == "phx_join" and isinstance(topic, str):
            config = payload.get("config") or {}
            why = (
                "Unauthorized: only private channels are allowed"
                if config.get("private") is not True
                else self._authorized(topic, payload.get("access_token"))
            )
            self.joins.append((topic, "error" if why else "ok"))
            if why:
                await reply("error", {"reason": why})
            else:
                joined[topic] = str(frame.get("join_ref") or ref)
                await reply("ok", {"postgres_changes": []})
        elif event == "access_token" and isinstance(topic, str) and topic in joined:
            why = self._authorized(topic, payload.get("access_token"))
            if why:  # Realtime shuts the channel down
                del joined[topic]
                await ws.send_text(
                    json.dumps(
                        {
                            "topic": topic,
                            "event": "system",
                            "payload": {"status": "error", "message": why, "extension": "system"},
                            "ref": None,
                        }
                    )
                )
                await ws.send_text(
                    json.dumps({"topic": topic, "event": "phx_close", "payload": {}, "ref": None})
                )
        elif event == "phx_leave" and isinstance(topic, str):
            joined.pop(topic, None)
            await reply("ok", {})

    async def _forward(self) -> None:
        """Every realtime.send call, to the sockets joined to its topic."""
        assert self._db is not None
        last = await self._db.fetchval("select coalesce(max(seq), 0) from realtime.messages")
        while True:
            rows = await self._db.fetch(
                "select seq, topic, event, payload::text as payload from realtime.messages "
                "where seq > $1 order by seq",
                last,
            )
            for row in rows:
                last = row["seq"]
                topic = f"realtime:{row['topic']}"
                frame = json.dumps(
                    {
                        "topic": topic,
                        "event": "broadcast",
                        "payload": {
                            "type": "broadcast",
                            "event": row["event"],
                            "payload": json.loads(row["payload"]),
                            "meta": {"id": str(uuid.uuid4())},
                        },
                        "ref": None,
                    }
                )
                for ws, joined in list(self._open.items()):
                    if topic in joined:
                        with contextlib.suppress(Exception):  # a socket closing meanwhile
                            await ws.send_text(frame)
            await asyncio.sleep(POLL_SECONDS)

    async def _close_all(self, code: int) -> None:
        for ws in list(self._open):
            with contextlib.suppress(Exception):
                await ws.close(code=code)
        self._open.clear()

    def kill(self, *, refuse: bool = True) -> None:
        """Drop every socket (a Realtime node going away); with ``refuse`` new
        ones are refused until ``refusing`` is set back to False."""
        self.refusing = refuse
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._close_all(1011), self._loop).result(10)

    def app(self) -> Starlette:
        @asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            self._loop = asyncio.get_running_loop()
            self._db = await asyncpg.create_pool(self.dsn, min_size=1, max_size=3)
            forward = asyncio.create_task(self._forward())
            try:
                yield
            finally:
                forward.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await forward
                await self._db.close()

        return Starlette(
            routes=[
                Route("/auth/v1/token", self._token, methods=["POST"]),
                Route("/auth/v1/logout", self._logout, methods=["POST"]),
                WebSocketRoute("/realtime/v1/websocket", self._socket),
            ],
            middleware=[
                Middleware(
                    CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]
                )
            ],
            lifespan=lifespan,
        )


@contextmanager
def serve(fake: FakeSupabase) -> Iterator[FakeSupabase]:
    """Run ``fake`` on a free local port for the duration of the block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(fake.app(), log_level="warning", lifespan="on", ws="websockets-sansio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake Supabase server did not start")
        time.sleep(0.01)
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
