"""Warping a prepared picture onto a frame: one `cv2.warpAffine` per plane with the frame's float matrix.

With OpenCV on one core, a float32 warp of the luma is cheaper than a uint8 one even counting the
conversion back, and U and V warped together as one 4-channel uint8 image are cheaper than two
single-channel warps. So a picture to warp holds its luma as float32 and its chroma as (U, V, U, V) uint8.

A picture whose outside is one plain colour (see plates.plain_margin) is only warped where its content
lands on screen; the rest of the frame is filled with that colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from videos.render import motion as km
from videos.render.yuv import Planes

_FLAGS = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP


@dataclass
class WarpSource:
    y: np.ndarray  # (h, w) float32 luma
    uv: np.ndarray  # (h/2, w/2, 4) uint8: U, V, U, V
    # Where these pixels sit on the full plate (even luma pixels): a plate with a plain margin keeps only
    # its content (and a little of the margin, so edge pixels replicate the margin colour).
    origin: tuple[int, int] = (0, 0)
    # The full plate's size (luma pixels).
    plate_size: tuple[int, int] = (0, 0)

    @classmethod
    def from_planes(cls, planes: Planes, crop: tuple[int, int, int, int] | None = None) -> WarpSource:
        height, width = planes.y.shape
        x0, y0, x1, y1 = crop or (0, 0, width, height)
        y = planes.y[y0:y1, x0:x1].astype(np.float32)
        u, v = (plane[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] for plane in (planes.u, planes.v))
        return cls(y, cv2.merge([u, v, u, v]), (x0, y0), (width, height))

    @property
    def size(self) -> tuple[int, int]:
        return self.plate_size


class Warper:
    """Scratch buffers for one canvas size, and the warp itself."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._y = np.empty((height, width), np.float32)
        self._uv = np.empty((height // 2, width // 2, 4), np.uint8)

    def warp(
        self,
        source: WarpSource,
        plate_scale: float,
        matrix: np.ndarray,
        dst: Planes,
        *,
        content: tuple[int, int, int, int] | None = None,
        margin: tuple[int, int, int] | None = None,
        opaque: bool = True,
    ) -> None:
        """Draw `source` (plate pixels = canvas pixels x `plate_scale`) through the canvas->screen `matrix`.

        opaque: the picture covers the whole frame (anything it doesn't reach is filled with its margin
        colour or edge pixels); otherwise only the screen rectangle the plate lands in is drawn (slides)."""
        if content is not None and margin is not None and opaque:
            region = screen_rect(content, plate_scale, matrix, self.width, self.height)
            fill_around(dst, margin, region)
        elif not opaque:
            region = screen_rect((0, 0, *source.size), plate_scale, matrix, self.width, self.height)
        else:
            region = (0, 0, self.width, self.height)
        x0, y0, x1, y1 = region
        if x1 <= x0 or y1 <= y0:
            return
        ox, oy = source.origin
        luma = km.plane_matrix(matrix, plate_scale, 1)
        luma[:, 2] += luma[:, 0] * x0 + luma[:, 1] * y0 - (ox, oy)
        scratch = self._y[y0:y1, x0:x1]
        cv2.warpAffine(source.y, luma, (x1 - x0, y1 - y0), dst=scratch, flags=_FLAGS, borderMode=cv2.BORDER_REPLICATE)
        cv2.convertScaleAbs(scratch, dst=dst.y[y0:y1, x0:x1])
        cx0, cy0, cx1, cy1 = x0 // 2, y0 // 2, x1 // 2, y1 // 2
        chroma = km.plane_matrix(matrix, plate_scale, 2)
        chroma[:, 2] += chroma[:, 0] * cx0 + chroma[:, 1] * cy0 - (ox // 2, oy // 2)
        scratch_uv = self._uv[cy0:cy1, cx0:cx1]
        cv2.warpAffine(source.uv, chroma, (cx1 - cx0, cy1 - cy0), dst=scratch_uv, flags=_FLAGS,
                       borderMode=cv2.BORDER_REPLICATE)
        # into the frame's planes in place (views): half the time of two strided numpy copies
        cv2.mixChannels([scratch_uv], [dst.u[cy0:cy1, cx0:cx1], dst.v[cy0:cy1, cx0:cx1]], [0, 0, 1, 1])


def fill(out: Planes, yuv: tuple[int, int, int]) -> None:
    for plane, value in zip((out.y, out.u, out.v), yuv, strict=True):
        plane.fill(value)


def fill_around(out: Planes, yuv: tuple[int, int, int], region: tuple[int, int, int, int]) -> None:
    """Fill everything but `region` (even x0, y0, x1, y1)."""
    x0, y0, x1, y1 = region
    if x1 <= x0 or y1 <= y0:
        fill(out, yuv)
        return
    for plane, value, sub in ((out.y, yuv[0], 1), (out.u, yuv[1], 2), (out.v, yuv[2], 2)):
        a0, b0, a1, b1 = x0 // sub, y0 // sub, x1 // sub, y1 // sub
        plane[:b0].fill(value)
        plane[max(b0, b1):].fill(value)
        plane[b0:b1, :a0].fill(value)
        plane[b0:b1, max(a0, a1):].fill(value)


def screen_rect(rect, plate_scale: float, matrix: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """Where a plate rectangle (x0, y0, x1, y1 in plate pixels) lands on screen: even coordinates, 2 px
    of margin for the interpolation, clipped to the screen."""
    (a, b, c), (d, e, f) = matrix.tolist()
    xs, ys = [], []
    for x in (rect[0] / plate_scale, rect[2] / plate_scale):
        for y in (rect[1] / plate_scale, rect[3] / plate_scale):
            xs.append(a * x + b * y + c)
            ys.append(d * x + e * y + f)
    left, top = max(0, math.floor(min(xs) - 2) // 2 * 2), max(0, math.floor(min(ys) - 2) // 2 * 2)
    right = min(width, -(-math.ceil(max(xs) + 2) // 2) * 2)
    bottom = min(height, -(-math.ceil(max(ys) + 2) // 2) * 2)
    return left, top, right, bottom
