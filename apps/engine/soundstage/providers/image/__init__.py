"""Scene images for story videos: local Pillow scene art (the default), OpenAI
images, Stability, and stock search (Pexels, Pixabay)."""

from soundstage.providers.image.base import GeneratedImage, ImageProvider, ImageRequest
from soundstage.providers.image.registry import ai_provider, local_provider, stock_providers

__all__ = [
    "GeneratedImage",
    "ImageProvider",
    "ImageRequest",
    "ai_provider",
    "local_provider",
    "stock_providers",
]
