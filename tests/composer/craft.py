"""Measuring what a merchant sees: synthetic products (solid-colour shapes, easy to find pixel by pixel) on
transparent and on white-JPEG backgrounds, composed in a template and aspect and drawn by the real
compositor at a small size, with and without the text, to measure how much of the product the text
covers, whether the product touches the frame's edge, and the backdrop colour behind each cut-out shot."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from tests.render.helpers import composed_frames
from videos.composer import Product, ProductImage
from videos.composer.brand import BrandSettings, ComposeOptions
from videos.composer.compose import compose
from videos.render.still import shrink
from videos.spec import VideoSpec

PRODUCT_RGB = (40, 90, 220)  # no template uses this blue
SIDE = 270
STEP_S = 0.2


def _shape(size: tuple[int, int], shape: str, background: tuple[int, int, int, int]) -> Image.Image:
    w, h = size
    img = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(img)
    fill = (*PRODUCT_RGB, 255)
    if shape == "disc":
        draw.ellipse((0.22 * w, 0.22 * h, 0.78 * w, 0.78 * h), fill=fill)
        draw.rectangle((0.42 * w, 0.42 * h, 0.58 * w, 0.58 * h), fill=(255, 255, 255, 255))  # a white logo
    elif shape == "bottle":
        draw.rounded_rectangle((0.38 * w, 0.12 * h, 0.62 * w, 0.9 * h), radius=0.05 * w, fill=fill)
        draw.rectangle((0.45 * w, 0.02 * h, 0.55 * w, 0.14 * h), fill=fill)
    else:  # "wide": a low, wide product (a shoe, a bag)
        draw.ellipse((0.08 * w, 0.35 * h, 0.92 * w, 0.75 * h), fill=fill)
        draw.rectangle((0.3 * w, 0.25 * h, 0.6 * w, 0.5 * h), fill=fill)
    return img


def product_photos(folder: Path) -> list[Path]:
    """A transparent PNG and two white-background JPEGs of different shapes (a white logo inside one)."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = [("bottle", (360, 480), "png"), ("disc", (480, 480), "jpg"), ("wide", (600, 400), "jpg")]
    paths = []
    for shape, size, ext in specs:
        path = folder / f"{shape}.{ext}"
        if ext == "png":
            _shape(size, shape, (0, 0, 0, 0)).save(path)
        else:
            _shape(size, shape, (255, 255, 255, 255)).convert("RGB").save(path, quality=88)
        paths.append(path)
    return paths


def synthetic_product(folder: Path) -> Product:
    return Product(
        title="Solidus Hoodie — Red Limited Edition", images=[ProductImage(p) for p in product_photos(folder)],
        price=Decimal("48.00"), compare_at_price=Decimal("60.00"), currency="USD",
    )


def video_spec(product: Product, template: str, aspect: str, *, logo: Path | None = None, duration: float = 8.0) -> VideoSpec:
    brand = BrandSettings(logo=logo)
    options = ComposeOptions(duration=duration, aspect=aspect, template=template, music="none")
    return shrink(compose(product, brand, options), SIDE)


def without_text(spec: VideoSpec) -> VideoSpec:
    data = spec.to_dict()
    data["tracks"] = [t for t in data["tracks"] if t["kind"] not in ("text", "overlay")]
    return VideoSpec.from_dict(data)


def _in_slide(spec: VideoSpec, t: float) -> bool:
    """A slide transition moves whole pictures across the frame's edge by design."""
    return any(s.transition.kind.startswith("slide_") and s.start <= t < s.start + s.transition.duration
               for s in spec.segments_of("video"))


@dataclass
class Figures:
    coverage: float  # the largest share of the product's pixels any text or logo covers, in any frame
    edge_touches: int  # frames where the product touches the frame's edge
    backdrop_spread: float  # the largest RGB distance between the backdrops behind the cut-out shots
    backdrops: list[tuple[int, int, int]]
    shown: float  # the share of the frames that show the product


def product_mask(frame: np.ndarray) -> np.ndarray:
    return np.abs(frame.astype(np.int16) - PRODUCT_RGB).max(axis=2) <= 40


def measure(spec: VideoSpec) -> Figures:
    fps = spec.canvas.fps
    indices = sorted({min(spec.frame_count - 1, round(t * fps)) for t in np.arange(0, spec.duration, STEP_S)})
    with_text = composed_frames(spec, indices)
    plain = composed_frames(without_text(spec), indices)
    sliding = [_in_slide(spec, index / fps) for index in indices]
    coverage, touches, shown = 0.0, 0, 0
    for a, b, slide in zip(with_text, plain, sliding, strict=True):
        mask = product_mask(b)
        if mask.sum() < 20:
            continue
        shown += 1
        changed = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 24
        coverage = max(coverage, float((changed & mask).sum() / mask.sum()))
        if not slide and (mask[:2].any() or mask[-2:].any() or mask[:, :2].any() or mask[:, -2:].any()):
            touches += 1
    backdrops = []
    segments = spec.segments_of("video")
    mids = [min(spec.frame_count - 1, round((s.start + s.duration / 2) * fps)) for s in segments]
    for frame in composed_frames(without_text(spec), mids):
        corner = np.concatenate([frame[2:8, 2:8].reshape(-1, 3), frame[-8:-2, -8:-2].reshape(-1, 3)])
        backdrops.append(tuple(int(v) for v in np.median(corner, axis=0)))
    arr = np.array(backdrops, float)
    spread = float(max(np.linalg.norm(x - y) for x in arr for y in arr)) if len(arr) > 1 else 0.0
    return Figures(coverage, touches, spread, backdrops, shown / len(indices))
