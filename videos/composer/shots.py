"""Choosing and reading the shots: photo analysis (cut-out or lifestyle, shape, background), dropping
near-duplicate photos, and the Ken Burns motion each photo suits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import imagehash
from PIL import Image

from videos.composer.errors import ComposeError
from videos.composer.product import ProductImage, ProductVideo
from videos.composer.templates import Template
from videos.media.errors import MediaError
from videos.media.images import border_color, has_transparency, preview_photo, product_bbox
from videos.media.phash import perceptual_hash
from videos.spec import Fit, Motion

# Perceptual-hash distance (of 64 bits) at or below which two photos count as the same shot: a resized,
# re-compressed, slightly re-lit or re-cropped copy scores 0-6, different angles of one product 14+.
NEAR_DUPLICATE_BITS = 8
# A photo this much wider (or taller) than the canvas is panned across rather than zoomed.
PAN_RATIO = 1.3
# Beyond this, panning would show too little of it at a time: it is contained instead.
MAX_PAN_RATIO = 2.0
# Beyond this (and short of panning), a photo is contained rather than cropped: the renderer's "auto" rule.
CONTAIN_RATIO = 1.2
_PLAIN_BACKGROUND_AREA = 0.9  # a product bbox smaller than this share of the frame: a plain-background shot
# Photos are analysed at this size: the analyses look at 256 px (bbox, border) or 32 px (phash) anyway, and
# a full-size decode and alpha-composite of each photo would be a large share of a video's CPU time.
_PREVIEW_SIDE = 512


@dataclass(frozen=True)
class PhotoInfo:
    path: Path
    alt: str
    width: int
    height: int
    transparent: bool
    plain_background: bool  # an opaque photo of the product on a flat colour (a studio shot)
    background: str  # the border's colour, #RRGGBB
    bbox: tuple[float, float, float, float]
    phash: imagehash.ImageHash

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def cutout(self) -> bool:
        return self.transparent or self.plain_background


def analyse_photo(image: ProductImage, where: str = "product.images") -> PhotoInfo:
    path = Path(image.path)
    try:
        stat = path.stat()
    except OSError:
        raise ComposeError(where, f"file not found: {path}") from None
    info = _analyse(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return replace(info, alt=image.alt)


@lru_cache(maxsize=512)
def _analyse(path: str, _mtime: int, _size: int) -> PhotoInfo:
    """Cached by path, modification time and size: a product's photos are read once per process."""
    try:
        img, (width, height) = preview_photo(path, _PREVIEW_SIDE)
    except MediaError as exc:
        raise ComposeError("product.images", str(exc)) from None
    transparent = has_transparency(img)
    bbox = product_bbox(img, transparent=transparent)
    area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])
    flat = Image.alpha_composite(Image.new("RGBA", img.size, (255, 255, 255, 255)), img).convert("RGB")
    return PhotoInfo(
        path=Path(path),
        alt="",
        width=width,
        height=height,
        transparent=transparent,
        plain_background=not transparent and area < _PLAIN_BACKGROUND_AREA,
        background="#{:02X}{:02X}{:02X}".format(*border_color(img)),
        bbox=bbox,
        phash=perceptual_hash(flat),
    )


def drop_near_duplicates(photos: list[PhotoInfo]) -> tuple[list[PhotoInfo], list[tuple[PhotoInfo, PhotoInfo]]]:
    """Keep the first of each group of look-alike photos (the hero is first, so it always survives).
    Returns (kept, [(dropped, the kept photo it duplicates)])."""
    kept: list[PhotoInfo] = []
    dropped: list[tuple[PhotoInfo, PhotoInfo]] = []
    for photo in photos:
        twin = next((k for k in kept if photo.phash - k.phash <= NEAR_DUPLICATE_BITS), None)
        if twin is None:
            kept.append(photo)
        else:
            dropped.append((photo, twin))
    return kept, dropped


@dataclass(frozen=True)
class ShotLook:
    motion: Motion
    fit: Fit
    fill: str | None


def photo_look(photo: PhotoInfo, canvas_aspect: float, template: Template, index: int, *, backdrop: str) -> ShotLook:
    """The motion and fit a photo suits on this canvas:
    - a cut-out (transparent, or a studio shot on a flat colour, which the renderer cuts out): zoom into
      the product, on the template's backdrop;
    - a photo far wider (taller) than the canvas: contained whole on a blurred copy of itself;
    - a photo much wider (taller) than the canvas: cover it and pan across (down) it;
    - a portrait-shaped photo (often a person): a gentle push in on the centre;
    - anything else: a moderate zoom on the centre;
    the last two contained on a blurred copy of themselves when their shape is far from the canvas's."""
    ratio = photo.aspect / canvas_aspect
    alternate = template.alternate_zoom and index % 2 == 1
    if photo.cutout:
        kind = "zoom_out" if alternate else "zoom_in"
        # A studio shot is cut out by the renderer, so every cut-out lies on the same backdrop.
        fill = backdrop
        return ShotLook(Motion(kind=kind, strength=min(0.5, template.zoom * 1.25), focus="auto"), "contain_color", fill)
    if max(ratio, 1.0 / ratio) > MAX_PAN_RATIO:
        # Far wider (or taller) than the canvas: a pan would only ever show a sliver, so the whole photo
        # is shown on a blurred fill of itself, with a gentle push in.
        return ShotLook(Motion(kind="zoom_in", strength=round(template.zoom * 0.4, 3), focus="auto"), "contain_blur", None)
    if ratio >= PAN_RATIO:
        travel = min(template.pan, 0.5, 0.9 * (ratio - 1.0))
        return ShotLook(Motion(kind="pan_left" if index % 2 == 0 else "pan_right", strength=round(travel, 3), focus="center"), "cover", None)
    if 1.0 / ratio >= PAN_RATIO and photo.aspect >= 1.0:
        travel = min(template.pan, 0.5, 0.9 * (1.0 / ratio - 1.0))
        return ShotLook(Motion(kind="pan_down" if index % 2 == 0 else "pan_up", strength=round(travel, 3), focus="center"), "cover", None)
    # Shapes that cannot cover the canvas without losing the product are contained on a blurred copy of
    # themselves (as the renderer's "auto" fit would), said here so the layout can place them.
    contained = max(ratio, 1.0 / ratio) > CONTAIN_RATIO
    fit, focus = ("contain_blur", "auto") if contained else ("auto", "center")
    if photo.aspect < 1.0:
        return ShotLook(Motion(kind="zoom_in", strength=round(template.zoom * 0.6, 3), focus=focus), fit, None)  # type: ignore[arg-type]
    kind = "zoom_out" if alternate else "zoom_in"
    return ShotLook(Motion(kind=kind, strength=template.zoom, focus=focus), fit, None)  # type: ignore[arg-type]


def clip_length(video: ProductVideo) -> float:
    """The clip's duration in seconds (from the product data, else probed from the file)."""
    if video.duration:
        return video.duration
    from videos.media.clips import clip_duration

    try:
        length = clip_duration(video.path)
    except Exception as exc:  # PyAV raises many types for unreadable files; all mean "not a usable clip".
        raise ComposeError("product.videos", f"{video.path}: not a readable video ({exc})") from None
    if not length or length <= 0:
        raise ComposeError("product.videos", f"{video.path}: could not tell the clip's duration")
    return length
