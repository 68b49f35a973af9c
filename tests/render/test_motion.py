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


def _shown_luma(spec) -> tuple[list[np.ndarray], int]:
    """The luma of every frame as the render shows it (a frame is drawn only when it differs enough from the
    last drawn one), and how many were drawn."""
    from videos.media.probe import validate_spec
    from videos.render.compositor import build_compositor

    compositor = build_compositor(spec, validate_spec(spec))
    buffer = np.empty((spec.canvas.height * 3 // 2, spec.canvas.width), np.uint8)
    shown, drawn = [], 0
    for index in range(spec.frame_count):
        if compositor.compose(index, buffer, reuse=index > 0):
            drawn += 1
        shown.append(buffer[: spec.canvas.height].copy())
    compositor.close()
    return shown, drawn


def test_a_slow_zoom_draws_a_frame_only_once_the_picture_has_moved_a_quarter_pixel(tmp_path):
    # Given a zoom so slow that the picture moves a few hundredths of a pixel per frame
    spec = _photo_spec(tmp_path, {"kind": "zoom_in", "strength": 0.02, "easing": "linear", "focus": "center"},
                       seconds=3.0)
    exact = composed_luma(spec)
    # When the render composes it
    shown, drawn = _shown_luma(spec)
    # Then most frames repeat the last drawn one
    assert drawn < spec.frame_count / 3
    # and a repeated frame is never as far off as a frame shown a whole pixel late: the corner of the
    # picture moves 0.02 x 128 px x sqrt(2) over the 90 frames, so one frame's step is about 0.04 px
    one_pixel = np.abs(exact[0][:, 1:].astype(np.int16) - exact[0][:, :-1]).mean()
    worst = max(np.abs(s.astype(np.int16) - e).mean() for s, e in zip(shown, exact, strict=True))
    assert 0 < worst < 0.3 * one_pixel
    # and the zoom still reaches its end: the last frame is within a quarter pixel of the exact one
    assert _scale_and_centre(shown[-1])[0] == pytest.approx(_scale_and_centre(exact[-1])[0], rel=0.005)


def test_a_zoom_at_the_usual_speed_draws_every_frame(tmp_path):
    spec = _photo_spec(tmp_path, {"kind": "zoom_in", "strength": 0.2, "easing": "linear", "focus": "center"})

    shown, drawn = _shown_luma(spec)

    assert drawn == spec.frame_count
    assert all(np.array_equal(s, e) for s, e in zip(shown, composed_luma(spec), strict=True))


def _bilinear(plane: np.ndarray, inverse: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Exact bilinear samples of `plane` through cv2's inverse map (screen pixel -> plate pixel)."""
    ys, xs = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float64)
    sx = inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]
    sy = inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = sx - x0, sy - y0
    s = plane.astype(np.float64)
    return (s[y0, x0] * (1 - fx) * (1 - fy) + s[y0, x0 + 1] * fx * (1 - fy)
            + s[y0 + 1, x0] * (1 - fx) * fy + s[y0 + 1, x0 + 1] * fx * fy)


def test_a_warp_lands_within_rounding_of_exact_bilinear_sampling() -> None:
    from videos.render.encoder import new_frame
    from videos.render.warp import Warper, WarpSource
    from videos.render.yuv import Planes

    # Given a smooth picture and a camera a fraction of a pixel off the grid, zoomed a little
    ys, xs = np.mgrid[0:240, 0:240]
    picture = Planes(*((128 + 60 * np.sin(xs / (7.0 + k) + k) * np.cos(ys / (5.0 + k))).astype(np.uint8)
                       [::sub, ::sub].copy() for k, sub in ((0, 1), (1, 2), (2, 2))))
    source = WarpSource.from_planes(picture)
    matrix = np.array([[1.0 / 0.93, 0.0, -4.37], [0.0, 1.0 / 0.93, -6.71]])  # canvas -> screen
    _frame, out = new_frame(200, 200)  # the encoder's own frame: rows padded past the picture's width
    for plane in (out.y, out.u, out.v):
        plane.fill(7)
    # When it is warped onto the frame
    Warper(200, 200).warp(source, 1.0, matrix, out)
    # Then every pixel of every plane is the exact bilinear sample, rounded
    for plane, drawn, sub in zip((picture.y, picture.u, picture.v), (out.y, out.u, out.v), (1, 2, 2), strict=True):
        exact = _bilinear(plane, km.plane_matrix(matrix, 1.0, sub), (200 // sub, 200 // sub))
        assert np.abs(drawn.astype(np.float64) - exact).max() <= 0.6


def test_a_slide_draws_only_where_its_picture_lands() -> None:
    from videos.render.encoder import new_frame
    from videos.render.warp import Warper, WarpSource
    from videos.render.yuv import Planes

    # Given a 60x60 picture placed at (50, 70) on a 200x200 frame that already shows something else
    picture = Planes(np.full((60, 60), 200, np.uint8), np.full((30, 30), 90, np.uint8), np.full((30, 30), 160, np.uint8))
    _frame, out = new_frame(200, 200)
    for plane in (out.y, out.u, out.v):
        plane.fill(7)
    # When it is drawn as a slide (not covering the frame)
    Warper(200, 200).warp(WarpSource.from_planes(picture), 1.0, np.array([[1.0, 0, 50], [0, 1.0, 70]]), out,
                          opaque=False)
    # Then its rectangle shows it and everything else is untouched
    assert (out.y[70:130, 50:110] == 200).all() and (out.u[35:65, 25:55] == 90).all()
    assert (out.v[35:65, 25:55] == 160).all()
    assert (out.y[:66] == 7).all() and (out.y[134:] == 7).all() and (out.y[:, :46] == 7).all()
    assert (out.y[:, 114:] == 7).all() and (out.u[:, :23] == 7).all() and (out.v[68:] == 7).all()
