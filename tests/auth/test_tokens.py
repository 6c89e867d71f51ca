"""Bearer tokens: every bad token is a 401 with the same envelope, through the
real API; Supabase JWKS verification against a respx-served key set."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.auth import tokens
from soundstage.auth.tokens import LOCAL_ISSUER, TokenVerifier
from soundstage.config import Settings
from soundstage.errors import Unauthorized
from support import MakeUser


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(user_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "email": "someone@example.com",
        "aud": "authenticated",
        "role": "authenticated",
        "iss": LOCAL_ISSUER,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _hs256(settings: Settings, claims: dict[str, Any], algorithm: str = "HS256") -> str:
    return jwt.encode(claims, settings.local_jwt_secret(), algorithm=algorithm)


def _assert_unauthorized(r: httpx.Response) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "unauthorized"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


# ---------------------------------------------------------------- via the API


async def test_a_valid_local_token_is_accepted(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user()
    r = await client.get("/v1/jobs", headers=user.headers)
    assert r.status_code == 200, r.text
    # A hand-made token with the same claims is just as good.
    token = _hs256(settings, _claims(user.id))
    r = await client.get("/v1/jobs", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text


def _bad_tokens(settings: Settings, user_id: uuid.UUID) -> dict[str, str]:
    now = int(time.time())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    none_header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    none_payload = _b64(json.dumps(_claims(user_id)).encode())
    none_upper = _b64(json.dumps({"alg": "None", "typ": "JWT"}).encode())
    return {
        "expired": _hs256(settings, _claims(user_id, iat=now - 7200, exp=now - 3600)),
        "not yet valid": _hs256(settings, _claims(user_id, nbf=now + 3600)),
        "wrong audience": _hs256(settings, _claims(user_id, aud="somebody-else")),
        "no audience": _hs256(settings, _claims(user_id, aud=None)),
        "wrong issuer": _hs256(settings, _claims(user_id, iss="https://evil.example/auth/v1")),
        "no expiry": _hs256(settings, _claims(user_id, exp=None)),
        "wrong signature": jwt.encode(_claims(user_id), "not-the-secret-" * 4, algorithm="HS256"),
        "alg none": f"{none_header}.{none_payload}.",
        "alg None": f"{none_upper}.{none_payload}.",
        "HS512 with the right secret": _hs256(settings, _claims(user_id), algorithm="HS512"),
        "RS256 without a JWKS": jwt.encode(
            _claims(user_id), rsa_key, algorithm="RS256", headers={"kid": "k1"}
        ),
        "missing sub": _hs256(settings, _claims(user_id, sub=None)),
        "non-UUID sub": _hs256(settings, _claims(user_id, sub="not-a-uuid")),
        "empty sub": _hs256(settings, _claims(user_id, sub="")),
        "garbage": "garbage",
        "three garbage parts": "a.b.c",
        "header is a JSON list": f"{_b64(b'[1,2]')}.{none_payload}.",
        "empty": "",
    }


async def test_bad_tokens_are_401_with_the_envelope(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user()
    for name, token in _bad_tokens(settings, user.id).items():
        r = await client.get("/v1/jobs", headers={"Authorization": f"Bearer {token}"})
        try:
            _assert_unauthorized(r)
        except AssertionError as exc:  # pragma: no cover - names the failing case
            raise AssertionError(f"{name}: {exc}") from exc


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing header"),
        pytest.param({"Authorization": ""}, id="empty header"),
        pytest.param({"Authorization": "Bearer"}, id="scheme only"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="basic scheme"),
        pytest.param({"Authorization": "Token abc"}, id="other scheme"),
    ],
)
async def test_missing_or_non_bearer_credentials_are_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    _assert_unauthorized(await client.get("/v1/jobs", headers=headers))


async def test_a_valid_token_in_the_wrong_scheme_is_401(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    _assert_unauthorized(
        await client.get("/v1/jobs", headers={"Authorization": f"Basic {user.token}"})
    )


async def test_a_storage_url_token_is_not_an_access_token(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    # Signed-URL tokens use a key derived from the same secret; never interchangeable.
    from soundstage.storage import signing

    user = await make_user()
    key = signing.derive_key(settings.local_jwt_secret())
    forged = jwt.encode(_claims(user.id), key, algorithm="HS256")
    _assert_unauthorized(
        await client.get("/v1/jobs", headers={"Authorization": f"Bearer {forged}"})
    )


# ------------------------------------------------------- TokenVerifier + JWKS

PROJECT = "https://proj.supabase.co"
JWKS_URL = f"{PROJECT}/auth/v1/.well-known/jwks.json"
ISSUER = f"{PROJECT}/auth/v1"


class Clock:
    """Stands in for the ``time`` module inside ``soundstage.auth.tokens`` only,
    so tests can step past the JWKS rate-limit window without sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def time(self) -> float:
        return time.time()

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(tokens, "time", fake)
    return fake


