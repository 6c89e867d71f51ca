"""A fake Supabase Storage server for tests: a real HTTP server (uvicorn in a
thread) that speaks Storage's REST shapes at ``/storage/v1``.

What it reproduces from supabase/storage: the routes the engine and storage3
use (uploads as a raw body or as storage3's multipart form), the service key
in ``Authorization: Bearer`` and ``apikey``, bucket limits (``file_size_limit``,
``allowed_mime_types`` with ``type/*`` wildcards), upsert semantics
(``x-upsert``; signed upload tokens carry ``upsert``), HS256 signed URL tokens
whose ``url`` claim is ``{bucket}/{path}``, and JSON errors shaped
``{"statusCode": "404", "error": "not_found", "message": "Object not found"}``
(with ``legacy_errors`` as older Storage did it: HTTP 400, the real status only
in ``statusCode``). Faults can be injected: any status (503, 429 with
``Retry-After``) or a stall longer than the client's timeout.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

PREFIX = "/storage/v1"


@dataclass
class StoredObject:
    data: bytes
    content_type: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


@dataclass
class Fault:
    status: int | None = None  # answer this status instead of serving
    retry_after: str | None = None
    stall: float = 0.0  # seconds to wait before serving normally
    method: str | None = None  # only requests with this method
    path_contains: str | None = None  # only requests whose path contains this
    times: int = 1
    body: str | None = None  # a non-JSON body (a proxy's error page) instead of Storage's

    def matches(self, request: Request) -> bool:
        return (self.method is None or request.method == self.method) and (
            self.path_contains is None or self.path_contains in request.url.path
        )


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class FakeSupabaseStorage:
    def __init__(self, service_key: str) -> None:
        self.service_key = service_key
        self.jwt_secret = secrets.token_bytes(32)  # the fake project's own secret
        self.url = ""  # http://127.0.0.1:{port}, set when started
        self.reset()

    def reset(self) -> None:
        self.buckets: dict[str, dict[str, Any]] = {}
        self.objects: dict[tuple[str, str], StoredObject] = {}
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.legacy_errors = False
        self.upload_url_seconds = 7200  # Supabase's default signed upload lifetime

    # ------------------------------------------------------------- test API

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
        method: str | None = None,
        path_contains: str | None = None,
        body: str | None = None,
    ) -> None:
        self.faults.append(Fault(status, retry_after, 0.0, method, path_contains, times, body))

    def stall(
        self,
        seconds: float,
        *,
        times: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        self.faults.append(Fault(None, None, seconds, method, path_contains, times))

    def add_bucket(self, bucket_id: str, **settings: Any) -> None:
        self.buckets[bucket_id] = self._bucket(bucket_id, settings)

    def requests_to(self, fragment: str, method: str | None = None) -> list[Seen]:
        return [
            s for s in self.seen if fragment in s.path and (method is None or s.method == method)
        ]

    # ------------------------------------------------------------- helpers

    def _bucket(self, bucket_id: str, body: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        return {
            "id": bucket_id,
            "name": body.get("name", bucket_id),
            "owner": "",
            "public": bool(body.get("public", False)),
            "file_size_limit": body.get("file_size_limit"),
            "allowed_mime_types": body.get("allowed_mime_types"),
            "created_at": now,
            "updated_at": now,
        }

    def error(self, status: int, error: str, message: str) -> JSONResponse:
        body = {"statusCode": str(status), "error": error, "message": message}
        return JSONResponse(body, status_code=400 if self.legacy_errors else status)

    def _not_found(self) -> JSONResponse:
        return self.error(404, "not_found", "Object not found")

    def _bucket_not_found(self) -> JSONResponse:
        return self.error(404, "Bucket not found", "Bucket not found")

    def _authorized(self, request: Request) -> bool:
        expected = f"Bearer {self.service_key}"
        return (
            request.headers.get("authorization") == expected
            and request.headers.get("apikey") == self.service_key
        )

    def _unauthorized(self) -> JSONResponse:
        return self.error(403, "Unauthorized", "invalid signature")

    def _sign(self, claims: dict[str, Any], seconds: int) -> str:
        now = int(time.time())
        return jwt.encode({**claims, "iat": now, "exp": now + seconds}, self.jwt_secret, "HS256")

    def _verify(self, token: str, bucket: str, path: str) -> dict[str, Any] | JSONResponse:
        try:
            claims: dict[str, Any] = jwt.decode(token, self.jwt_secret, algorithms=["HS256"])
        except jwt.ExpiredSignatureError:
            return self.error(400, "ExpiredSignature", "The signature has expired")
        except jwt.PyJWTError as exc:
            return self.error(400, "Invalid JWT", str(exc))
        if claims.get("url") != f"{bucket}/{path}":
            return self.error(400, "InvalidSignature", "The url do not match the signature")
        return claims

    def _store(
        self, bucket_id: str, path: str, data: bytes, content_type: str, upsert: bool
    ) -> JSONResponse | None:
        bucket = self.buckets.get(bucket_id)
        if bucket is None:
            return self._bucket_not_found()
        if (bucket_id, path) in self.objects and not upsert:
            return self.error(409, "Duplicate", "The resource already exists")
        limit = bucket.get("file_size_limit")
        if limit is not None and len(data) > int(limit):
            return self.error(
                413, "Payload too large", "The object exceeded the maximum allowed size"
            )
        allowed = bucket.get("allowed_mime_types")
        if allowed and not any(_mime_matches(content_type, a) for a in allowed):
            return self.error(
                415, "invalid_mime_type", f"mime type {content_type} is not supported"
            )
        self.objects[(bucket_id, path)] = StoredObject(data, content_type)
        return None

    # -------------------------------------------------------------- routes

    async def create_bucket(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        body = await request.json()
        bucket_id = body.get("id") or body["name"]
        if bucket_id in self.buckets:
            return self.error(409, "Duplicate", "The resource already exists")
        self.buckets[bucket_id] = self._bucket(bucket_id, body)
        return JSONResponse({"name": body["name"]})

    async def get_bucket(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket = self.buckets.get(request.path_params["bucket"])
        return JSONResponse(bucket) if bucket else self._bucket_not_found()

    async def update_bucket(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket = self.buckets.get(request.path_params["bucket"])
        if bucket is None:
            return self._bucket_not_found()
        body = await request.json()
        for key in ("public", "file_size_limit", "allowed_mime_types"):
            if key in body:
                bucket[key] = body[key]
        bucket["updated_at"] = datetime.now(UTC).isoformat()
        return JSONResponse({"message": "Successfully updated"})

    async def upload(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket, path = request.path_params["bucket"], request.path_params["path"]
        content_type = request.headers.get("content-type", "text/plain;charset=UTF-8")
        upsert = request.headers.get("x-upsert") == "true"
        data = await request.body()
        if content_type.startswith("multipart/form-data"):
            # As Storage: a form's file part (storage3's upload) instead of a raw body.
            part = (await request.form()).get("file")
            if part is None or isinstance(part, str):
                return self.error(400, "Bad Request", "No file in the form")
            data, content_type = await part.read(), part.content_type or "text/plain"
        refused = self._store(bucket, path, data, content_type, upsert)
        if refused is not None:
            return refused
        return JSONResponse({"Id": self.objects[(bucket, path)].id, "Key": f"{bucket}/{path}"})

    async def delete_many(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket = request.path_params["bucket"]
        if bucket not in self.buckets:
            return self._bucket_not_found()
        body = await request.json()
        prefixes = body.get("prefixes")
        if not isinstance(prefixes, list) or not prefixes:
            return self.error(400, "Bad Request", "body/prefixes must NOT have fewer than 1 items")
        deleted = []
        for name in prefixes:
            obj = self.objects.pop((bucket, name), None)
            if obj is not None:
                deleted.append({"bucket_id": bucket, "name": name, "id": obj.id})
        return JSONResponse(deleted)

    async def download(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        obj = self.objects.get((request.path_params["bucket"], request.path_params["path"]))
        if obj is None:
            return self._not_found()
        return Response(obj.data, media_type=obj.content_type)

    async def info(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket, path = request.path_params["bucket"], request.path_params["path"]
        obj = self.objects.get((bucket, path))
        if obj is None:
            return self._not_found()
        return JSONResponse(
            {
                "id": obj.id,
                "name": path,
                "bucket_id": bucket,
                "size": len(obj.data),
                "content_type": obj.content_type,
                "created_at": obj.created_at,
            }
        )

    async def sign(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket, path = request.path_params["bucket"], request.path_params["path"]
        body = await request.json()
        expires_in = body.get("expiresIn")
        if not isinstance(expires_in, int) or expires_in < 1:
            return self.error(400, "Bad Request", "body/expiresIn must be integer")
        if (bucket, path) not in self.objects:
            return self._not_found()
        token = self._sign({"url": f"{bucket}/{path}"}, expires_in)
        return JSONResponse({"signedURL": f"/object/sign/{bucket}/{path}?token={token}"})

    async def signed_download(self, request: Request) -> Response:
        bucket, path = request.path_params["bucket"], request.path_params["path"]
        claims = self._verify(request.query_params.get("token", ""), bucket, path)
        if isinstance(claims, Response):
            return claims
        obj = self.objects.get((bucket, path))
        if obj is None:
            return self._not_found()
        headers = {}
        if "download" in request.query_params:
            name = request.query_params["download"] or path.rsplit("/", 1)[-1]
            headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(obj.data, media_type=obj.content_type, headers=headers)

    async def sign_upload(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        bucket, path = request.path_params["bucket"], request.path_params["path"]
        if bucket not in self.buckets:
            return self._bucket_not_found()
        upsert = request.headers.get("x-upsert") == "true"
        token = self._sign(
            {"url": f"{bucket}/{path}", "owner": None, "upsert": upsert}, self.upload_url_seconds
        )
        return JSONResponse(
            {"url": f"/object/upload/sign/{bucket}/{path}?token={token}", "token": token}
        )

    async def signed_upload(self, request: Request) -> Response:
        bucket, path = request.path_params["bucket"], request.path_params["path"]
        claims = self._verify(request.query_params.get("token", ""), bucket, path)
        if isinstance(claims, Response):
            return claims
        content_type = request.headers.get("content-type", "text/plain;charset=UTF-8")
        refused = self._store(
            bucket, path, await request.body(), content_type, bool(claims.get("upsert"))
        )
        if refused is not None:
            return refused
        return JSONResponse({"Key": f"{bucket}/{path}"})

    # ------------------------------------------------------------- the app

    def app(self) -> Starlette:
        p = PREFIX
        app = Starlette(
            routes=[
                Route(f"{p}/bucket", self.create_bucket, methods=["POST"]),
                Route(f"{p}/bucket/{{bucket}}", self.get_bucket, methods=["GET"]),
                Route(f"{p}/bucket/{{bucket}}", self.update_bucket, methods=["PUT"]),
                Route(
                    f"{p}/object/authenticated/{{bucket}}/{{path:path}}",
                    self.download,
                    methods=["GET"],
                ),
                Route(
                    f"{p}/object/info/authenticated/{{bucket}}/{{path:path}}",
                    self.info,
                    methods=["GET"],
                ),
                # The same, at the older path storage3's info() and exists() use.
                Route(f"{p}/object/info/{{bucket}}/{{path:path}}", self.info, methods=["GET"]),
                Route(f"{p}/object/sign/{{bucket}}/{{path:path}}", self.sign, methods=["POST"]),
                Route(
                    f"{p}/object/sign/{{bucket}}/{{path:path}}",
                    self.signed_download,
                    methods=["GET"],
                ),
                Route(
                    f"{p}/object/upload/sign/{{bucket}}/{{path:path}}",
                    self.sign_upload,
                    methods=["POST"],
                ),
                Route(
                    f"{p}/object/upload/sign/{{bucket}}/{{path:path}}",
                    self.signed_upload,
                    methods=["PUT"],
                ),
                Route(f"{p}/object/{{bucket}}", self.delete_many, methods=["DELETE"]),
                Route(f"{p}/object/{{bucket}}/{{path:path}}", self.upload, methods=["POST"]),
                # Storage's older download path, the one storage3's download() uses.
                Route(f"{p}/object/{{bucket}}/{{path:path}}", self.download, methods=["GET"]),
            ]
        )
        return _Faulty(self, app)  # type: ignore[return-value]


class _Faulty:
    """ASGI wrapper: records every request, then applies the first matching fault."""

    def __init__(self, fake: FakeSupabaseStorage, app: Starlette) -> None:
        self.fake = fake
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Read the body once so it can be both recorded and replayed to the app.
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        request = Request(scope)
        self.fake.seen.append(
            Seen(request.method, request.url.path, dict(request.headers), body, time.monotonic())
        )
        fault = next((f for f in self.fake.faults if f.times > 0 and f.matches(request)), None)
        if fault is not None:
            fault.times -= 1
            if fault.stall:
                await asyncio.sleep(fault.stall)
            if fault.status is not None:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
                response: Response
                if fault.body is not None:
                    response = HTMLResponse(fault.body, fault.status, headers=headers)
                else:
                    payload = {
                        "statusCode": str(fault.status),
                        "error": "fault",
                        "message": "fault",
                    }
                    response = JSONResponse(payload, status_code=fault.status, headers=headers)
                await response(scope, receive, send)
                return

        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _mime_matches(content_type: str, allowed: str) -> bool:
    actual = content_type.split(";")[0].strip().lower()
    allowed = allowed.lower()
    if allowed.endswith("/*"):
        return actual.startswith(allowed[:-1])
    return actual == allowed


@contextmanager
def serve(fake: FakeSupabaseStorage) -> Iterator[FakeSupabaseStorage]:
    """Run ``fake`` on a free local port for the duration of the block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(fake.app(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake Supabase Storage server did not start")
        time.sleep(0.01)
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
