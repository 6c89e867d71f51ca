"""The scene-image contract: a prompt (and, for stock search, keywords) in, one
picture file out, with where it came from for the job's report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    # The frame the picture will fill; a provider picks its nearest supported size
    # and the compositor covers the frame with it.
    width: int
    height: int
    # Fixed per job and character set (character consistency): providers that take
    # a seed get the same one for every scene.
    seed: int
    style: str = "cinematic"
    story_type: str = "mystery"
    title: str = ""
    characters: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    scene_index: int = 0
    scene_count: int = 1
    negative_prompt: str = "text, watermark, logo, blurry, deformed"

    @property
    def aspect(self) -> str:
        if abs(self.width - self.height) < 0.05 * max(self.width, self.height):
            return "1:1"
        return "9:16" if self.height > self.width else "16:9"


@dataclass(frozen=True)
class GeneratedImage:
    path: Path
    provider: str
    # Stock photos: who made it and where it lives (kept in the report, as the
    # stock sites' licences ask). None for generated pictures.
    attribution: dict[str, str] | None = None


class ImageProvider(Protocol):
    name: str
    concurrency: int

    async def generate(self, request: ImageRequest, out_dir: Path) -> GeneratedImage: ...


def new_image_path(out_dir: Path, provider: str, suffix: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"image-{provider}-{uuid.uuid4().hex[:12]}.{suffix.lstrip('.')}"


def sniff_suffix(data: bytes) -> str | None:
    """png / jpg / webp from the first bytes; None when it is none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None
