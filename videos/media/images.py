"""Opening photos (any format we accept, EXIF-rotated, bomb-checked) and finding the product in them.

- `open_photo(path)` -> an RGBA `PIL.Image` (JPEG, PNG, WEBP, GIF's first frame), or a `MediaError`.
- `load_photo(path)` -> the same, but RGB when the photo has no alpha channel (cheaper to render).
- `preview_photo(path, max_side)` -> a small RGBA copy for analyses, and the full photo's size.
- `has_transparency(img)` -> whether the photo has a real alpha channel (a cut-out product).
- `product_bbox(img)` -> the product's bounding box (x0, y0, x1, y1), normalised to 0..1: the
  non-transparent pixels of a cut-out, or the pixels that differ from a plain border/background colour.
  A photo without a plain background (a lifestyle shot) gives the whole frame.
- `border_color(img)` -> the median RGB of the photo's border (its background colour when it has one).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from videos.media.errors import MediaError
from videos.media.large import large_webp, one_large_photo
from videos.media.limits import max_image_pixels
from videos.media.probe import check_file

# Pillow format names we accept (MPO is the multi-picture JPEG many phones write).
PHOTO_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}
FULL_FRAME = (0.0, 0.0, 1.0, 1.0)

# product_bbox tuning: the analysis size, how far a pixel must be from the background colour, how much
# of the border must be that colour for the photo to count as "on a plain background".
_ANALYSIS_SIZE = 256
_BG_DISTANCE = 30
_PLAIN_BORDER = 0.6
_ALPHA_SOLID = 32
_ORIENTATIONS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
                 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                 8: Image.Transpose.ROTATE_90}


def open_photo(path: str | Path, *, max_pixels: int | None = None) -> Image.Image:
    """Decode a photo to RGBA, honouring EXIF orientation; raise `MediaError` for anything unusable."""
    img = load_photo(path, max_pixels=max_pixels)
    return img if img.mode == "RGBA" else img.convert("RGBA")


def load_photo(path: str | Path, *, max_pixels: int | None = None, draft_scale: float = 1.0) -> Image.Image:
    """Decode a photo to RGB (no alpha channel) or RGBA, honouring EXIF orientation; raise `MediaError`
    for anything unusable. With `draft_scale` < 1 (the photo is only drawn that much smaller), a JPEG is
    decoded at the smallest DCT scale (1/2, 1/4, 1/8) that keeps at least that resolution; other formats
    are decoded whole (see media.drawn for shrinking them)."""
    return _decode(Path(path), max_pixels, None, draft_scale)[0]


def preview_photo(path: str | Path, max_side: int, *, max_pixels: int | None = None) -> tuple[Image.Image, tuple[int, int]]:
    """An RGBA copy of the photo no larger than `max_side`, for analyses, and the full photo's (oriented)
    size. JPEGs are decoded at a reduced scale (libjpeg's DCT scaling), so a 12 MP photo costs a fraction
    of a full decode. The same checks as `open_photo`."""
    img, size = _decode(Path(path), max_pixels, max_side)
    return (img if img.mode == "RGBA" else img.convert("RGBA")), size


def _decode(path: Path, max_pixels: int | None, max_side: int | None,
            draft_scale: float = 1.0) -> tuple[Image.Image, tuple[int, int]]:
    limit = max_pixels if max_pixels is not None else max_image_pixels()
    check_file(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as img:
                if img.format not in PHOTO_FORMATS:
                    raise MediaError(path, f"unsupported image type {img.format or 'unknown'}")
                width, height = img.size
                if width * height > limit:
                    raise MediaError(
                        path,
                        f"image is {width}x{height} ({width * height:,} pixels), over the {limit:,}-pixel "
                        "limit (decompression bomb?)",
                    )
                if getattr(img, "n_frames", 1) > 1:
                    img.seek(0)
                target = None
                if max_side and max(width, height) > max_side:
                    factor = max_side / max(width, height)
                    target = (max(1, round(width * factor)), max(1, round(height * factor)))
                elif draft_scale < 1:
                    target = (max(1, math.ceil(width * draft_scale)), max(1, math.ceil(height * draft_scale)))
                with one_large_photo(_decoded_pixels(img, target)):
                    webp = large_webp(path, img, target)
                    if webp is not None:
                        rotated = _oriented(webp, img)
                        size = (height, width) if rotated.size != webp.size else (width, height)
                        rgba = rotated
                    else:
                        if target:
                            img.draft(None, target)
                        img.load()
                        rotated = _exif_transposed(img)
                        # The full size as shown: EXIF orientations 5-8 turn the photo a quarter.
                        size = (height, width) if rotated is not img and rotated.size != img.size else (width, height)
                        rgba = _to_rgb_or_rgba(rotated)
                        del rotated
                    if max_side:
                        rgba = _shrunk(rgba, max_side)
                    if rgba is not img:
                        img.close()  # the whole decoded photo goes before the lock does
        except MediaError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaError(path, f"image is too large (decompression bomb?): {exc}") from None
        except UnidentifiedImageError:
            raise MediaError(path, "not a readable image (unknown or corrupt format)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise MediaError(path, f"corrupt or truncated image: {exc}") from None
    return rgba, size


def _decoded_pixels(img: Image.Image, target: tuple[int, int] | None) -> int:
    """How many pixels decoding `img` for `target` holds at once: a JPEG decodes at a DCT scale (1/8..1),
    anything else whole."""
    width, height = img.size
    if img.format not in {"JPEG", "MPO"} or target is None:
        return width * height
    scale = 1.0
    while scale > 1 / 8 and width * scale / 2 >= target[0] and height * scale / 2 >= target[1]:
        scale /= 2
    return math.ceil(width * scale) * math.ceil(height * scale)


def _oriented(decoded: Image.Image, header: Image.Image) -> Image.Image:
    """`decoded` turned as the EXIF orientation of `header` (the same file, opened by Pillow) says."""
    try:
        method = _ORIENTATIONS.get(header.getexif().get(0x0112, 1))
    except Exception:  # A broken EXIF block must not cost us the photo; show it unrotated.
        return decoded
    return decoded.transpose(method) if method is not None else decoded


def _exif_transposed(img: Image.Image) -> Image.Image:
    try:
        if img.getexif().get(0x0112, 1) in (0, 1):  # no rotation: skip exif_transpose's copy
            return img
        return ImageOps.exif_transpose(img) or img
    except Exception:  # A broken EXIF block must not cost us the photo; show it unrotated.
        return img


def _to_rgb_or_rgba(img: Image.Image) -> Image.Image:
    if img.mode in {"RGB", "RGBA"}:
        return img
    if img.mode in {"I;16", "I;16B", "I;16L", "I"}:
        arr = np.asarray(img, dtype=np.float64)
        peak = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        img = Image.fromarray(np.clip(arr * (255.0 / peak), 0, 255).astype(np.uint8), "L")
    if img.mode == "F":
        img = Image.fromarray(np.clip(np.asarray(img), 0, 255).astype(np.uint8), "L")
    if img.mode in {"CMYK", "YCbCr", "LAB", "HSV", "1"}:
        return img.convert("RGB")
    if img.mode in {"LA", "La", "PA", "RGBa"} or "transparency" in img.info:
        return img.convert("RGBA")
    return img.convert("RGB")


def has_transparency(img: Image.Image) -> bool:
    """True when a visible share of the photo (>= 0.1 %) is transparent or translucent."""
    alpha = _alpha(img)
    if alpha is None or alpha.getextrema()[0] >= 250:
        return False
    return np.count_nonzero(np.asarray(alpha) < 250) >= 0.001 * img.width * img.height


def _alpha(img: Image.Image) -> Image.Image | None:
    """The photo's alpha channel ("L"; "a" in the premultiplied modes), or None when it has none."""
    if img.mode not in {"RGBA", "LA", "PA", "RGBa", "La"}:
        if "transparency" not in img.info:
            return None
        img = img.convert("RGBA")
    return img.getchannel(img.getbands()[-1])


def border_color(img: Image.Image) -> tuple[int, int, int]:
    """Median RGB of the photo's outermost pixels (transparent ones ignored)."""
    small = _analysis_copy(img)
    rgb, alpha = small[..., :3], small[..., 3]
    border = _border(rgb)[_border(alpha) >= _ALPHA_SOLID]
    if border.size == 0:  # A cut-out: no border colour; the product's own median colour instead.
        border = rgb[alpha >= _ALPHA_SOLID]
    if border.size == 0:
        return (255, 255, 255)
    return tuple(int(v) for v in np.median(border, axis=0))  # type: ignore[return-value]


def product_bbox(img: Image.Image, *, transparent: bool | None = None) -> tuple[float, float, float, float]:
    """The product's bounding box (x0, y0, x1, y1) in 0..1; the whole frame when it can't tell.
    `transparent`: `has_transparency(img)`, when the caller already knows it."""
    if transparent is None:
        transparent = has_transparency(img)
    alpha = _alpha(img) if transparent else None
    if alpha is not None:
        # A cut-out's box is where its alpha is. For RGBA and LA photos (what open_photo and load_photo give),
        # shrinking the alpha channel alone gives the same pixels as the alpha of a shrunk copy of the photo,
        # without premultiplying every colour of the whole photo first.
        small_alpha = np.asarray(_shrunk(alpha, _ANALYSIS_SIZE))
        h, w = small_alpha.shape
        return _mask_bbox(small_alpha >= _ALPHA_SOLID, w, h)
    small = _analysis_copy(img)
    h, w = small.shape[:2]
    rgb = small[..., :3].astype(np.int16)
    border = _border(rgb)
    background = np.median(border, axis=0)
    plain = np.max(np.abs(border - background), axis=1) <= _BG_DISTANCE
    if plain.mean() < _PLAIN_BORDER:
        return FULL_FRAME
    mask = np.max(np.abs(rgb - background), axis=2) > _BG_DISTANCE
    mask = _despeckle(mask)
    return _mask_bbox(mask, w, h)


def _analysis_copy(img: Image.Image) -> np.ndarray:
    """A small RGBA copy (longest side 256) for the analyses."""
    small = _shrunk(img, _ANALYSIS_SIZE)
    return np.asarray(small if small.mode == "RGBA" else small.convert("RGBA"))


def _shrunk(img: Image.Image, max_side: int) -> Image.Image:
    """`img` with its longest side at most `max_side` (the image itself when it already is)."""
    if max(img.size) <= max_side:
        return img
    factor = max_side / max(img.size)
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _border(arr: np.ndarray, width: int = 2) -> np.ndarray:
    parts = [arr[:width], arr[-width:], arr[:, :width].swapaxes(0, 1), arr[:, -width:].swapaxes(0, 1)]
    return np.concatenate([p.reshape(-1, *arr.shape[2:]) for p in parts])


def _despeckle(mask: np.ndarray) -> np.ndarray:
    """Drop isolated noise pixels (JPEG ringing, dust): keep pixels with >= 3 of their 3x3 neighbours set."""
    padded = np.pad(mask.astype(np.uint8), 1)
    h, w = mask.shape
    neighbours = sum(padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3))
    return mask & (neighbours >= 4)


def _mask_bbox(mask: np.ndarray, w: int, h: int) -> tuple[float, float, float, float]:
    if np.count_nonzero(mask) < max(4, 0.002 * mask.size):
        return FULL_FRAME
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    x0, x1 = cols[0] / w, (cols[-1] + 1) / w
    y0, y1 = rows[0] / h, (rows[-1] + 1) / h
    return (float(x0), float(y0), float(x1), float(y1))
