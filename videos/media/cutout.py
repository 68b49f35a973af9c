"""Cutting a product out of a photo shot on a plain background (white or any flat colour).

`cut_out(img)` -> the product as RGBA with a soft, un-mixed edge (and its soft shadow as a translucent black
one), or None when the photo has no plain background.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from videos.media.images import _BG_DISTANCE, _PLAIN_BORDER, _border

# Tuning (max channel difference from the background colour): pixels this close, after a 3x3 median, and
# connected to the border are background; differences up to the noise level are JPEG noise.
_CUT_FLOOD = 16
_CUT_NOISE = 6
_CUT_GAP = 4  # the background does not flow into the product through breaks in its outline this narrow
_CUT_PLAIN_BORDER = _PLAIN_BORDER  # the same test as the analysis that calls a photo a studio shot
# A shadow: channels within this of each other (relative to the background), at most this much darker, and
# changing at most this many levels per pixel.
_SHADOW_TINT = 14
_SHADOW_DARKEST = 0.75
_SHADOW_STEEP = 16


def cut_out(img: Image.Image) -> Image.Image | None:
    """The product of a photo shot on a plain background, as RGBA with a soft edge; None when the border
    is not one plain colour, or nothing (or everything) would be left.

    The background is what is close to the border's colour *and connected to the border* (a flood fill
    from the edge), so background-coloured parts inside the product (a white logo on a mug, a white
    collar) stay opaque. An anti-aliased edge pixel is a linear mix of product and background: its alpha is
    its distance from the background over the nearby product's, and its colour is un-mixed
    (product = background + (pixel - background) / alpha), so no fringe of the old background is left.
    A soft shadow on the background becomes a translucent black shadow, as a transparent PNG's is. Call it
    on the photo at about the size it is drawn. Whole-image passes keep to one-byte masks, freed as soon
    as used; float work is done on the edge band's pixels only (the renderer runs next to x264)."""
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    h, w = rgb.shape[:2]
    if h < 8 or w < 8:
        return None
    border = _border(rgb).astype(np.int16)
    background = np.median(border, axis=0)
    if (np.max(np.abs(border - background), axis=1) <= _BG_DISTANCE).mean() < _CUT_PLAIN_BORDER:
        return None
    import cv2  # the renderer's dependency; this module is also imported where only Pillow is needed

    rgb = np.ascontiguousarray(rgb)
    bg = background.astype(np.float32)
    bg8 = np.clip(background, 0, 255).astype(np.uint8)
    raw = np.zeros((h, w), np.uint8)  # max channel difference from the background
    tint_hi = np.full((h, w), -255, np.int16)  # the spread of the channels' differences (a tint)
    tint_lo = np.full((h, w), 255, np.int16)
    for c in range(3):
        channel = np.ascontiguousarray(rgb[..., c])
        cv2.max(raw, cv2.absdiff(channel, np.full_like(channel, bg8[c])), dst=raw)
        signed = cv2.subtract(channel, float(background[c]), dtype=cv2.CV_16S)
        cv2.max(tint_hi, signed, dst=tint_hi)
        cv2.min(tint_lo, signed, dst=tint_lo)
        del channel, signed
    near = cv2.medianBlur(raw, 3) <= _CUT_FLOOD  # median: JPEG specks
    # A soft shadow under the product: neutral, a little darker than the background, and smooth (a
    # product's own grey part ends in a crisp edge, which the flood does not cross).
    neutral = cv2.subtract(tint_hi, tint_lo) <= _SHADOW_TINT
    del tint_hi, tint_lo
    lum = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    bg_lum = max(float(np.dot(background, (0.299, 0.587, 0.114))), 1.0)
    # darkness = 1 - lum / bg_lum, in (0, _SHADOW_DARKEST]: as float32, as the darkness itself is computed
    darkness_ok = _darkness(lum, bg_lum)
    shadowy = neutral & (darkness_ok > 0) & (darkness_ok <= _SHADOW_DARKEST)
    del neutral, darkness_ok
    steep = cv2.convertScaleAbs(cv2.Sobel(lum, cv2.CV_16S, 1, 0), alpha=0.25)
    cv2.max(steep, cv2.convertScaleAbs(cv2.Sobel(lum, cv2.CV_16S, 0, 1), alpha=0.25), dst=steep)
    shadowy &= steep <= _SHADOW_STEEP
    del steep
    outside = _border_connected(near, gap=_CUT_GAP)
    if outside is None:
        return None
    # A shadow is cast below the product: shadowy pixels reached from the background that lie below every
    # solid product pixel of their column (a silver label on a bottle has the bottle's base below it).
    shadowy |= near
    reached = _border_connected(shadowy, gap=_CUT_GAP)
    del shadowy
    if reached is None:
        candidates = np.zeros_like(outside)
    else:
        candidates = reached
        candidates &= ~outside
    del reached
    solid = ~outside
    solid &= ~candidates
    solid_rows = np.where(solid.any(axis=0), h - 1 - np.argmax(solid[::-1], axis=0), -1)
    del solid
    candidates &= np.arange(h)[:, None] > solid_rows[None, :]
    shadow_cast = candidates
    del candidates
    outside |= shadow_cast
    share = 1.0 - np.count_nonzero(outside) / outside.size
    if share < 0.002 or share > 0.97:
        return None
    inside = ~outside
    # The edge: product pixels within 2 px of the background and background pixels touching the product.
    band = cv2.dilate(outside.view(np.uint8), np.ones((5, 5), np.uint8)).view(bool)
    band &= inside
    grown_in = cv2.dilate(inside.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool)
    grown_in &= outside
    band |= grown_in
    del grown_in
    # The shadow becomes a translucent black one, as a transparent PNG's is.
    shadow_cast &= ~near
    shadow_cast &= ~band
    shadow = shadow_cast
    del near
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb
    out[..., 3] = inside.view(np.uint8) * 255
    sy, sx = np.nonzero(shadow)
    del shadow, shadow_cast
    out[sy, sx, :3] = 0
    out[sy, sx, 3] = (np.clip(_darkness(lum[sy, sx], bg_lum), 0.0, _SHADOW_DARKEST) * 255 + 0.5).astype(np.uint8)
    del sy, sx, lum
    # The product's own colour next to the edge: the mean of the solid product pixels nearby (a
    # normalised convolution), so neither JPEG's blurred chroma nor the background leaks into the edge.
    # Blurred one channel at a time, only across the rows and columns the band spans.
    ys, xs = np.nonzero(band)
    if ys.size == 0:
        return Image.fromarray(out, "RGBA")
    pad = 8  # the blur's reach (sigma 2: OpenCV's kernel spans 4 sigma either side)
    top, bottom = max(0, int(ys.min()) - pad), min(h, int(ys.max()) + 1 + pad)
    left, right = max(0, int(xs.min()) - pad), min(w, int(xs.max()) + 1 + pad)
    solid = inside[top:bottom, left:right] & ~band[top:bottom, left:right]
    del band, inside, outside
    solid = solid.astype(np.float32)
    by, bx = ys - top, xs - left
    weight = cv2.GaussianBlur(solid, (0, 0), 2.0)
    w_at = weight[by, bx]
    del weight
    nearby = np.empty((ys.size, 3), np.float32)
    for c in range(3):
        blurred = cv2.GaussianBlur(rgb[top:bottom, left:right, c].astype(np.float32) * solid, (0, 0), 2.0)
        nearby[:, c] = blurred[by, bx]
        del blurred
    del solid
    pixel = rgb[ys, xs].astype(np.float32)
    raw_at = raw[ys, xs]
    del raw
    known = w_at > 0.02
    colour = np.where(known[:, None], nearby / np.maximum(w_at, 1e-6)[:, None], pixel)
    # An edge pixel is a mix of that colour and the background: alpha is its share (a projection); where
    # no solid product is near (a thin part), its distance from the background says it.
    towards = colour - bg
    mix = np.einsum("ij,ij->i", pixel - bg, towards) / np.maximum(np.einsum("ij,ij->i", towards, towards), 1.0)
    alpha = np.where(known, mix, (raw_at - _CUT_NOISE) / 64.0)
    alpha = np.where(raw_at <= _CUT_NOISE, 0.0, np.clip(alpha, 0.0, 1.0))
    out[ys, xs, :3] = np.clip(colour + 0.5, 0, 255).astype(np.uint8)
    out[ys, xs, 3] = (alpha * 255 + 0.5).astype(np.uint8)
    return Image.fromarray(out, "RGBA")


