"""Local scene art: the requested size, composed per story type and style."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from soundstage.providers.image import ImageRequest
from soundstage.providers.image.local import PALETTES, LocalImageProvider, render_scene

STYLES = ("cinematic", "anime", "watercolor", "photographic", "comic", "minimal")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("story_type", sorted(PALETTES))
def test_every_story_type_and_style_renders(story_type: str, style: str) -> None:
    pic = render_scene(ImageRequest("x", 270, 480, seed=3, style=style, story_type=story_type,
                                    title="The First Sign", characters=("Sarah",)))  # fmt: skip
    assert pic.size == (270, 480) and pic.mode == "RGB"
    arr = np.asarray(pic).astype(float)
    assert arr.std() > 10  # a picture, not a flat card


def test_palettes_differ_and_scenes_differ() -> None:
    def mean(story_type: str, index: int = 0) -> np.ndarray:
        pic = render_scene(ImageRequest("x", 160, 284, seed=1, story_type=story_type,
                                        scene_index=index))  # fmt: skip
        return np.asarray(pic).astype(float).mean(axis=(0, 1))

    assert np.abs(mean("scary_horror") - mean("motivational")).max() > 40
    a = np.asarray(render_scene(ImageRequest("x", 160, 284, seed=1, scene_index=0)))
    b = np.asarray(render_scene(ImageRequest("x", 160, 284, seed=1, scene_index=1)))
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 2


def test_the_title_is_drawn() -> None:
    plain = np.asarray(render_scene(ImageRequest("x", 540, 960, seed=5, style="minimal")))
    titled = np.asarray(render_scene(ImageRequest("x", 540, 960, seed=5, style="minimal",
                                                  title="INTO THE DARK")))  # fmt: skip
    band = slice(int(960 * 0.18), int(960 * 0.3))
    changed = np.abs(plain[band].astype(int) - titled[band].astype(int)).max(axis=2) > 60
    assert changed.mean() > 0.02


async def test_the_provider_writes_a_png(tmp_path: Path) -> None:
    got = await LocalImageProvider().generate(ImageRequest("x", 200, 200, seed=9), tmp_path)
    assert got.provider == "local" and got.attribution is None
    with Image.open(got.path) as img:
        assert img.format == "PNG" and img.size == (200, 200)