@pytest.fixture
def supabase_settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        data_dir=tmp_path,
        database_url="postgresql://unused",
        supabase_url=PROJECT,
        supabase_jwt_secret=None,
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as c:
        yield c


@pytest.fixture
def mock_jwks() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


class SigningKey:
    def __init__(self, alg: str, kid: str) -> None:
        self.alg = alg
        self.kid = kid
        self.private: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
        jwk: dict[str, Any]
        if alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            jwk = dict(ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True))
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = dict(RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True))
        self.jwk = {**jwk, "kid": kid, "alg": alg, "use": "sig"}

    def token(self, user_id: uuid.UUID, **overrides: Any) -> str:
        claims = _claims(user_id, **{"iss": ISSUER, **overrides})
        return jwt.encode(claims, self.private, algorithm=self.alg, headers={"kid": self.kid})


def _jwks(*keys: SigningKey) -> httpx.Response:
    return httpx.Response(200, json={"keys": [k.jwk for k in keys]})


@pytest.fixture(scope="module")
def es_key() -> SigningKey:
    return SigningKey("ES256", "es-1")


@pytest.fixture(scope="module")
def rs_key() -> SigningKey:
    return SigningKey("RS256", "rs-1")


async def test_jwks_tokens_are_accepted(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    es_key: SigningKey,
    rs_key: SigningKey,
) -> None:
    route = mock_jwks.get(JWKS_URL).mock(return_value=_jwks(es_key, rs_key))
    verifier = TokenVerifier(supabase_settings, http)
    assert set(verifier.algorithms) == {"HS256", "ES256", "RS256"}
    user_id = uuid.uuid4()
    for key in (es_key, rs_key):
        principal = await verifier.verify(key.token(user_id, email="a@example.com"))
        assert principal.user_id == user_id
        assert principal.email == "a@example.com"
        assert principal.claims["iss"] == ISSUER
    assert route.call_count == 1  # cached between tokens


async def test_jwks_tokens_with_wrong_claims_are_refused(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    es_key: SigningKey,
) -> None:
    mock_jwks.get(JWKS_URL).mock(return_value=_jwks(es_key))
    verifier = TokenVerifier(supabase_settings, http)
    user_id = uuid.uuid4()
    now = int(time.time())
    bad = {
        "wrong issuer": es_key.token(user_id, iss="https://other.supabase.co/auth/v1"),
        "local issuer": es_key.token(user_id, iss=LOCAL_ISSUER),
        "wrong audience": es_key.token(user_id, aud="anon"),
        "expired": es_key.token(user_id, exp=now - 3600),
        "no kid": jwt.encode(_claims(user_id, iss=ISSUER), es_key.private, algorithm="ES256"),
        "signed by a stranger with a known kid": SigningKey("ES256", es_key.kid).token(user_id),
        # The header says RS256 but the kid names the EC key: no algorithm confusion.
        "alg does not match the key": jwt.encode(
            _claims(user_id, iss=ISSUER),
            SigningKey("RS256", "x").private,
            algorithm="RS256",
            headers={"kid": es_key.kid},
        ),
    }
    for name, token in bad.items():
        with pytest.raises(Unauthorized):
            await verifier.verify(token)
            pytest.fail(f"{name} was accepted")


async def test_hs256_with_the_configured_secret_still_works_with_jwks(
    tmp_path: Path, http: httpx.AsyncClient, mock_jwks: respx.MockRouter
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        data_dir=tmp_path,
        database_url="postgresql://unused",
        supabase_url=PROJECT,
        supabase_jwt_secret="legacy-secret-" * 4,
    )
    route = mock_jwks.get(JWKS_URL).mock(return_value=httpx.Response(200, json={"keys": []}))
    verifier = TokenVerifier(settings, http)
    user_id = uuid.uuid4()
    token = jwt.encode(_claims(user_id, iss=ISSUER), "legacy-secret-" * 4, algorithm="HS256")
    assert (await verifier.verify(token)).user_id == user_id
    assert route.call_count == 0  # HS256 never needs the key set
    with pytest.raises(Unauthorized):
        await verifier.verify(
            jwt.encode(_claims(user_id, iss=ISSUER), "other-secret-" * 4, algorithm="HS256")
        )


