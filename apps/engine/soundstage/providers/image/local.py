"""``local``: scene art drawn with Pillow and numpy, no model and no key.

Not a placeholder card: each picture is a composed scene. The story type picks
the palette and the landmark (a lighthouse tower for horror, a ringed planet for
science fiction, a sunrise for motivation...), the art style picks the
treatment (cinematic grade and vignette, anime's flat cels and speed lines,
watercolour bleeds on paper, photographic depth of field and grain, comic
halftone and ink outlines, minimal flat shapes), the scene's seed places the
sky, the light and the layered horizon, and the scene's title and its
characters' names are set on it. The scenery is drawn at a third of the size
and scaled up (soft, and about ten times cheaper); the text is drawn at full
size so it stays crisp.
"""

from __future__ import annotations

import asyncio
import os
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from soundstage.providers.image.base import GeneratedImage, ImageRequest, new_image_path

RGB = tuple[int, int, int]

# sky top, sky bottom, light (sun/moon/glow), far land, near land, accent
PALETTES: dict[str, tuple[RGB, RGB, RGB, RGB, RGB, RGB]] = {
    "scary_horror": ((8, 8, 14), (58, 22, 30), (214, 220, 230), (40, 30, 42), (10, 8, 12),
                     (170, 20, 30)),
    "mystery": ((10, 22, 44), (44, 78, 104), (236, 214, 150), (30, 50, 70), (8, 16, 26),
                (220, 170, 80)),
    "bedtime": ((24, 22, 70), (120, 96, 170), (255, 244, 200), (70, 60, 130), (36, 30, 80),
                (255, 200, 230)),
    "documentary": ((120, 160, 190), (226, 204, 160), (255, 240, 210), (120, 110, 80),
                    (60, 56, 40), (200, 120, 60)),
    "motivational": ((255, 120, 60), (255, 210, 120), (255, 250, 220), (150, 60, 50),
                     (60, 24, 30), (255, 255, 255)),
    "sci_fi": ((6, 4, 30), (70, 10, 90), (120, 255, 240), (30, 20, 80), (10, 6, 30),
               (255, 60, 200)),
    "fairy_tale": ((250, 190, 210), (255, 236, 190), (255, 250, 230), (190, 140, 190),
                   (110, 70, 120), (255, 215, 100)),
}  # fmt: skip
SCALE_DOWN = 3


@cache
def _font_path() -> str | None:
    for candidate in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
        "/Library/Fonts/Arial Bold.ttf",
        "C:/Windows/Fonts/arialbd.ttf",
    ):
        if os.path.exists(candidate):
            return candidate
    return None


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    if path is not None:
        return ImageFont.truetype(path, size)
    # Pillow's own scalable font (no system font needed)
    return ImageFont.load_default(size)


def _gradient(w: int, h: int, top: RGB, bottom: RGB, curve: float = 1.0) -> np.ndarray:
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None] ** curve
    a = np.array(top, np.float32)[None, None, :]
    b = np.array(bottom, np.float32)[None, None, :]
    return np.broadcast_to(a * (1 - t) + b * t, (h, w, 3)).copy()


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _glow(img: np.ndarray, cx: float, cy: float, radius: float, color: RGB, power: float) -> None:
    h, w, _ = img.shape
    yy, xx = np.ogrid[:h, :w]
    d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / radius
    k = np.clip(1.0 - d, 0.0, 1.0) ** 2 * power
    img += (np.array(color, np.float32)[None, None, :] - img) * k[:, :, None]


