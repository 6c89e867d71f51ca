"""Signed download and upload tokens, shaped like Supabase Storage's.

The token is a JWT whose ``url`` claim is ``{bucket}/{path}``, as Supabase
issues for ``/storage/v1/object/sign/{bucket}/{path}?token=...`` and
``/storage/v1/object/upload/sign/{bucket}/{path}?token=...``. The key is
derived from the engine's secret so a storage token can never pass as an
access token (and the other way round). A ``purpose`` claim keeps the two
kinds apart: a download link cannot upload, an upload link cannot download.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import jwt

from soundstage.errors import InvalidSignature

DOWNLOAD = "download"
UPLOAD = "upload"


def derive_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"soundstage/storage-url/v1", hashlib.sha256).digest()


def sign(key: bytes, bucket: str, path: str, expires_in: int) -> tuple[str, int]:
    now = int(time.time())
    exp = now + expires_in
    token = jwt.encode(
        {"url": f"{bucket}/{path}", "purpose": DOWNLOAD, "iat": now, "exp": exp},
        key,
        algorithm="HS256",
    )
    return token, exp


def sign_upload(
    key: bytes, bucket: str, path: str, expires_in: int, max_bytes: int
) -> tuple[str, int]:
    now = int(time.time())
    exp = now + expires_in
    claims = {
        "url": f"{bucket}/{path}",
        "purpose": UPLOAD,
        "max_bytes": max_bytes,
        "iat": now,
        "exp": exp,
    }
    return jwt.encode(claims, key, algorithm="HS256"), exp


def _decode(key: bytes, token: str, bucket: str, path: str, what: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=["HS256"], options={"require": ["exp", "url"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidSignature(f"this {what} link has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidSignature(f"this {what} link is not valid") from exc
    if claims["url"] != f"{bucket}/{path}":
        raise InvalidSignature(f"this {what} link is for another file")
    return claims


def verify(key: bytes, token: str, bucket: str, path: str) -> None:
    claims = _decode(key, token, bucket, path, "download")
    # Tokens from before the purpose claim existed were download links.
    if claims.get("purpose", DOWNLOAD) != DOWNLOAD:
        raise InvalidSignature("this download link is not valid")


def verify_upload(key: bytes, token: str, bucket: str, path: str) -> int:
    """The largest body the upload link allows, or an error for any other token."""
    claims = _decode(key, token, bucket, path, "upload")
    max_bytes = claims.get("max_bytes")
    if claims.get("purpose") != UPLOAD or not isinstance(max_bytes, int) or max_bytes < 1:
        raise InvalidSignature("this upload link is not valid")
    return max_bytes
