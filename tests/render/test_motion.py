"""Ken Burns motion: smooth sub-pixel zooms and pans, toward the product."""

from __future__ import annotations

import numpy as np
import pytest

from tests.render.helpers import composed_luma, product_photo, spec_of
from videos.render import motion as km
from videos.spec import Motion


def _darkness(luma: np.ndarray) -> np.ndarray:
    return np.clip(235.0 - luma.astype(np.float64), 0, None)


def _scale_and_centre(luma: np.ndarray) -> tuple[float, float, float]:
    """sqrt(product area) (a sub-pixel measure of the zoom) and the product's centroid."""
    weight = _darkness(luma)
    total = weight.sum()
    ys, xs = np.mgrid[0 : luma.shape[0], 0 : luma.shape[1]]
    return float(np.sqrt(total)), float((weight * xs).sum() / total), float((weight * ys).sum() / total)


def _photo_spec(tmp_path, motion: dict, *, box=(0.35, 0.3, 0.65, 0.7), seconds=2.0):
    photo = product_photo(tmp_path / "p.png", size=(400, 400), box=box, soft=4.0)
    return spec_of([{"source": str(photo), "start": 0, "duration": seconds, "motion": motion, "fit": "cover"}])


def test_zoom_in_grows_monotonically_and_smoothly(tmp_path):
    spec = _photo_spec(tmp_path, {"kind": "zoom_in", "strength": 0.2, "easing": "linear", "focus": "center"})
    measures = np.array([_scale_and_centre(luma) for luma in composed_luma(spec)])
    scale = measures[:, 0] / measures[0, 0]
    steps = np.diff(scale)
    assert scale[-1] == pytest.approx(1.2, abs=0.02)
    assert (steps > 0).all(), "the zoom never reverses or stalls"
    # linear easing: equal steps, up to sub-pixel interpolation noise; in pixels at the product's edge
    # (about 40 % of the 256 px canvas from the centre) the wobble stays far below a pixel
    edge = 0.4 * 256
    assert np.abs(np.diff(steps)).max() * edge < 0.1
    # zooming about the centre keeps a centred product still (sub-pixel)
    assert np.abs(measures[:, 1] - measures[0, 1]).max() < 0.3


def test_ease_in_out_zoom_starts_and_ends_slowly(tmp_path):
    spec = _photo_spec(tmp_path, {"kind": "zoom_out", "strength": 0.1, "easing": "ease_in_out", "focus": "center"})
    scale = np.array([_scale_and_centre(luma)[0] for luma in composed_luma(spec)])
    steps = np.diff(scale)
    assert (steps < 0).all()
    middle = len(steps) // 2
    assert abs(steps[middle]) > 3 * abs(steps[0]) and abs(steps[middle]) > 3 * abs(steps[-1])


def test_zoom_heads_for_the_product(tmp_path):
    """focus=auto zooms about the product (off-centre here), so it stays put; 'center' pushes it away."""
    box = (0.1, 0.15, 0.35, 0.45)
    auto = _photo_spec(tmp_path, {"kind": "zoom_in", "strength": 0.3, "focus": "auto"}, box=box, seconds=1.0)
    centre = _photo_spec(tmp_path, {"kind": "zoom_in", "strength": 0.3, "focus": "center"}, box=box, seconds=1.0)
    first, last = (_scale_and_centre(luma) for luma in composed_luma(auto, [0, 29]))
    drift_auto = np.hypot(last[1] - first[1], last[2] - first[2])
    first, last = (_scale_and_centre(luma) for luma in composed_luma(centre, [0, 29]))
    drift_centre = np.hypot(last[1] - first[1], last[2] - first[2])
    assert drift_auto < 2.0
    assert drift_centre > 10 * max(drift_auto, 0.5)


def test_pan_moves_smoothly_in_its_direction(tmp_path):
    spec = _photo_spec(tmp_path, {"kind": "pan_left", "strength": 0.15, "easing": "linear", "focus": "center"})
    xs = np.array([_scale_and_centre(luma)[1] for luma in composed_luma(spec)])
    steps = np.diff(xs)
    assert (steps > 0).all(), "pan_left: the camera moves left, so the picture slides right"
    assert np.abs(np.diff(steps)).max() < 0.1  # pixels: no whole-pixel jumps
    assert 0.1 * 256 < xs[-1] - xs[0] < 0.25 * 256


def test_matrices_are_float_and_sub_pixel():
    camera = km.camera(Motion(kind="zoom_in", strength=0.1, easing="linear"), (128.0, 128.0), (256, 256), 1.0)
    a, b = camera(0.0), camera(1 / 30)
    assert a.dtype == np.float64
    assert 0 < b[0, 0] - a[0, 0] < 0.01  # the scale changes by a fraction per frame
    assert km.max_scale(Motion(kind="zoom_out", strength=0.2)) == pytest.approx(1.2)
    assert km.max_scale(Motion(kind="pan_up", strength=0.2)) == pytest.approx(1.25)
