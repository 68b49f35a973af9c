"""BT.709 limited-range colour conversion between RGB and the planar YUV 4:2:0 the encoder takes.

The renderer composes directly in YUV: every photo is converted once, and each frame is then warped and
blended plane by plane (Y full size, U and V half size)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_KR, _KB = 0.2126, 0.0722
_KG = 1.0 - _KR - _KB
# RGB (0..255) -> limited-range Y'CbCr: a 3x4 matrix for cv2.transform (last column: offsets).
RGB_TO_YUV = np.array(
    [
        [_KR * 219 / 255, _KG * 219 / 255, _KB * 219 / 255, 16.0],
        [-_KR / (2 * (1 - _KB)) * 224 / 255, -_KG / (2 * (1 - _KB)) * 224 / 255, 0.5 * 224 / 255, 128.0],
        [0.5 * 224 / 255, -_KG / (2 * (1 - _KR)) * 224 / 255, -_KB / (2 * (1 - _KR)) * 224 / 255, 128.0],
    ],
    dtype=np.float64,
)
_inverse = np.linalg.inv(np.vstack([RGB_TO_YUV, [0, 0, 0, 1]]))
YUV_TO_RGB = _inverse[:3].copy()


@dataclass
class Planes:
    """One picture as planar YUV 4:2:0: y is (h, w), u and v are (h/2, w/2), all uint8."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        return self.y.shape[1], self.y.shape[0]


def parse_color(value: str | None, default: str = "#000000") -> tuple[int, int, int, int]:
    """'#RRGGBB' or '#RRGGBBAA' -> (r, g, b, a)."""
    value = (value or default).lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    a = int(value[6:8], 16) if len(value) == 8 else 255
    return r, g, b, a


def rgb_to_yuv444(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 RGB -> (h, w, 3) uint8 YUV, full-resolution chroma."""
    return cv2.transform(rgb, RGB_TO_YUV)


def rgb_to_planes(rgb: np.ndarray) -> Planes:
    """(h, w, 3) uint8 RGB with even h, w -> planar YUV 4:2:0 (chroma averaged over 2x2 blocks)."""
    h, w = rgb.shape[:2]
    yuv = rgb_to_yuv444(rgb)
    y = np.ascontiguousarray(yuv[..., 0])
    uv = cv2.resize(yuv[..., 1:], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return Planes(y, np.ascontiguousarray(uv[..., 0]), np.ascontiguousarray(uv[..., 1]))


def color_to_yuv(rgb: tuple[int, ...]) -> tuple[int, int, int]:
    pixel = np.array([[rgb[:3]]], dtype=np.uint8)
    return tuple(int(v) for v in rgb_to_yuv444(pixel)[0, 0])  # type: ignore[return-value]


def solid_planes(width: int, height: int, rgb: tuple[int, ...]) -> Planes:
    y, u, v = color_to_yuv(rgb)
    return Planes(
        np.full((height, width), y, np.uint8),
        np.full((height // 2, width // 2), u, np.uint8),
        np.full((height // 2, width // 2), v, np.uint8),
    )


def frame_views(buffer: np.ndarray, width: int, height: int) -> Planes:
    """Plane views into one (h*3/2, w) uint8 buffer laid out as PyAV's yuv420p ndarray (Y, U, V)."""
    flat = buffer.reshape(-1)
    ysize, csize = width * height, (width // 2) * (height // 2)
    return Planes(
        flat[:ysize].reshape(height, width),
        flat[ysize : ysize + csize].reshape(height // 2, width // 2),
        flat[ysize + csize : ysize + 2 * csize].reshape(height // 2, width // 2),
    )


def planes_to_rgb(planes: Planes) -> np.ndarray:
    """Planar YUV 4:2:0 -> (h, w, 3) uint8 RGB (for posters and tests)."""
    w, h = planes.size
    u = cv2.resize(planes.u, (w, h), interpolation=cv2.INTER_LINEAR)
    v = cv2.resize(planes.v, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.transform(np.dstack([planes.y, u, v]), YUV_TO_RGB)