async def test_key_rotation_is_picked_up_without_a_restart(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    clock: Clock,
    es_key: SigningKey,
) -> None:
    route = mock_jwks.get(JWKS_URL).mock(return_value=_jwks(es_key))
    verifier = TokenVerifier(supabase_settings, http)
    user_id = uuid.uuid4()
    assert (await verifier.verify(es_key.token(user_id))).user_id == user_id

    # Supabase rotates: the endpoint now serves a new key (and keeps the old one).
    new_key = SigningKey("ES256", "es-2")
    route.mock(return_value=_jwks(new_key, es_key))
    clock.advance(31)  # past the unknown-kid rate limit, well within the cache TTL
    assert (await verifier.verify(new_key.token(user_id))).user_id == user_id
    assert (await verifier.verify(es_key.token(user_id))).user_id == user_id
    assert route.call_count == 2

    # Later the old key is withdrawn; once the cache expires, its tokens stop working.
    route.mock(return_value=_jwks(new_key))
    clock.advance(supabase_settings.jwks_cache_seconds + 1)
    with pytest.raises(Unauthorized):
        await verifier.verify(es_key.token(user_id))
    assert (await verifier.verify(new_key.token(user_id))).user_id == user_id
    assert route.call_count == 3


async def test_unknown_kid_flood_refetches_at_most_once_per_window(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    clock: Clock,
    es_key: SigningKey,
) -> None:
    route = mock_jwks.get(JWKS_URL).mock(return_value=_jwks(es_key))
    verifier = TokenVerifier(supabase_settings, http)
    user_id = uuid.uuid4()
    await verifier.verify(es_key.token(user_id))
    assert route.call_count == 1

    forged = [SigningKey("ES256", f"forged-{i}").token(user_id) for i in range(3)]

    async def attempt(token: str) -> None:
        with pytest.raises(Unauthorized):
            await verifier.verify(token)

    # Within the window right after a fetch: no request at all.
    await asyncio.gather(*(attempt(forged[i % 3]) for i in range(50)))
    assert route.call_count == 1

    # After the window: fifty concurrent forged tokens cost exactly one request.
    clock.advance(31)
    await asyncio.gather(*(attempt(forged[i % 3]) for i in range(50)))
    assert route.call_count == 2
    for i in range(50):
        await attempt(forged[i % 3])
    assert route.call_count == 2

    # The real key keeps working throughout.
    assert (await verifier.verify(es_key.token(user_id))).user_id == user_id


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(httpx.Response(503, text="upstream down"), id="503"),
        pytest.param(httpx.Response(200, text="<html>captive portal</html>"), id="not-json"),
        pytest.param(httpx.Response(200, json=["not", "an", "object"]), id="json-list"),
        pytest.param(httpx.Response(200, json={"keys": "nope"}), id="keys-not-a-list"),
        pytest.param(
            httpx.Response(200, json={"keys": [{"kid": "es-1", "alg": "ES256", "kty": "EC"}]}),
            id="broken-key",
        ),
        pytest.param(httpx.ConnectError("connection refused"), id="connect-error"),
        pytest.param(httpx.ReadTimeout("timed out"), id="timeout"),
    ],
)
async def test_jwks_unavailable_without_cached_keys_is_401_not_500(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    es_key: SigningKey,
    failure: httpx.Response | Exception,
) -> None:
    route = mock_jwks.get(JWKS_URL)
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)
    verifier = TokenVerifier(supabase_settings, http)
    with pytest.raises(Unauthorized):
        await verifier.verify(es_key.token(uuid.uuid4()))
    assert route.call_count == 1


async def test_jwks_outage_keeps_the_cached_keys(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    clock: Clock,
    es_key: SigningKey,
) -> None:
    route = mock_jwks.get(JWKS_URL).mock(return_value=_jwks(es_key))
    verifier = TokenVerifier(supabase_settings, http)
    user_id = uuid.uuid4()
    await verifier.verify(es_key.token(user_id))
    route.mock(return_value=httpx.Response(500))
    clock.advance(supabase_settings.jwks_cache_seconds + 1)  # cache stale, refresh fails
    assert (await verifier.verify(es_key.token(user_id))).user_id == user_id
    assert route.call_count == 2


async def test_jwks_outage_through_the_api_is_401(
    settings: Settings, mock_jwks: respx.MockRouter, es_key: SigningKey
) -> None:
    """A real app configured for Supabase whose JWKS endpoint is down."""
    mock_jwks.get(JWKS_URL).mock(side_effect=httpx.ConnectError("down"))
    app = create_app(settings.model_copy(update={"supabase_url": PROJECT}), pipelines=TEST_KINDS)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        r = await c.get(
            "/v1/jobs", headers={"Authorization": f"Bearer {es_key.token(uuid.uuid4())}"}
        )
    _assert_unauthorized(r)


