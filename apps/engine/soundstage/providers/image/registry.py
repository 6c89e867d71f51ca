"""Image providers by role: the AI provider (``SOUNDSTAGE_IMAGE_PROVIDER``,
local scene art by default) and the stock searches whose keys are set.

Instances are shared per process and configuration (one HTTP client and one
concurrency limit per provider), as the TTS registry does.
"""

from __future__ import annotations

import hashlib
import threading

from soundstage.config import Settings
from soundstage.errors import ValidationFailed
from soundstage.providers.image.base import ImageProvider

_lock = threading.Lock()
_instances: dict[tuple[object, ...], ImageProvider] = {}


def _secret(value: object) -> str:
    get = getattr(value, "get_secret_value", None)
    return str(get()).strip() if get is not None else ""


def _get(fingerprint: tuple[object, ...], factory: object) -> ImageProvider:
    digest = tuple(
        hashlib.sha256(p.encode()).hexdigest() if isinstance(p, str) and i == 1 else p
        for i, p in enumerate(fingerprint)
    )
    with _lock:
        found = _instances.get(digest)
        if found is None:
            assert callable(factory)
            found = _instances[digest] = factory()
    return found


def openai_image_key(s: Settings) -> str:
    return _secret(s.image_api_key) or _secret(s.openai_api_key)


def ai_provider(s: Settings) -> ImageProvider:
    """The provider for generated pictures; ValidationFailed (422) naming the fix
    when the configured one lacks its key."""
    if s.image_provider == "openai":
        key = openai_image_key(s)
        base = s.image_base_url or s.openai_base_url
        if not key and not s.image_base_url:
            raise ValidationFailed(
                "image provider 'openai' is not configured: set SOUNDSTAGE_IMAGE_API_KEY "
                "(or SOUNDSTAGE_OPENAI_API_KEY)"
            )
        from soundstage.providers.image.remote import OpenAIImageProvider

        return _get(
            ("openai", key, base, s.image_model, s.image_timeout_seconds, s.image_concurrency),
            lambda: OpenAIImageProvider(
                model=s.image_model, api_key=key or "not-needed", base_url=base,
                timeout=s.image_timeout_seconds, concurrency=s.image_concurrency,
            ),
        )  # fmt: skip
    if s.image_provider == "stability":
        key = _secret(s.stability_api_key)
        if not key:
            raise ValidationFailed(
                "image provider 'stability' is not configured: set SOUNDSTAGE_STABILITY_API_KEY"
            )
        from soundstage.providers.image.remote import StabilityImageProvider

        return _get(
            ("stability", key, s.stability_base_url, s.image_timeout_seconds, s.image_concurrency),
            lambda: StabilityImageProvider(
                api_key=key, base_url=s.stability_base_url, timeout=s.image_timeout_seconds,
                concurrency=s.image_concurrency,
            ),
        )  # fmt: skip
    return local_provider()


def local_provider() -> ImageProvider:
    from soundstage.providers.image.local import LocalImageProvider

    return _get(("local", ""), LocalImageProvider)


def stock_providers(s: Settings) -> list[ImageProvider]:
    """Pexels then Pixabay, each only when its key is set."""
    from soundstage.providers.image.remote import PexelsImageProvider, PixabayImageProvider

    found: list[ImageProvider] = []
    if key := _secret(s.pexels_api_key):
        found.append(_get(
            ("pexels", key, s.pexels_base_url, s.image_timeout_seconds),
            lambda: PexelsImageProvider(api_key=key, base_url=s.pexels_base_url,
                                        timeout=s.image_timeout_seconds, concurrency=4),
        ))  # fmt: skip
    if key2 := _secret(s.pixabay_api_key):
        found.append(_get(
            ("pixabay", key2, s.pixabay_base_url, s.image_timeout_seconds),
            lambda: PixabayImageProvider(api_key=key2, base_url=s.pixabay_base_url,
                                         timeout=s.image_timeout_seconds, concurrency=4),
        ))  # fmt: skip
    return found
