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

from videos.media.cutout import cut_out
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
    win_w, win_h = min(win_w, 1.0), min(win_h, 1.0)  # float rounding may make it a hair wider than the photo
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
    frame: tuple[float, float, float, float] | None = None,
) -> Plate:
    """Fit an RGB or RGBA photo to the canvas at `oversample` x its resolution and convert it to YUV once.

    On a colour ("contain_color"), a photo shot on a plain background is cut out (media.cutout.cut_out)
    and lies on the fill exactly as a transparent PNG does. With `frame` (canvas fractions) and a contain
    fit, the product (a cut-out's; an opaque photo is all product) is sized and centred so that it stays
    inside the frame at the largest zoom (`oversample`) about its centre."""
    transparent = has_transparency(img)
    product = product_bbox(img, transparent=transparent)
    mode = choose_mode(fit, img.size, canvas_size, product, transparent)
    framing = frame if mode in ("contain_color", "contain_blur") else None
    if mode == "contain_color" and not transparent:
        # Cut out at about the drawn size: cheaper, and the edge is judged where it is seen.
        img = _shrunk_to(img, _fit(img.size, canvas_size, mode, oversample, product, framing))
        cut = cut_out(img)
        if cut is not None:
            img, transparent, product = cut, True, product_bbox(cut)
    if framing is not None and not transparent:
        product = (0.0, 0.0, 1.0, 1.0)  # an opaque photo stays whole inside the frame
    source = img.convert("RGBa") if transparent else (img if img.mode == "RGB" else img.convert("RGB"))
    del img  # the caller's temporary: the decoded photo can go as soon as it is converted
    rgb, rect, scale = fit_image(source, canvas_size, mode, fill, oversample, product, transparent, framing)
    planes = rgb_to_planes(rgb)
    content, margin = plain_margin(planes)
    crop = None
    if content is not None:  # keep the content and 4 px of the plain margin around it
        height, width = planes.y.shape
        x0, y0, x1, y1 = content
        crop = (max(0, x0 - 4), max(0, y0 - 4), min(width, x1 + 4), min(height, y1 + 4))
    return Plate(WarpSource.from_planes(planes, crop), scale, rect, product, mode, content, margin)


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


# With a frame, photos are decoded at this much more than the scale that fits the product's box to the plate:
# the box is measured on a preview, and a cut-out's box may come out a little tighter.
_DRAWN_MARGIN = 1.25


def drawn_scale(canvas_size: tuple[int, int], oversample: float, frame: tuple | None):
    """For `media.drawn.load_drawn_photo`: at most how much `_fit` scales a photo (plate pixels per photo
    pixel) in any mode: a cover fit's scale, or with a frame, the product's box (seen on the preview)
    filling the plate."""
    pw, ph = even(canvas_size[0] * oversample), even(canvas_size[1] * oversample)

    def scale(preview: Image.Image | None, size: tuple[int, int]) -> float:
        w, h = size
        most = max(pw / w, ph / h)
        if frame is not None and preview is not None:
            x0, y0, x1, y1 = product_bbox(preview)
            box = min(pw / (max(x1 - x0, 0.02) * w), ph / (max(y1 - y0, 0.02) * h))
            most = max(most, box * _DRAWN_MARGIN)
        return most

    return scale


def _shrunk_to(img: Image.Image, fitted: tuple) -> Image.Image:
    """The whole photo at the scale `_fit` draws it, when that is smaller."""
    _plate, _k, box, size, _offset, _rect = fitted
    factor = size[0] / max(1e-9, box[2] - box[0])
    if factor >= 0.9:
        return img
    target = (max(8, round(img.width * factor)), max(8, round(img.height * factor)))
    return img.resize(target, Image.Resampling.BOX, reducing_gap=2.0)