async def test_one_unusable_key_does_not_hide_the_others(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    es_key: SigningKey,
) -> None:
    broken = {"kid": "broken", "alg": "ES256", "kty": "EC", "crv": "P-256"}
    mock_jwks.get(JWKS_URL).mock(
        return_value=httpx.Response(
            200, json={"keys": [broken, "junk", {"kid": 7, "alg": "ES256"}, es_key.jwk]}
        )
    )
    verifier = TokenVerifier(supabase_settings, http)
    user_id = uuid.uuid4()
    assert (await verifier.verify(es_key.token(user_id))).user_id == user_id


# ------------------------------------------------------ the verified-token cache


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token PyJWT fully verifies (a cache hit does not get here)."""
    seen: list[str] = []
    real = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(tokens.jwt, "decode", counting)
    return seen


async def test_a_verified_token_is_reused_until_it_expires(
    settings: Settings, decodes: list[str]
) -> None:
    verifier = TokenVerifier(settings.model_copy(update={"jwt_leeway_seconds": 0}))
    user_id = uuid.uuid4()
    exp = int(time.time()) + 2
    token = _hs256(settings, _claims(user_id, exp=exp))
    for _ in range(3):
        assert (await verifier.verify(token)).user_id == user_id
    assert decodes == [token]  # verified once, then served from the cache

    await asyncio.sleep(max(0.0, exp - time.time()) + 0.05)
    with pytest.raises(Unauthorized, match="expired"):
        await verifier.verify(token)
    with pytest.raises(Unauthorized, match="expired"):
        await verifier.verify(token)
    assert decodes == [token] * 3  # refusals are verified every time, never cached


async def test_a_cached_entry_never_outlives_exp_even_within_the_leeway(
    settings: Settings, decodes: list[str]
) -> None:
    # Past exp but inside the 30 s leeway: PyJWT accepts it, each time afresh.
    verifier = TokenVerifier(settings.model_copy(update={"jwt_leeway_seconds": 30}))
    user_id = uuid.uuid4()
    token = _hs256(settings, _claims(user_id, exp=int(time.time()) - 5))
    assert (await verifier.verify(token)).user_id == user_id
    assert (await verifier.verify(token)).user_id == user_id
    assert decodes == [token, token]


async def test_a_tampered_copy_of_a_cached_token_is_refused(
    settings: Settings, decodes: list[str]
) -> None:
    verifier = TokenVerifier(settings)
    user_id = uuid.uuid4()
    token = _hs256(settings, _claims(user_id))
    assert (await verifier.verify(token)).user_id == user_id

    header, payload, signature = token.split(".")
    other = _b64(json.dumps(_claims(uuid.uuid4())).encode())
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for tampered in (f"{header}.{other}.{signature}", f"{header}.{payload}.{flipped}"):
        with pytest.raises(Unauthorized):
            await verifier.verify(tampered)
    assert (await verifier.verify(token)).user_id == user_id
    assert decodes == [token, f"{header}.{other}.{signature}", f"{header}.{payload}.{flipped}"]


async def test_the_cache_is_bounded_and_drops_the_least_recently_used(
    settings: Settings, decodes: list[str]
) -> None:
    verifier = TokenVerifier(settings, cache_size=3)
    issued = [_hs256(settings, _claims(uuid.uuid4())) for _ in range(5)]
    for token in issued:
        await verifier.verify(token)
    assert len(verifier._cache) == 3
    decodes.clear()
    await verifier.verify(issued[4])  # among the 3 most recent: a hit
    assert decodes == []
    await verifier.verify(issued[0])  # the oldest was dropped: verified again
    assert decodes == [issued[0]]
    assert len(verifier._cache) == 3


async def test_a_cached_jwks_token_stops_when_its_key_is_withdrawn(
    supabase_settings: Settings,
    http: httpx.AsyncClient,
    mock_jwks: respx.MockRouter,
    clock: Clock,
    es_key: SigningKey,
) -> None:
    route = mock_jwks.get(JWKS_URL).mock(return_value=_jwks(es_key))
    verifier = TokenVerifier(supabase_settings, http)
    user_id = uuid.uuid4()
    token = es_key.token(user_id)
    assert (await verifier.verify(token)).user_id == user_id
    assert (await verifier.verify(token)).user_id == user_id
    assert route.call_count == 1

    # The same token string, once the refreshed key set no longer holds its key.
    route.mock(return_value=_jwks(SigningKey("ES256", "es-2")))
    clock.advance(supabase_settings.jwks_cache_seconds + 1)
    with pytest.raises(Unauthorized):
        await verifier.verify(token)
    assert route.call_count == 2
