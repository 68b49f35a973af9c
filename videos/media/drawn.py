"""Decoding a photo at the size it is drawn, so that a render's memory does not grow with the photos' size.

`load_drawn_photo(path, drawn_scale)`: `drawn_scale(preview, full_size)` looks at a small preview of the
photo and says by how much, at most, the full photo is scaled when drawn (plate pixels per photo pixel);
a photo that cannot be more than twice its drawn size is decoded as usual, without a preview.
A JPEG is then decoded at the smallest DCT scale that keeps twice that resolution (a large WebP is decoded
and area-reduced to twice it before Pillow copies it); any other format is decoded whole and at once
reduced by the largest whole factor that keeps twice it, strip by strip, so no second full-size copy is
ever made (Pillow's own resize and reduce premultiply a whole RGBA copy first).
Keeping twice the drawn resolution (Pillow's `reducing_gap` for thumbnails) leaves the final
area-averaging at least two source pixels per drawn pixel, so what is drawn looks the same; shrinking to
just the drawn resolution first visibly changed fine textures (a second resampling step aliases
differently). Photos under twice their drawn size are decoded as they are. A large photo is decoded and
reduced under `media.images.one_large_photo`, so only one is ever whole in memory at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from videos.media.images import load_photo, preview_photo
from videos.media.large import LARGE_PIXELS, one_large_photo

# (preview, full size) -> at most how much the full photo is scaled when drawn; with no preview, the least
# that can be without looking at the photo.
DrawnScale = Callable[[Image.Image | None, tuple[int, int]], float]

_PREVIEW_SIDE = 256  # what the analyses behind drawn_scale look at
_GAP = 2  # the decoded photo keeps at least this many pixels per drawn pixel
_STRIP_BYTES = 4 << 20


def load_drawn_photo(path: str | Path, drawn_scale: DrawnScale) -> Image.Image:
    """The photo (RGB or RGBA, as `load_photo`), decoded no larger than `drawn_scale` calls for."""
    path = Path(path)
    header = _header(path)
    if header is None or _GAP * drawn_scale(None, header[0]) >= 0.5:
        return load_photo(path)  # not even twice its drawn size (or unreadable: load_photo says why)
    size, scaled_decode = header
    if scaled_decode:
        preview, size = preview_photo(path, _PREVIEW_SIDE)  # a JPEG's 1/8-scale DCT decode: cheap
        keep = _GAP * drawn_scale(preview, size)
        return load_photo(path, draft_scale=keep) if keep < 0.5 else load_photo(path)
    with one_large_photo(size[0] * size[1]):  # the whole photo and its reduction, one photo at a time
        img = load_photo(path)
        keep = _GAP * drawn_scale(reduce_in_strips(img, max(1, max(img.size) // _PREVIEW_SIDE)), img.size)
        return reduce_in_strips(img, math.floor(1 / keep)) if keep < 0.5 else img


def shown_pixels(path: str | Path) -> int:
    """How many pixels the photo has (from its header; 0 when unreadable): with more than
    `media.images.LARGE_PIXELS`, prepare it under `one_large_photo`."""
    header = _header(Path(path))
    return 0 if header is None else header[0][0] * header[0][1]


def _header(path: Path) -> tuple[tuple[int, int], bool] | None:
    """The photo's size as shown (EXIF orientations 5-8 turn it a quarter), from its header only, and
    whether `load_photo` decodes it straight at a reduced scale (a JPEG, a large opaque still WebP)."""
    try:
        with Image.open(path) as img:
            width, height = img.size
            turned = _orientation(img) in (5, 6, 7, 8)
            scaled = img.format in {"JPEG", "MPO"} or (
                img.format == "WEBP" and img.mode == "RGB" and getattr(img, "n_frames", 1) == 1
                and width * height > LARGE_PIXELS)
    except Exception:  # anything unreadable is reported by load_photo
        return None
    return ((height, width) if turned else (width, height)), scaled


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation, from the header: Pillow's `getexif` decodes a whole PNG to look for an eXIf
    chunk after the pixels, so a PNG's counts only when the chunk comes first (where encoders put it)."""
    if img.format == "PNG":
        data = img.info.get("exif")
        if not data:
            return 1
        exif = Image.Exif()
        exif.load(data)
        return exif.get(0x0112, 1)
    return img.getexif().get(0x0112, 1)


def reduce_in_strips(img: Image.Image, factor: int) -> Image.Image:
    """`img` reduced by a whole `factor` (box average, over premultiplied colours for RGBA so transparent
    pixels leave no fringe), as `Image.reduce` would, a strip at a time. `img` itself when factor < 2."""
    if factor < 2:
        return img
    width, height = img.size
    alpha = img.mode == "RGBA"
    out = Image.new("RGBa" if alpha else img.mode, (math.ceil(width / factor), math.ceil(height / factor)))
    rows = factor * max(1, _STRIP_BYTES // (width * len(img.getbands()) * factor))
    for top in range(0, height, rows):
        strip = img.crop((0, top, width, min(height, top + rows)))
        if alpha:
            strip = strip.convert("RGBa")
        out.paste(strip.reduce(factor), (0, top // factor))
    return out.convert("RGBA") if alpha else out
