"""Signed download tokens, shaped like Supabase Storage's.

The token is a JWT whose ``url`` claim is ``{bucket}/{path}``, as Supabase
issues for ``/storage/v1/object/sign/{bucket}/{path}?token=...``. The key is
derived from the engine's secret so a storage token can never pass as an
access token (and the other way round).
"""

from __future__ import annotations

import hashlib
import hmac
import time

import jwt

from soundstage.errors import InvalidSignature


def derive_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"soundstage/storage-url/v1", hashlib.sha256).digest()


def sign(key: bytes, bucket: str, path: str, expires_in: int) -> tuple[str, int]:
    now = int(time.time())
    exp = now + expires_in
    token = jwt.encode({"url": f"{bucket}/{path}", "iat": now, "exp": exp}, key, algorithm="HS256")
    return token, exp


def verify(key: bytes, token: str, bucket: str, path: str) -> None:
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "url"]})
    except jwt.ExpiredSignatureError as exc:
        raise InvalidSignature("this download link has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidSignature("this download link is not valid") from exc
    if claims["url"] != f"{bucket}/{path}":
        raise InvalidSignature("this download link is for another file")
