"""Photo (or clip frame) -> a prepared "plate": the picture fitted to the canvas, oversampled for the
largest zoom it will get, converted to BT.709 YUV 4:2:0 once. Every frame then only warps the plate.

Fit (spec.Fit): "cover" crops around the product; "contain_blur" letterboxes on a blurred, dimmed copy of
the photo; "contain_color" on a colour; "auto" covers when the aspects are close (and the product survives
the crop), else contains: on a colour for transparent photos, on the blur for opaque ones. Transparent
pixels are always composited on the fill colour (the segment's `fill` or the canvas background), never on
black. Nothing is ever stretched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from videos.media.images import has_transparency, product_bbox
from videos.render.warp import WarpSource
from videos.render.yuv import Planes, rgb_to_planes

# "auto" covers when the photo's and the canvas's aspect ratios differ by at most this factor.
AUTO_COVER_RATIO = 1.2
_BLUR_DOWNSCALE = 24
_BLUR_DIM = 0.82


@dataclass
class Plate:
    source: WarpSource
    # Plate pixels per canvas pixel (the oversampling for zooms).
    scale: float
    # Where the whole photo lies on the canvas, in canvas pixels: (left, top, width, height).
    photo_rect: tuple[float, float, float, float]
    # The product's bounding box, normalised to the photo.
    product: tuple[float, float, float, float]
    mode: str
    # The plate's pixels outside this rectangle (luma pixels x0, y0, x1, y1, even) all have the colour
    # `margin_yuv`, so a frame only needs to warp what lands inside it; None: no such plain margin.
    content: tuple[int, int, int, int] | None = None
    margin_yuv: tuple[int, int, int] | None = None

    def to_canvas(self, x: float, y: float) -> tuple[float, float]:
        """A normalised point of the photo -> canvas pixels."""
        left, top, width, height = self.photo_rect
        return left + x * width, top + y * height

    @property
    def product_center(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.product
        return self.to_canvas((x0 + x1) / 2, (y0 + y1) / 2)


def even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def choose_mode(
    fit: str, photo_size: tuple[int, int], canvas_size: tuple[int, int], product: tuple, transparent: bool
) -> str:
    contain = "contain_color" if transparent else "contain_blur"
    if fit == "contain_blur":
        return contain  # a cut-out is never put on a blurred copy of itself
    if fit in {"cover", "contain_color"}:
        return fit
    (w, h), (cw, ch) = photo_size, canvas_size
    ratio = (w / h) / (cw / ch)
    if max(ratio, 1 / ratio) > AUTO_COVER_RATIO:
        return contain
    crop = _cover_window(w, h, cw, ch, product)
    x0, y0, x1, y1 = product
    margin = 0.01
    fits = crop[0] <= x0 + margin and crop[1] <= y0 + margin and crop[2] >= x1 - margin and crop[3] >= y1 - margin
    return "cover" if fits else contain


def _cover_window(w: int, h: int, cw: int, ch: int, product: tuple) -> tuple[float, float, float, float]:
    """The normalised window of the photo a cover fit shows, centred on the product as far as possible."""
    scale = max(cw / w, ch / h)
    win_w, win_h = cw / (w * scale), ch / (h * scale)
    cx = (product[0] + product[2]) / 2
    cy = (product[1] + product[3]) / 2
    left = min(max(cx - win_w / 2, 0.0), 1.0 - win_w)
    top = min(max(cy - win_h / 2, 0.0), 1.0 - win_h)
    return left, top, left + win_w, top + win_h


def prepare_photo(
    img: Image.Image,
    canvas_size: tuple[int, int],
    *,
    fit: str = "auto",
    fill: tuple[int, int, int] = (255, 255, 255),
    oversample: float = 1.0,
) -> Plate:
    """Fit an RGBA photo to the canvas at `oversample` x its resolution and convert it to YUV once."""
    transparent = has_transparency(img)
    product = product_bbox(img)
    mode = choose_mode(fit, img.size, canvas_size, product, transparent)
    rgba = np.asarray(img if img.mode == "RGBA" else img.convert("RGBA"))
    rgb, rect, scale = fit_array(rgba, canvas_size, mode, fill, oversample, product)
    planes = rgb_to_planes(rgb)
    content, margin = plain_margin(planes)
    return Plate(WarpSource.from_planes(planes), scale, rect, product, mode, content, margin)


def plain_margin(planes: Planes, tolerance: int = 3, max_share: float = 0.85):
    """The rectangle outside which the plate is one plain colour (the border's), or (None, None).

    Pixels outside it differ from that colour by at most `tolerance` levels (JPEG noise on a white
    backdrop) and are snapped to it exactly, so warping only the rectangle gives the same frames."""
    colour = tuple(int(np.median(_edge(plane))) for plane in (planes.y, planes.u, planes.v))
    luma = _outliers(planes.y, colour[0], tolerance)
    chroma = _outliers(planes.u, colour[1], tolerance) | _outliers(planes.v, colour[2], tolerance)
    rows = np.flatnonzero(luma.any(axis=1) | np.repeat(chroma.any(axis=1), 2)[: luma.shape[0]])
    cols = np.flatnonzero(luma.any(axis=0) | np.repeat(chroma.any(axis=0), 2)[: luma.shape[1]])
    height, width = planes.y.shape
    if rows.size == 0:
        x0 = y0 = x1 = y1 = 0
    else:
        x0, x1 = int(cols[0]) // 2 * 2, min(width, (int(cols[-1]) + 2) // 2 * 2)
        y0, y1 = int(rows[0]) // 2 * 2, min(height, (int(rows[-1]) + 2) // 2 * 2)
    if (x1 - x0) * (y1 - y0) > max_share * width * height:
        return None, None
    for plane, value, sub in ((planes.y, colour[0], 1), (planes.u, colour[1], 2), (planes.v, colour[2], 2)):
        a0, a1, b0, b1 = x0 // sub, x1 // sub, y0 // sub, y1 // sub
        plane[:b0] = value
        plane[b1:] = value
        plane[b0:b1, :a0] = value
        plane[b0:b1, a1:] = value
    return (x0, y0, x1, y1), colour


def _edge(plane: np.ndarray) -> np.ndarray:
    return np.concatenate([plane[0], plane[-1], plane[:, 0], plane[:, -1]])


def _outliers(plane: np.ndarray, value: int, tolerance: int) -> np.ndarray:
    return cv2.absdiff(plane, np.full_like(plane, value)) > tolerance


def fit_array(
    pixels: np.ndarray,
    canvas_size: tuple[int, int],
    mode: str,
    fill: tuple[int, int, int],
    oversample: float = 1.0,
    product: tuple = (0.0, 0.0, 1.0, 1.0),
    transparent: bool | None = None,
) -> tuple[np.ndarray, tuple[float, float, float, float], float]:
    """Fit RGB or RGBA `pixels` to a plate of canvas size x `oversample`.

    Returns (plate RGB uint8, the photo's rectangle in canvas pixels, plate pixels per canvas pixel)."""
    cw, ch = canvas_size
    pw, ph = even(cw * oversample), even(ch * oversample)
    k = pw / cw
    h, w = pixels.shape[:2]
    has_alpha = pixels.shape[2] == 4 and (transparent if transparent is not None else bool((pixels[..., 3] < 255).any()))
    if mode == "cover":
        left, top, right, bottom = _cover_window(w, h, pw, ph, product)
        scale = pw / ((right - left) * w)
        offset_x, offset_y = -left * w * scale, -top * h * scale
        layer = _scaled(pixels, w * scale, h * scale, has_alpha)
        background = _solid(pw, ph, fill)
    else:
        scale = min(pw / w, ph / h)
        offset_x, offset_y = (pw - w * scale) / 2, (ph - h * scale) / 2
        layer = _scaled(pixels, w * scale, h * scale, has_alpha)
        if mode == "contain_blur" and not has_alpha:
            background = _blurred_cover(pixels[..., :3], pw, ph)
        else:
            background = _solid(pw, ph, fill)
    plate = _place(background, layer, int(round(offset_x)), int(round(offset_y)), has_alpha)
    rect = (round(offset_x) / k, round(offset_y) / k, layer.shape[1] / k, layer.shape[0] / k)
    return plate, rect, k


def _solid(w: int, h: int, rgb: tuple[int, int, int]) -> np.ndarray:
    return np.full((h, w, 3), rgb[:3], np.uint8)


def _scaled(pixels: np.ndarray, width: float, height: float, has_alpha: bool) -> np.ndarray:
    """Resize; RGBA is premultiplied first (uint8 "RGBa") so transparent pixels never bleed dark fringes."""
    size = (max(1, int(round(width))), max(1, int(round(height))))
    if has_alpha:
        alpha = pixels[..., 3]
        pixels = np.dstack([cv2.multiply(pixels[..., :3], cv2.merge([alpha, alpha, alpha]), scale=1 / 255), alpha])
    else:
        pixels = pixels[..., :3]
    shrinking = size[0] < pixels.shape[1]
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)


def _blurred_cover(rgb: np.ndarray, pw: int, ph: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    small_w, small_h = max(4, pw // _BLUR_DOWNSCALE), max(4, ph // _BLUR_DOWNSCALE)
    scale = max(small_w / w, small_h / h)
    covered = cv2.resize(rgb, (max(small_w, math.ceil(w * scale)), max(small_h, math.ceil(h * scale))), interpolation=cv2.INTER_AREA)
    y0, x0 = (covered.shape[0] - small_h) // 2, (covered.shape[1] - small_w) // 2
    small = covered[y0 : y0 + small_h, x0 : x0 + small_w]
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=max(1.0, small_w / 40))
    big = cv2.resize(small, (pw, ph), interpolation=cv2.INTER_CUBIC)
    return cv2.convertScaleAbs(big, alpha=_BLUR_DIM, beta=255 * (1 - _BLUR_DIM) * 0.35)


def _place(background: np.ndarray, layer: np.ndarray, x: int, y: int, has_alpha: bool) -> np.ndarray:
    """Composite `layer` (RGB, or premultiplied RGBa, uint8) onto `background` at (x, y), clipped."""
    ph, pw = background.shape[:2]
    lh, lw = layer.shape[:2]
    bx0, by0, bx1, by1 = max(x, 0), max(y, 0), min(x + lw, pw), min(y + lh, ph)
    if bx0 >= bx1 or by0 >= by1:
        return background
    src = layer[by0 - y : by1 - y, bx0 - x : bx1 - x]
    if not has_alpha:
        background[by0:by1, bx0:bx1] = src[..., :3]
        return background
    region = background[by0:by1, bx0:bx1]
    clear = 255 - src[..., 3]
    behind = cv2.multiply(region, cv2.merge([clear, clear, clear]), scale=1 / 255)
    region[...] = cv2.add(np.ascontiguousarray(src[..., :3]), behind)
    return background
