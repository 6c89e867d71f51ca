"""The remote image providers against a real HTTP server speaking each API's
protocol: OpenAI images (base64), Stability (multipart in, PNG out), Pexels and
Pixabay (search, then the photo), with their failures."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from fake_http import FakeServer, Reply, serve
from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.image import ImageRequest
from soundstage.providers.image.remote import (
    OpenAIImageProvider,
    PexelsImageProvider,
    PixabayImageProvider,
    StabilityImageProvider,
)

REQUEST = ImageRequest(prompt="a lighthouse in a storm, Sarah (brown hair)", width=1080,
                       height=1920, seed=1234, title="The First Sign",
                       keywords=("lighthouse", "storm"), scene_index=1, scene_count=3)  # fmt: skip


@pytest.fixture
def api() -> Iterator[FakeServer]:
    yield from serve()


@pytest.fixture(scope="module")
def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 96), (200, 120, 40)).save(buf, "PNG")
    return buf.getvalue()


def _kw(api: FakeServer) -> dict[str, Any]:
    return {"api_key": "secret-key-abcdef123", "base_url": api.url, "timeout": 5.0,
            "concurrency": 2, "retry_wait": 0.05}  # fmt: skip


async def test_openai_images_base64(api: FakeServer, png: bytes, tmp_path: Path) -> None:
    data = [{"b64_json": base64.b64encode(png).decode()}]
    api.route("POST", "/images/generations", Reply(body={"created": 1, "data": data}))
    got = await OpenAIImageProvider(model="gpt-image-1", **_kw(api)).generate(REQUEST, tmp_path)
    assert got.path.read_bytes() == png and got.provider == "openai:gpt-image-1"
    (sent,) = api.requests("POST", "/images/generations")
    body = sent.json()
    assert body == {"model": "gpt-image-1", "prompt": REQUEST.prompt, "n": 1, "size": "1024x1536"}
    assert sent.headers["authorization"] == "Bearer secret-key-abcdef123"


async def test_dall_e_3_url_answers_are_fetched(
    api: FakeServer, png: bytes, tmp_path: Path
) -> None:
    api.route("POST", "/images/generations", Reply(body={"data": [{"url": f"{api.url}/f.png"}]}))
    api.route("GET", "/f.png", Reply(body=png, headers={"Content-Type": "image/png"}))
    provider = OpenAIImageProvider(model="dall-e-3", **_kw(api))
    got = await provider.generate(REQUEST, tmp_path)
    assert got.path.read_bytes() == png
    body = api.requests("POST", "/images/generations")[0].json()
    assert body["size"] == "1024x1792" and body["response_format"] == "b64_json"


async def test_openai_images_429_goes_to_the_queue(api: FakeServer, tmp_path: Path) -> None:
    api.route("POST", "/images/generations",
              Reply(429, {"error": {"message": "Rate limit"}}, {"Retry-After": "30"}))  # fmt: skip
    provider = OpenAIImageProvider(model="gpt-image-1", **_kw(api))
    with pytest.raises(RetryableError) as caught:
        await provider.generate(REQUEST, tmp_path)
    assert caught.value.retry_after == 30


async def test_openai_images_policy_refusal_is_permanent(api: FakeServer, tmp_path: Path) -> None:
    message = "Your request was rejected by the safety system"
    body = {"error": {"message": message, "code": "content_policy"}}
    api.route("POST", "/images/generations", Reply(400, body))
    provider = OpenAIImageProvider(model="gpt-image-1", **_kw(api))
    with pytest.raises(PermanentError, match="safety system"):
        await provider.generate(REQUEST, tmp_path)


async def test_stability_multipart_with_seed(api: FakeServer, png: bytes, tmp_path: Path) -> None:
    path = "/v2beta/stable-image/generate/core"
    api.route("POST", path, Reply(503, "busy"), Reply(body=png, headers={
        "Content-Type": "image/png", "finish-reason": "SUCCESS", "seed": "1234"}))  # fmt: skip
    got = await StabilityImageProvider(**_kw(api)).generate(REQUEST, tmp_path)
    assert got.path.read_bytes() == png
    sent = api.requests("POST", path)
    assert len(sent) == 2  # the 503 blip was retried inside the call
    assert sent[1].headers["content-type"].startswith("multipart/form-data")
    assert sent[1].headers["accept"] == "image/*"
    form = sent[1].body
    for part in (b'name="prompt"', b'name="aspect_ratio"\r\n\r\n9:16', b'name="seed"\r\n\r\n1234',
                 b'name="output_format"\r\n\r\npng'):  # fmt: skip
        assert part in form


async def test_stability_out_of_credits_is_permanent(api: FakeServer, tmp_path: Path) -> None:
    api.route("POST", "/v2beta/stable-image/generate/core", Reply(402, {
        "id": "x", "name": "payment_required", "errors": ["insufficient credits"]}))  # fmt: skip
    with pytest.raises(PermanentError, match="out of credits"):
        await StabilityImageProvider(**_kw(api)).generate(REQUEST, tmp_path)


async def test_pexels_search_download_and_attribution(
    api: FakeServer, png: bytes, tmp_path: Path
) -> None:
    photos = [{"id": i, "url": f"https://www.pexels.com/photo/{i}/", "photographer": f"Ann {i}",
               "photographer_url": f"https://www.pexels.com/@ann{i}",
               "src": {"large2x": f"{api.url}/photos/{i}.png"}} for i in range(3)]  # fmt: skip
    api.route("GET", "/v1/search", Reply(body={"page": 1, "per_page": 15, "photos": photos}))
    for i in range(3):
        api.route("GET", f"/photos/{i}.png", Reply(body=png, headers={"Content-Type": "image/png"}))
    got = await PexelsImageProvider(**_kw(api)).generate(REQUEST, tmp_path)
    assert got.provider == "pexels" and got.attribution is not None
    assert got.attribution["source"] == "Pexels"
    assert got.attribution["text"].startswith("Photo by Ann ")
    search = api.requests("GET", "/v1/search")[0]
    assert search.headers["authorization"] == "secret-key-abcdef123"  # no "Bearer"
    assert search.query == {"query": ["lighthouse storm"], "orientation": ["portrait"],
                            "per_page": ["15"]}  # fmt: skip
    again = await PexelsImageProvider(**_kw(api)).generate(REQUEST, tmp_path)
    assert again.attribution == got.attribution  # the same scene gets the same photo


async def test_pexels_nothing_found_is_permanent(api: FakeServer, tmp_path: Path) -> None:
    api.route("GET", "/v1/search", Reply(body={"photos": []}))
    with pytest.raises(PermanentError, match="no photos"):
        await PexelsImageProvider(**_kw(api)).generate(REQUEST, tmp_path)


async def test_pixabay_key_in_query_and_scrubbed(
    api: FakeServer, png: bytes, tmp_path: Path
) -> None:
    hits = [{"id": 7, "pageURL": "https://pixabay.com/photos/7", "user": "bob",
             "largeImageURL": f"{api.url}/get/7.png"}]  # fmt: skip
    api.route("GET", "/api/", Reply(body={"total": 1, "totalHits": 1, "hits": hits}))
    api.route("GET", "/get/7.png", Reply(body=png, headers={"Content-Type": "image/png"}))
    got = await PixabayImageProvider(**_kw(api)).generate(REQUEST, tmp_path)
    assert got.attribution == {"source": "Pixabay", "license": "Pixabay Content License",
                               "photographer": "bob", "url": "https://pixabay.com/photos/7",
                               "text": "Image by bob from Pixabay"}  # fmt: skip
    query = api.requests("GET", "/api/")[0].query
    assert query["key"] == ["secret-key-abcdef123"] and query["orientation"] == ["vertical"]

    api.route("GET", "/api/", Reply(400, "[ERROR 400] Invalid key secret-key-abcdef123"))
    with pytest.raises(PermanentError) as caught:
        await PixabayImageProvider(**_kw(api)).generate(REQUEST, tmp_path)
    assert "secret-key-abcdef123" not in caught.value.message


async def test_a_non_image_answer_is_permanent(api: FakeServer, tmp_path: Path) -> None:
    html = Reply(body=b"<html>captive portal</html>", headers={"Content-Type": "text/html"})
    api.route("POST", "/v2beta/stable-image/generate/core", html)
    with pytest.raises(PermanentError, match="not an image"):
        await StabilityImageProvider(**_kw(api)).generate(REQUEST, tmp_path)