def _ridge(rng: np.random.Generator, w: int, base: float, rough: float, h: int) -> np.ndarray:
    """A horizon line: a smoothed random walk, in pixels from the top."""
    steps = rng.normal(0, 1, w).cumsum()
    kernel = np.ones(max(3, w // 12)) / max(3, w // 12)
    smooth = np.convolve(steps, kernel, mode="same")
    smooth -= smooth.mean()
    scale = np.abs(smooth).max() or 1.0
    ridge: np.ndarray = base * h + smooth / scale * rough * h
    return ridge


def _scenery(request: ImageRequest, w: int, h: int) -> Image.Image:
    top, bottom, light, far, near, accent = PALETTES.get(request.story_type, PALETTES["mystery"])
    rng = np.random.default_rng(request.seed + 7919 * request.scene_index)
    style = request.style
    img = _gradient(w, h, top, bottom, curve=0.8 if request.story_type != "motivational" else 1.4)
    # the light: moon, sun or glow, placed per scene
    cx = w * (0.2 + 0.6 * rng.random())
    cy = h * (0.14 + 0.2 * rng.random())
    _glow(img, cx, cy, min(w, h) * 0.9, light, 0.35)
    if request.story_type in ("bedtime", "sci_fi", "scary_horror", "mystery"):
        n = {"minimal": 0, "photographic": 60}.get(style, 160)
        xs, ys = rng.integers(0, w, n), rng.integers(0, int(h * 0.55), n)
        bright = rng.uniform(0.4, 1.0, n)
        for x, y, b in zip(xs, ys, bright, strict=True):
            img[y, x] = img[y, x] * (1 - b) + np.array(light) * b
    pic = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pic)
    r = min(w, h) * (0.09 + 0.05 * rng.random())
    if request.story_type == "sci_fi":
        draw.ellipse(
            (cx - r * 1.6, cy - r * 1.6, cx + r * 1.6, cy + r * 1.6), fill=_mix(far, light, 0.4)
        )
        draw.arc((cx - r * 3, cy - r * 0.8, cx + r * 3, cy + r * 0.8), 200, 340, fill=accent,
                 width=max(2, int(r / 6)))  # fmt: skip
    else:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=light)
    # three layers of land, paler with distance
    layers = [(0.62, 0.06, _mix(far, top, 0.45)), (0.72, 0.05, far), (0.84, 0.04, near)]
    for i, (base, rough, color) in enumerate(layers):
        ridge = _ridge(rng, w, base, rough if style != "minimal" else rough / 3, h)
        points = [(0, h), *((x, float(ridge[x])) for x in range(0, w, 2)), (w, h)]
        draw.polygon(points, fill=color)
        if i == 1:
            _landmark(draw, request, w, h, rng, float(ridge[int(w * 0.7)]), near, accent, light)
    return pic


