"""The remote image providers: OpenAI images (and compatible endpoints),
Stability, and stock search on Pexels and Pixabay.

They share the engine's remote-provider HTTP base (one client and one
concurrency limit per provider, quick tenacity retries for blips, Retry-After
honoured, 429/5xx -> RetryableError, refused keys and requests ->
PermanentError with the API's own words, keys scrubbed).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path
from typing import Any, ClassVar

import httpx

from soundstage.errors import PermanentError, PipelineError
from soundstage.providers.base import provider_call
from soundstage.providers.http import RemoteProvider
from soundstage.providers.image.base import (
    GeneratedImage,
    ImageRequest,
    new_image_path,
    sniff_suffix,
)

MAX_IMAGE_BYTES = 40_000_000


class _RemoteImageProvider(RemoteProvider):
    """The engine's shared HTTP base, plus saving what came back."""

    def _save(self, data: bytes, out_dir: Path) -> Path:
        suffix = sniff_suffix(data)
        if suffix is None:
            raise PermanentError(f"{self.label} returned something that is not an image")
        if len(data) > MAX_IMAGE_BYTES:
            raise PermanentError(f"{self.label} returned an image over {MAX_IMAGE_BYTES} bytes")
        target = new_image_path(out_dir, self.name, suffix)
        target.write_bytes(data)
        return target

    async def _download(self, url: str) -> bytes:
        resp = await self.send("GET", url, headers={"Accept": "image/*"})
        return resp.content


class OpenAIImageProvider(_RemoteImageProvider):
    """``POST {base}/images/generations``: gpt-image-1 answers base64 PNG;
    dall-e-2/3 are asked for ``b64_json`` too (a ``url`` answer is fetched)."""

    name = "openai"
    label = "OpenAI images"
    key_env = "SOUNDSTAGE_IMAGE_API_KEY"
    SIZES: ClassVar[dict[str, dict[str, str]]] = {
        "gpt": {"9:16": "1024x1536", "16:9": "1536x1024", "1:1": "1024x1024"},
        "dall-e-3": {"9:16": "1024x1792", "16:9": "1792x1024", "1:1": "1024x1024"},
    }

    def __init__(self, *, model: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}

    async def generate(self, request: ImageRequest, out_dir: Path) -> GeneratedImage:
        sizes = self.SIZES["dall-e-3" if self.model == "dall-e-3" else "gpt"]
        body: dict[str, Any] = {"model": self.model, "prompt": request.prompt[:4000], "n": 1,
                                "size": sizes[request.aspect]}  # fmt: skip
        if self.model.startswith("dall-e"):
            body["response_format"] = "b64_json"
        async with self.slots(), provider_call(self.name):
            resp = await self.send("POST", f"{self.base_url}/images/generations", json=body)
            try:
                item = resp.json()["data"][0]
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise PermanentError(f"{self.label} answered without an image") from exc
            if item.get("b64_json"):
                try:
                    data = base64.b64decode(item["b64_json"], validate=True)
                except (binascii.Error, ValueError) as exc:
                    raise PermanentError(f"{self.label} sent a broken image") from exc
            elif item.get("url"):
                data = await self._download(str(item["url"]))
            else:
                raise PermanentError(f"{self.label} answered without an image")
        return GeneratedImage(path=self._save(data, out_dir), provider=f"openai:{self.model}")


class StabilityImageProvider(_RemoteImageProvider):
    """Stable Image Core: ``POST /v2beta/stable-image/generate/core``, multipart
    form, ``Accept: image/*`` -> the PNG itself; errors are JSON
    ``{"name", "errors": [...]}``."""

    name = "stability"
    label = "Stability AI"
    key_env = "SOUNDSTAGE_STABILITY_API_KEY"

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}

    def _classify(self, resp: httpx.Response, body: Any, voice: str | None) -> PipelineError | None:
        errors = body.get("errors") if isinstance(body, dict) else None
        message = self.scrub("; ".join(str(e) for e in errors)) if isinstance(errors, list) else ""
        if resp.status_code == 402:
            return PermanentError(f"{self.label}: the account is out of credits")
        if resp.status_code in (400, 403, 413, 422) and message:
            return PermanentError(f"{self.label} refused the request: {message}")
        return None

    async def generate(self, request: ImageRequest, out_dir: Path) -> GeneratedImage:
        fields = {"prompt": request.prompt[:10000], "aspect_ratio": request.aspect,
                  "seed": str(request.seed % 4294967295), "output_format": "png",
                  "negative_prompt": request.negative_prompt}  # fmt: skip
        async with self.slots(), provider_call(self.name):
            resp = await self.send(
                "POST",
                f"{self.base_url}/v2beta/stable-image/generate/core",
                data=fields,
                files={"none": (None, b"")},  # force multipart/form-data, as the API wants
                headers={"Accept": "image/*"},
            )
        if resp.headers.get("finish-reason", "SUCCESS") == "CONTENT_FILTERED":
            raise PermanentError(f"{self.label} filtered the image for scene "
                                 f"{request.scene_index + 1}; try a different topic")  # fmt: skip
        return GeneratedImage(path=self._save(resp.content, out_dir), provider="stability")


