"""The image registry: provider names to shared instances (see
:mod:`soundstage.providers.registry`).

``local`` (Pillow scene art) is always available; ``openai`` once an images key
(or the OpenAI key) or an images base URL is set; ``stability``, ``pexels`` and
``pixabay`` once their keys are. A video's pictures come from the provider
named by ``SOUNDSTAGE_IMAGE_PROVIDER`` (:func:`ai_provider`); stock search uses
whichever of Pexels and Pixabay is configured (:func:`stock_providers`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from soundstage.config import Settings
from soundstage.providers.image.base import ImageProvider
from soundstage.providers.registry import Family, ProviderRegistry, secret_value

PROVIDER_NAMES = ("local", "openai", "stability", "pexels", "pixabay")
DEFAULT_PROVIDER = "local"
STOCK = ("pexels", "pixabay")
SETTING_FOR = {
    "openai": "SOUNDSTAGE_IMAGE_API_KEY (or SOUNDSTAGE_OPENAI_API_KEY)",
    "stability": "SOUNDSTAGE_STABILITY_API_KEY",
    "pexels": "SOUNDSTAGE_PEXELS_API_KEY",
    "pixabay": "SOUNDSTAGE_PIXABAY_API_KEY",
}


def openai_image_key(s: Settings) -> str:
    return secret_value(s.image_api_key) or secret_value(s.openai_api_key)


def _key(name: str, s: Settings) -> str:
    if name == "openai":
        return openai_image_key(s)
    return secret_value(
        {"stability": s.stability_api_key, "pexels": s.pexels_api_key,
         "pixabay": s.pixabay_api_key}.get(name)
    )  # fmt: skip


def _configured(name: str, s: Settings) -> bool:
    if name == "local":
        return True
    if name == "openai":  # a local compatible server may need no key
        return bool(openai_image_key(s) or s.image_base_url)
    return bool(_key(name, s))


def _base_url(name: str, s: Settings) -> str:
    return {
        "openai": s.image_base_url or s.openai_base_url,
        "stability": s.stability_base_url,
        "pexels": s.pexels_base_url,
        "pixabay": s.pixabay_base_url,
    }[name]


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    if name == "local":
        return (name,)
    digest = hashlib.sha256(_key(name, s).encode()).hexdigest()  # never the key itself
    return (name, digest, _base_url(name, s), s.image_model, s.image_timeout_seconds,
            s.image_concurrency)  # fmt: skip


def _build(name: str, s: Settings) -> ImageProvider:
    # Imports here: local art must not pull in the HTTP providers.
    if name == "local":
        from soundstage.providers.image.local import LocalImageProvider

        return LocalImageProvider()
    from soundstage.providers.image import remote

    common: dict[str, Any] = {
        "api_key": _key(name, s) or "not-needed",
        "base_url": _base_url(name, s),
        "timeout": s.image_timeout_seconds,
        "concurrency": s.image_concurrency,
    }
    if name == "openai":
        return remote.OpenAIImageProvider(model=s.image_model, **common)
    if name == "stability":
        return remote.StabilityImageProvider(**common)
    if name == "pexels":
        return remote.PexelsImageProvider(**common)
    return remote.PixabayImageProvider(**common)


REGISTRY: ProviderRegistry[ImageProvider] = ProviderRegistry(
    Family(
        label="image",
        names=PROVIDER_NAMES,
        default=DEFAULT_PROVIDER,
        setting_for=SETTING_FOR,
        configured=_configured,
        fingerprint=_fingerprint,
        build=_build,
    )
)

configured_providers = REGISTRY.configured_providers
get_provider = REGISTRY.get  # 422 for an unknown or unconfigured provider
registered_instances = REGISTRY.instances


def ai_provider(s: Settings) -> ImageProvider:
    """The provider for generated pictures (``SOUNDSTAGE_IMAGE_PROVIDER``); a
    422 naming the setting when it is not configured."""
    return get_provider(s.image_provider, s)


def ai_provider_for_job(s: Settings) -> ImageProvider:
    """:func:`ai_provider` inside a job: a worker configured differently from the
    API that admitted the job fails it as ``provider_not_configured``."""
    return REGISTRY.for_job(s.image_provider, s)


def local_provider(s: Settings) -> ImageProvider:
    return get_provider(DEFAULT_PROVIDER, s)


def stock_providers(s: Settings) -> list[ImageProvider]:
    """Pexels then Pixabay, each only when its key is set."""
    return [get_provider(n, s) for n in STOCK if _configured(n, s)]