def _fit(photo_size: tuple[int, int], canvas_size: tuple[int, int], mode: str, oversample: float, product,
         frame: tuple[float, float, float, float] | None = None):
    (w, h), (cw, ch) = photo_size, canvas_size
    pw, ph = even(cw * oversample), even(ch * oversample)
    k = pw / cw
    if frame is not None:
        return _fit_in_frame((w, h), (cw, ch), (pw, ph), k, oversample, product, frame)
    if mode == "cover":
        left, top, right, bottom = _cover_window(w, h, pw, ph, product)
        box = (left * w, top * h, right * w, bottom * h)
        size, offset = (pw, ph), (0, 0)
    else:
        scale = min(pw / w, ph / h)
        size = (max(1, min(pw, int(round(w * scale)))), max(1, min(ph, int(round(h * scale)))))
        box, offset = (0.0, 0.0, float(w), float(h)), ((pw - size[0]) // 2, (ph - size[1]) // 2)
    (x0, y0, x1, y1) = box
    sx, sy = size[0] / (x1 - x0), size[1] / (y1 - y0)
    rect = ((offset[0] - x0 * sx) / k, (offset[1] - y0 * sy) / k, w * sx / k, h * sy / k)
    return (pw, ph), k, box, size, offset, rect


def _fit_in_frame(photo: tuple[int, int], canvas: tuple[int, int], plate: tuple[int, int], k: float, zoom: float,
                  product: tuple, frame: tuple[float, float, float, float]):
    """`_fit` for a product kept inside `frame`: the product's box, zoomed `zoom` x about its centre,
    just fits the frame, centred in it. Only the part of the photo that lands on the plate is resampled."""
    (w, h), (cw, ch), (pw, ph) = photo, canvas, plate
    fx0, fy0, fx1, fy1 = frame[0] * cw, frame[1] * ch, frame[2] * cw, frame[3] * ch
    bw, bh = max(1e-6, (product[2] - product[0]) * w), max(1e-6, (product[3] - product[1]) * h)
    s = min((fx1 - fx0) / (zoom * bw), (fy1 - fy0) / (zoom * bh))  # canvas pixels per photo pixel
    left = (fx0 + fx1) / 2 - (product[0] + product[2]) / 2 * w * s
    top = (fy0 + fy1) / 2 - (product[1] + product[3]) / 2 * h * s
    rect = (left, top, w * s, h * s)
    # The photo's part on the plate, in photo pixels, and where it lands on the plate.
    x0, y0 = max(0.0, -left / s), max(0.0, -top / s)
    x1, y1 = min(float(w), (pw / k - left) / s), min(float(h), (ph / k - top) / s)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return (pw, ph), k, (0.0, 0.0, 1.0, 1.0), (1, 1), (-4, -4), rect
    offset = (int(round((left + x0 * s) * k)), int(round((top + y0 * s) * k)))
    size = (max(1, int(round((x1 - x0) * s * k))), max(1, int(round((y1 - y0) * s * k))))
    return (pw, ph), k, (x0, y0, x1, y1), size, offset, rect


def fit_image(
    img: Image.Image,
    canvas_size: tuple[int, int],
    mode: str,
    fill: tuple[int, int, int],
    oversample: float = 1.0,
    product: tuple = (0.0, 0.0, 1.0, 1.0),
    transparent: bool = False,
    frame: tuple[float, float, float, float] | None = None,
) -> tuple[np.ndarray, tuple[float, float, float, float], float]:
    """Fit a photo (PIL: RGB, or premultiplied "RGBa" when `transparent`) to a plate of canvas size x
    `oversample`, resampling only the part shown (area-averaged when shrinking, bicubic when enlarging).

    Returns (plate RGB uint8, the photo's rectangle in canvas pixels, plate pixels per canvas pixel)."""
    (pw, ph), k, box, size, offset, rect = _fit(img.size, canvas_size, mode, oversample, product, frame)
    source = img
    shrinking = size[0] < box[2] - box[0]
    layer = np.asarray(source.resize(size, Image.Resampling.BOX if shrinking else Image.Resampling.BICUBIC, box=box))
    if mode == "contain_blur" and not transparent:
        background = _blurred_cover(_small_cover(source, pw, ph), pw, ph)
    else:
        background = _solid(pw, ph, fill)
    return _place(background, layer, offset[0], offset[1], transparent), rect, k


def fit_array(
    pixels: np.ndarray,
    canvas_size: tuple[int, int],
    mode: str,
    fill: tuple[int, int, int],
    oversample: float = 1.0,
    product: tuple = (0.0, 0.0, 1.0, 1.0),
) -> tuple[np.ndarray, tuple[float, float, float, float], float]:
    """`fit_image` for an RGB array (a clip frame), with OpenCV."""
    h, w = pixels.shape[:2]
    (pw, ph), k, box, size, offset, rect = _fit((w, h), canvas_size, mode, oversample, product)
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    crop = pixels[y0:y1, x0:x1]
    shrinking = size[0] < crop.shape[1]
    layer = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    if mode == "contain_blur":
        small_w, small_h = _small_size(pw, ph)
        scale = max(small_w / w, small_h / h)
        covered = cv2.resize(pixels, (max(small_w, math.ceil(w * scale)), max(small_h, math.ceil(h * scale))),
                             interpolation=cv2.INTER_AREA)
        top, left = (covered.shape[0] - small_h) // 2, (covered.shape[1] - small_w) // 2
        background = _blurred_cover(covered[top : top + small_h, left : left + small_w], pw, ph)
    else:
        background = _solid(pw, ph, fill)
    return _place(background, layer, offset[0], offset[1], False), rect, k


def _solid(w: int, h: int, rgb: tuple[int, int, int]) -> np.ndarray:
    return np.full((h, w, 3), rgb[:3], np.uint8)


def _small_size(pw: int, ph: int) -> tuple[int, int]:
    return max(4, pw // _BLUR_DOWNSCALE), max(4, ph // _BLUR_DOWNSCALE)


def _small_cover(img: Image.Image, pw: int, ph: int) -> np.ndarray:
    """A tiny cover-fitted copy of the photo (the blur's source)."""
    small_w, small_h = _small_size(pw, ph)
    w, h = img.size
    scale = max(small_w / w, small_h / h)
    box_w, box_h = small_w / scale, small_h / scale
    box = ((w - box_w) / 2, (h - box_h) / 2, (w + box_w) / 2, (h + box_h) / 2)
    return np.asarray(img.resize((small_w, small_h), Image.Resampling.BOX, box=box))


def _blurred_cover(small: np.ndarray, pw: int, ph: int) -> np.ndarray:
    small = cv2.GaussianBlur(small[..., :3], (0, 0), sigmaX=max(1.0, small.shape[1] / 40))
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