def _darkness(lum: np.ndarray, bg_lum: float) -> np.ndarray:
    """How much darker than the background (0 as light, 1 black), as float32."""
    return 1.0 - lum.astype(np.float32) / bg_lum


def _border_connected(mask: np.ndarray, gap: int = 0) -> np.ndarray | None:
    """The pixels of `mask` connected (4-way) to the image's border, through passages wider than `gap`
    pixels (so a white product on white stays whole where its outline has a small break); None when
    there are none."""
    import cv2

    if gap:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (gap + 1, gap + 1))
        opened = _border_connected(cv2.erode(mask.view(np.uint8), kernel).view(bool))
        if opened is None:
            return None
        grown = cv2.dilate(opened.view(np.uint8), kernel).view(bool)
        grown &= mask
        return grown
    # A frame of set pixels around the mask joins every border-touching region; one flood fill from it
    # (a byte per pixel, where labelling all the regions would take four).
    h, w = mask.shape
    framed = np.ones((h + 2, w + 2), np.uint8)
    framed[1:-1, 1:-1] = mask
    filled = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(framed, filled, (0, 0), 2, 0, 0, 4 | cv2.FLOODFILL_MASK_ONLY | (1 << 8))
    del framed
    connected = filled[2:-2, 2:-2].view(bool)
    if not connected.any():
        return None
    return np.ascontiguousarray(connected)