def _query(request: ImageRequest) -> str:
    words = list(request.keywords) or [request.title]
    return " ".join(words)[:100].strip() or "landscape"


def _pick(count: int, request: ImageRequest) -> int:
    """The same photo for the same scene on a retry; different scenes differ."""
    digest = hashlib.sha256(f"{request.seed}:{request.scene_index}".encode()).digest()
    return (request.scene_index + digest[0]) % count


class PexelsImageProvider(_RemoteImageProvider):
    """``GET /v1/search?query&orientation&per_page`` with ``Authorization: <key>``;
    the photo is fetched from ``src.large2x``. Attribution: photographer and page."""

    name = "pexels"
    label = "Pexels"
    key_env = "SOUNDSTAGE_PEXELS_API_KEY"

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": self._api_key}

    async def generate(self, request: ImageRequest, out_dir: Path) -> GeneratedImage:
        orientation = {"9:16": "portrait", "16:9": "landscape", "1:1": "square"}[request.aspect]
        async with self.slots(), provider_call(self.name):
            resp = await self.send("GET", f"{self.base_url}/v1/search", params={
                "query": _query(request), "orientation": orientation, "per_page": 15})  # fmt: skip
            photos = (resp.json() or {}).get("photos") or []
            if not photos:
                raise PermanentError(f"Pexels found no photos for {_query(request)!r}")
            photo = photos[_pick(len(photos), request)]
            src = photo.get("src") or {}
            url = src.get("large2x") or src.get("original") or src.get("large")
            if not url:
                raise PermanentError("Pexels answered a photo without a file")
            data = await self.send("GET", str(url), headers={"Accept": "image/*"})
        attribution = {
            "source": "Pexels", "license": "Pexels License",
            "photographer": str(photo.get("photographer", "")),
            "photographer_url": str(photo.get("photographer_url", "")),
            "url": str(photo.get("url", "")),
            "text": f"Photo by {photo.get('photographer', 'unknown')} on Pexels",
        }  # fmt: skip
        return GeneratedImage(self._save(data.content, out_dir), "pexels", attribution)


class PixabayImageProvider(_RemoteImageProvider):
    """``GET /api/?key&q&image_type=photo&orientation&safesearch=true``; the key is
    a query parameter (scrubbed from any message). Attribution: user and page."""

    name = "pixabay"
    label = "Pixabay"
    key_env = "SOUNDSTAGE_PIXABAY_API_KEY"

    def _auth_headers(self) -> dict[str, str]:
        return {}

    async def generate(self, request: ImageRequest, out_dir: Path) -> GeneratedImage:
        orientation = {"9:16": "vertical", "16:9": "horizontal", "1:1": "all"}[request.aspect]
        async with self.slots(), provider_call(self.name):
            resp = await self.send("GET", f"{self.base_url}/api/", params={
                "key": self._api_key, "q": _query(request), "image_type": "photo",
                "orientation": orientation, "safesearch": "true", "per_page": 20})  # fmt: skip
            hits = (resp.json() or {}).get("hits") or []
            if not hits:
                raise PermanentError(f"Pixabay found no photos for {_query(request)!r}")
            hit = hits[_pick(len(hits), request)]
            url = hit.get("largeImageURL") or hit.get("webformatURL")
            if not url:
                raise PermanentError("Pixabay answered a photo without a file")
            data = await self.send("GET", str(url), headers={"Accept": "image/*"})
        attribution = {
            "source": "Pixabay", "license": "Pixabay Content License",
            "photographer": str(hit.get("user", "")), "url": str(hit.get("pageURL", "")),
            "text": f"Image by {hit.get('user', 'unknown')} from Pixabay",
        }  # fmt: skip
        return GeneratedImage(self._save(data.content, out_dir), "pixabay", attribution)
