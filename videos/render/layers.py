"""Pre-rendered overlays (text blocks, logos) as premultiplied YUVA patches, blended onto frames.

A layer is rasterised once; each frame only blends its bounding box, optionally moved, scaled and faded
by its animation (with a sub-pixel warp of the small patch)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np
from PIL import Image

from videos.render.motion import plane_matrix
from videos.render.yuv import Planes, rgb_to_yuv444


@dataclass
class Layer:
    x0: int  # top-left corner on the canvas (even)
    y0: int
    ya: np.ndarray  # (h, w) float32: luma x alpha
    a: np.ndarray  # (h, w) float32: alpha 0..1
    ua: np.ndarray  # (h/2, w/2) float32: chroma x alpha
    va: np.ndarray
    ac: np.ndarray  # (h/2, w/2) float32: chroma-resolution alpha

    @property
    def width(self) -> int:
        return self.a.shape[1]

    @property
    def height(self) -> int:
        return self.a.shape[0]

    @property
    def center(self) -> tuple[float, float]:
        return self.x0 + self.width / 2, self.y0 + self.height / 2

    @cached_property
    def fixed(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """(255 x value x alpha, 255 x (1 - alpha)), both uint16, for Y, U and V: a layer shown in place at
        full opacity (most frames) blends in integers, within one level of `_blend_at` and several times faster."""
        def pair(premul: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return (np.clip(premul * 255.0 + 0.5, 0, 65025).astype(np.uint16),
                    np.clip((1.0 - alpha) * 255.0 + 0.5, 0, 255).astype(np.uint16))

        return pair(self.ya, self.a), pair(self.ua, self.ac), pair(self.va, self.ac)


def rgba_to_layer(rgba: np.ndarray, center: tuple[float, float], canvas: tuple[int, int]) -> Layer:
    """An (h, w, 4) uint8 RGBA patch centred at `center` (canvas pixels), kept inside the canvas."""
    cw, ch = canvas
    h, w = rgba.shape[:2]
    pad_w, pad_h = w % 2, h % 2
    if pad_w or pad_h:
        rgba = np.pad(rgba, ((0, pad_h), (0, pad_w), (0, 0)))
        h, w = rgba.shape[:2]
    if w > cw or h > ch:  # larger than the canvas: crop around its centre
        top, left = max(0, (h - ch) // 2) // 2 * 2, max(0, (w - cw) // 2) // 2 * 2
        rgba = rgba[top : top + min(h, ch), left : left + min(w, cw)]
        h, w = rgba.shape[:2]
    x0 = int(round(min(max(center[0] - w / 2, 0), cw - w) / 2)) * 2
    y0 = int(round(min(max(center[1] - h / 2, 0), ch - h) / 2)) * 2
    x0, y0 = min(x0, cw - w), min(y0, ch - h)
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    yuv = rgb_to_yuv444(np.ascontiguousarray(rgba[..., :3])).astype(np.float32)
    premultiplied = yuv * alpha[..., None]
    half = (w // 2, h // 2)
    chroma = cv2.resize(np.dstack([premultiplied[..., 1], premultiplied[..., 2], alpha]), half, interpolation=cv2.INTER_AREA)
    return Layer(
        x0, y0, np.ascontiguousarray(premultiplied[..., 0]), alpha,
        np.ascontiguousarray(chroma[..., 0]), np.ascontiguousarray(chroma[..., 1]), np.ascontiguousarray(chroma[..., 2]),
    )


def image_layer(img: Image.Image, *, center: tuple[float, float], width: int, canvas: tuple[int, int]) -> Layer:
    """A logo or sticker: RGBA image scaled to `width` canvas pixels (aspect kept)."""
    rgba = np.asarray(img.convert("RGBA"))
    h, w = rgba.shape[:2]
    width = max(2, int(width))
    height = max(2, int(round(h * width / w)))
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    premul = np.concatenate([rgba[..., :3] * alpha, rgba[..., 3:4].astype(np.float32)], axis=2)
    inter = cv2.INTER_AREA if width < w else cv2.INTER_CUBIC
    scaled = np.clip(cv2.resize(premul, (width, height), interpolation=inter), 0, 255)
    a = scaled[..., 3:4] / 255.0
    rgb = np.where(a > 0, scaled[..., :3] / np.maximum(a, 1e-6), 0)
    out = np.dstack([np.clip(rgb + 0.5, 0, 255), scaled[..., 3:4] + 0.5]).astype(np.uint8)
    return rgba_to_layer(out, center, canvas)


def blend(frame: Planes, layer: Layer, opacity: float = 1.0, dx: float = 0.0, dy: float = 0.0, scale: float = 1.0) -> None:
    """Blend `layer` into the frame planes in place, faded by `opacity`, moved by (dx, dy), scaled about
    its centre by `scale`."""
    if opacity <= 0.0 or scale <= 0.01:
        return
    if dx == 0.0 and dy == 0.0 and scale == 1.0:
        if opacity >= 1.0:
            for plane, (value, clear), sub in zip((frame.y, frame.u, frame.v), layer.fixed, (1, 2, 2), strict=True):
                _blend_fixed(plane, value, clear, layer.x0 // sub, layer.y0 // sub)
            return
        _blend_at(frame.y, layer.ya, layer.a, layer.x0, layer.y0, opacity)
        _blend_at(frame.u, layer.ua, layer.ac, layer.x0 // 2, layer.y0 // 2, opacity)
        _blend_at(frame.v, layer.va, layer.ac, layer.x0 // 2, layer.y0 // 2, opacity)
        return
    fw, fh = frame.size
    cx, cy = layer.center
    half_w, half_h = layer.width * scale / 2 + 2, layer.height * scale / 2 + 2
    rx0 = max(0, int(math.floor((cx + dx - half_w) / 2)) * 2)
    ry0 = max(0, int(math.floor((cy + dy - half_h) / 2)) * 2)
    rx1 = min(fw, int(math.ceil((cx + dx + half_w) / 2)) * 2)
    ry1 = min(fh, int(math.ceil((cy + dy + half_h) / 2)) * 2)
    if rx1 <= rx0 or ry1 <= ry0:
        return
    # layer-local continuous coords -> region-local continuous coords
    lx, ly = cx - layer.x0, cy - layer.y0
    forward = np.array(
        [[scale, 0.0, cx + dx - rx0 - scale * lx], [0.0, scale, cy + dy - ry0 - scale * ly]], dtype=np.float64
    )
    size = (rx1 - rx0, ry1 - ry0)
    half = (size[0] // 2, size[1] // 2)
    luma_map, chroma_map = plane_matrix(forward, 1.0, 1), plane_matrix(forward, 1.0, 2)

    def warp(src: np.ndarray, inverse: np.ndarray, dsize: tuple[int, int]) -> np.ndarray:
        return cv2.warpAffine(src, inverse, dsize, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    _blend_at(frame.y, warp(layer.ya, luma_map, size), warp(layer.a, luma_map, size), rx0, ry0, opacity)
    ac = warp(layer.ac, chroma_map, half)
    _blend_at(frame.u, warp(layer.ua, chroma_map, half), ac, rx0 // 2, ry0 // 2, opacity)
    _blend_at(frame.v, warp(layer.va, chroma_map, half), ac, rx0 // 2, ry0 // 2, opacity)


def _blend_fixed(plane: np.ndarray, value: np.ndarray, clear: np.ndarray, x0: int, y0: int) -> None:
    """plane = (plane x clear + value) / 255, rounded: `_blend_at` at full opacity in integers."""
    region = _region(plane, clear.shape, x0, y0)
    if region is None:
        return
    h, w = region.shape
    mixed = region.astype(np.uint16)  # uint16 x uint16 has a SIMD path in OpenCV; uint8 x uint8 -> uint16 has not
    cv2.multiply(mixed, clear[:h, :w], dst=mixed)
    cv2.add(mixed, value[:h, :w], dst=mixed)
    cv2.convertScaleAbs(mixed, dst=region, alpha=1 / 255)


def _region(plane: np.ndarray, shape: tuple[int, ...], x0: int, y0: int) -> np.ndarray | None:
    """The view of `plane` a patch of `shape` at (x0, y0) covers, cut at the plane's edge; None if empty."""
    h, w = min(shape[0], plane.shape[0] - y0), min(shape[1], plane.shape[1] - x0)
    return plane[y0 : y0 + h, x0 : x0 + w] if h > 0 and w > 0 else None


def _blend_at(plane: np.ndarray, premul: np.ndarray, alpha: np.ndarray, x0: int, y0: int, opacity: float) -> None:
    region = _region(plane, alpha.shape, x0, y0)
    if region is None:
        return
    h, w = region.shape
    base = region.astype(np.float32)
    a, p = alpha[:h, :w], premul[:h, :w]
    out = base - opacity * (a * base - p)
    np.clip(out + 0.5, 0, 255, out=out)
    region[...] = out.astype(np.uint8)
