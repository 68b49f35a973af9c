"""Ken Burns motion: one float affine matrix per frame (sub-pixel, so nothing jitters).

Matrices here map canvas coordinates (where the fitted photo lies at zoom 1, in continuous pixel units:
the canvas spans 0..W x 0..H) to screen coordinates, as 2x3 float64 arrays.

- zoom_in / zoom_out: the scale goes 1 -> 1 + strength (or back) around a fixed point, the focus: the
  product's centre ("auto"), the canvas centre ("center") or a normalised point of the photo. Any scale >= 1
  around a point inside the canvas keeps the view inside the photo, so no border ever shows.
- pan_left / pan_right / pan_up / pan_down: the camera moves that way (so the picture slides the other way)
  by `strength` of the canvas, at the constant zoom that makes room for the travel, centred on the focus
  across the travel.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from videos.spec import Motion

Matrix = np.ndarray


def ease(kind: str, p: float) -> float:
    p = min(max(p, 0.0), 1.0)
    if kind == "linear":
        return p
    return 0.5 - 0.5 * math.cos(math.pi * p)


def max_scale(motion: Motion) -> float:
    """The largest zoom the motion reaches: the oversampling its plate needs."""
    if motion.kind in {"zoom_in", "zoom_out"}:
        return 1.0 + motion.strength
    if motion.kind.startswith("pan_"):
        return 1.0 / (1.0 - motion.strength)
    return 1.0


def focus_point(motion: Motion, product_center: tuple[float, float], to_canvas, canvas: tuple[int, int]):
    """The focus in canvas pixels, clamped onto the canvas."""
    width, height = canvas
    if motion.focus == "center":
        fx, fy = width / 2, height / 2
    elif motion.focus == "auto":
        fx, fy = product_center
    else:
        fx, fy = to_canvas(*motion.focus)
    return min(max(fx, 0.0), float(width)), min(max(fy, 0.0), float(height))


def identity() -> Matrix:
    return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def scale_about(z: float, cx: float, cy: float) -> Matrix:
    return np.array([[z, 0.0, cx * (1 - z)], [0.0, z, cy * (1 - z)]])


def translate(dx: float, dy: float) -> Matrix:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]])


def invert(matrix: Matrix) -> Matrix:
    """The inverse affine map."""
    linear = np.linalg.inv(matrix[:, :2])
    return np.hstack([linear, -linear @ matrix[:, 2:]])


def compose(outer: Matrix, inner: Matrix) -> Matrix:
    """outer after inner."""
    return outer[:, :2] @ inner + np.hstack([np.zeros((2, 2)), outer[:, 2:]])


def camera(
    motion: Motion, focus: tuple[float, float], canvas: tuple[int, int], duration: float
) -> Callable[[float], Matrix]:
    """matrix(t) for t seconds into the segment (clamped to 0..duration)."""
    width, height = canvas
    fx, fy = focus
    kind, strength = motion.kind, motion.strength

    def progress(t: float) -> float:
        return ease(motion.easing, t / duration if duration > 0 else 1.0)

    if kind == "none" or strength <= 0:
        return lambda t: identity()
    if kind in {"zoom_in", "zoom_out"}:

        def zoom(t: float) -> Matrix:
            p = progress(t)
            z = 1.0 + strength * (p if kind == "zoom_in" else 1.0 - p)
            return scale_about(z, fx, fy)

        return zoom
    z = 1.0 / (1.0 - strength)
    half_w, half_h = width / (2 * z), height / (2 * z)
    # The window's centre may travel within these bounds without showing past the photo's edge.
    cx = min(max(fx, half_w), width - half_w)
    cy = min(max(fy, half_h), height - half_h)
    horizontal = kind in {"pan_left", "pan_right"}
    travel = (width if horizontal else height) * strength
    # pan_left / pan_up: the camera moves left / up, so its centre goes from + to -.
    sign = -1.0 if kind in {"pan_left", "pan_up"} else 1.0
    mid = width / 2 if horizontal else height / 2

    def pan(t: float) -> Matrix:
        offset = mid + sign * travel * (ease(motion.easing, t / duration) - 0.5) if duration > 0 else mid
        wx, wy = (offset, cy) if horizontal else (cx, offset)
        # screen = z * (canvas - window centre) + screen centre
        return np.array([[z, 0.0, width / 2 - z * wx], [0.0, z, height / 2 - z * wy]])

    return pan


def plane_matrix(matrix: Matrix, plate_scale: float, subsampling: int) -> Matrix:
    """The canvas->screen matrix as cv2's inverse map (screen pixel -> plate pixel) for one plane.

    `plate_scale` is plate pixels per canvas pixel; `subsampling` is 1 for luma, 2 for 4:2:0 chroma.
    Pixel centres sit at +0.5 in continuous coordinates, hence the half-pixel terms."""
    s = float(subsampling)
    (a, b, c), (d, e, f) = matrix.tolist()
    # forward, continuous, plane units: screen/s = A/k * (plate/s) + t/s
    a, b, d, e = a / plate_scale, b / plate_scale, d / plate_scale, e / plate_scale
    c, f = c / s, f / s
    # pixel indices: x' + 0.5 = A (x + 0.5) + t  ->  x' = A x + (A [0.5, 0.5] + t - 0.5)
    c, f = c + 0.5 * (a + b) - 0.5, f + 0.5 * (d + e) - 0.5
    det = a * e - b * d
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    return np.array([[ia, ib, -(ia * c + ib * f)], [id_, ie, -(id_ * c + ie * f)]])