def _landmark(
    draw: ImageDraw.ImageDraw, request: ImageRequest, w: int, h: int,
    rng: np.random.Generator, ground: float, color: RGB, accent: RGB, light: RGB,
) -> None:  # fmt: skip
    """The story type's motif, standing on the middle ridge."""
    x = w * (0.55 + 0.3 * rng.random())
    kind = request.story_type
    if kind in ("scary_horror", "mystery", "fairy_tale"):
        tw, th = w * 0.07, h * 0.22
        draw.polygon([(x - tw, ground), (x - tw * 0.6, ground - th), (x + tw * 0.6, ground - th),
                      (x + tw, ground)], fill=color)  # fmt: skip
        roof = accent if kind == "fairy_tale" else color
        draw.polygon([(x - tw * 0.8, ground - th), (x, ground - th - tw * 1.4),
                      (x + tw * 0.8, ground - th)], fill=roof)  # fmt: skip
        lamp = light if kind != "scary_horror" else accent
        draw.rectangle((x - tw * 0.25, ground - th * 0.9, x + tw * 0.25, ground - th * 0.78),
                       fill=lamp)  # fmt: skip
    elif kind == "bedtime":
        for i in range(3):
            tx = x - w * 0.18 * i
            draw.ellipse((tx - w * 0.08, ground - h * 0.2, tx + w * 0.08, ground - h * 0.05),
                         fill=color)  # fmt: skip
            draw.rectangle((tx - w * 0.01, ground - h * 0.06, tx + w * 0.01, ground), fill=color)
    elif kind == "motivational":
        for angle in np.linspace(-1.2, 1.2, 9):
            draw.line([(w / 2, ground), (w / 2 + np.sin(angle) * w, ground - np.cos(angle) * h)],
                      fill=_mix(light, accent, 0.3), width=max(1, w // 150))  # fmt: skip
        draw.polygon([(x - w * 0.02, ground), (x, ground - h * 0.08), (x + w * 0.02, ground)],
                     fill=(20, 10, 10))  # fmt: skip
    elif kind == "sci_fi":
        for i in range(4):
            bx = x - w * 0.06 * i
            bh = h * (0.08 + 0.06 * ((i * 7) % 3))
            draw.rectangle((bx - w * 0.02, ground - bh, bx + w * 0.02, ground), fill=color)
            draw.rectangle((bx - w * 0.005, ground - bh, bx + w * 0.005, ground - bh + h * 0.01),
                           fill=accent)  # fmt: skip
    else:  # documentary: a path into the distance
        draw.polygon([(w * 0.45, h), (x - w * 0.01, ground), (x + w * 0.01, ground), (w * 0.65, h)],
                     fill=_mix(color, light, 0.35))  # fmt: skip


def _treat(pic: Image.Image, request: ImageRequest, rng: np.random.Generator) -> Image.Image:
    """The art style's treatment, on the small scenery."""
    style = request.style
    w, h = pic.size
    if style == "anime":
        pic = pic.quantize(10, dither=Image.Dither.NONE).convert("RGB")
        draw = ImageDraw.Draw(pic)
        for _ in range(40):
            y = int(rng.integers(0, h))
            x0 = int(rng.integers(0, w))
            draw.line([(x0, y), (x0 + int(rng.integers(w // 8, w // 3)), y)],
                      fill=(255, 255, 255), width=1)  # fmt: skip
    elif style == "watercolor":
        pic = pic.filter(ImageFilter.GaussianBlur(max(1, w // 120)))
        arr = np.asarray(pic).astype(np.float32)
        paper = rng.normal(0, 9, (h, w, 1)).astype(np.float32)
        arr = arr * 0.85 + 255 * 0.15 + paper  # pale, with paper grain
        pic = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif style == "photographic":
        blurred = pic.filter(ImageFilter.GaussianBlur(max(1, w // 200)))
        arr = np.asarray(blurred).astype(np.float32) + rng.normal(0, 6, (h, w, 1)).astype(
            np.float32
        )
        pic = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif style == "comic":
        pic = pic.quantize(6, dither=Image.Dither.NONE).convert("RGB")
        pic = pic.filter(ImageFilter.EDGE_ENHANCE_MORE)
        arr = np.asarray(pic).astype(np.float32)
        yy, xx = np.mgrid[:h, :w]
        dots = ((xx % 6 - 3) ** 2 + (yy % 6 - 3) ** 2) < 3
        arr[dots] *= 0.8
        pic = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif style == "minimal":
        pic = pic.quantize(5, dither=Image.Dither.NONE).convert("RGB")
    else:  # cinematic: teal shadows, warm highlights, vignette
        arr = np.asarray(pic).astype(np.float32)
        lum = arr.mean(axis=2, keepdims=True) / 255.0
        arr += (1 - lum) * np.array([-8, 6, 14]) + lum * np.array([14, 4, -10])
        yy, xx = np.ogrid[:h, :w]
        d = np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2)
        arr *= np.clip(1.15 - 0.45 * d, 0.35, 1.0)[:, :, None]
        pic = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return pic


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          width: float) -> list[str]:  # fmt: skip
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=fnt) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def render_scene(request: ImageRequest) -> Image.Image:
    """The finished picture at ``request.width`` x ``request.height``."""
    w, h = request.width, request.height
    small_w, small_h = max(64, w // SCALE_DOWN), max(64, h // SCALE_DOWN)
    rng = np.random.default_rng(request.seed + 104729 * request.scene_index)
    small = _treat(_scenery(request, small_w, small_h), request, rng)
    pic = small.resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(pic)
    if request.style == "comic":
        edge = max(4, w // 90)
        draw.rectangle((edge, edge, w - edge, h - edge), outline=(0, 0, 0), width=edge)
    accent = PALETTES.get(request.story_type, PALETTES["mystery"])[5]
    if request.title:
        size = max(14, int(min(w, h) * 0.075))
        fnt = font(size)
        y = h * 0.2 if h > w else h * 0.12
        for line in _wrap(draw, request.title.upper(), fnt, w * 0.84):
            tw = draw.textlength(line, font=fnt)
            x = (w - tw) / 2
            off = max(2, size // 14)
            draw.text((x + off, y + off), line, font=fnt, fill=(0, 0, 0))
            draw.text((x, y), line, font=fnt, fill=(255, 255, 255))
            y += size * 1.2
        draw.line([(w * 0.4, y + size * 0.2), (w * 0.6, y + size * 0.2)], fill=accent,
                  width=max(2, size // 10))  # fmt: skip
        if request.characters:
            small_font = font(max(10, size // 2))
            names = " · ".join(request.characters)
            tw = draw.textlength(names, font=small_font)
            draw.text(
                ((w - tw) / 2 + 2, y + size * 0.6 + 2), names, font=small_font, fill=(0, 0, 0)
            )
            draw.text(((w - tw) / 2, y + size * 0.6), names, font=small_font, fill=accent)
    return pic


class LocalImageProvider:
    name = "local"

    def __init__(self, concurrency: int | None = None) -> None:
        self.concurrency = concurrency or max(1, os.cpu_count() or 1)

    async def generate(self, request: ImageRequest, out_dir: Path) -> GeneratedImage:
        target = new_image_path(out_dir, self.name, "png")

        def draw() -> None:
            render_scene(request).save(target, compress_level=1)

        await asyncio.to_thread(draw)
        return GeneratedImage(path=target, provider=self.name)
