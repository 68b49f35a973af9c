"""Transitions: the incoming shot takes over during its first `duration` seconds."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from tests.render.helpers import composed_frames, solid_photo, spec_of, still

RED, BLUE = (220, 30, 30), (30, 30, 220)


def _two_shots(tmp_path, kind: str):
    red = solid_photo(tmp_path / "red.png", RED)
    blue = solid_photo(tmp_path / "blue.png", BLUE)
    transition = {"kind": kind} if kind == "cut" else {"kind": kind, "duration": 0.5}
    second_start = 1.0 if kind == "cut" else 0.5
    return spec_of([still(red, 0.0, 1.0), still(blue, second_start, 1.0 if kind == "cut" else 1.5, transition=transition)],
                   duration=2.0)


def _redness(frame: np.ndarray) -> np.ndarray:
    return (frame[..., 0].astype(float) - frame[..., 2]) / (RED[0] - BLUE[0]) * 0.5 + 0.5


def test_cut_switches_on_the_boundary_frame(tmp_path):
    frames = composed_frames(_two_shots(tmp_path, "cut"), [29, 30])
    assert _redness(frames[0]).mean() > 0.95 and _redness(frames[1]).mean() < 0.05


def test_crossfade_blends_evenly(tmp_path):
    # the transition runs 0.5 s..1.0 s: frames 15..29
    frames = composed_frames(_two_shots(tmp_path, "crossfade"), [14, 15, 22, 29, 30])
    share = [_redness(f).mean() for f in frames]
    assert share[0] > 0.97 and share[-1] < 0.03
    assert share[1] > share[2] > share[3]
    assert share[2] == pytest.approx(0.5, abs=0.1)
    assert _redness(frames[2]).std() < 0.02  # the same mix everywhere


@pytest.mark.parametrize(("kind", "incoming_side"), [("slide_left", "right"), ("slide_right", "left"),
                                                      ("slide_up", "bottom"), ("slide_down", "top")])
def test_slides_push_the_incoming_shot_in_from_the_right_side(tmp_path, kind, incoming_side):
    frame = composed_frames(_two_shots(tmp_path, kind), [22])[0]
    red = _redness(frame)
    halves = {"left": red[:, :100], "right": red[:, -100:], "top": red[:100], "bottom": red[-100:]}
    opposite = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}[incoming_side]
    assert halves[incoming_side].mean() < 0.1  # blue arriving
    assert halves[opposite].mean() > 0.9  # red leaving
    assert (np.abs(red - 0.5) > 0.4).mean() > 0.95  # two shots side by side, not a blend


def test_zoom_transition_crossfades_while_zooming(tmp_path):
    frames = composed_frames(_two_shots(tmp_path, "zoom"), [22])
    assert 0.2 < _redness(frames[0]).mean() < 0.8


def test_same_spec_same_frames(tmp_path):
    spec = _two_shots(tmp_path, "crossfade")

    def digest() -> str:
        sha = hashlib.sha256()
        for frame in composed_frames(spec):
            sha.update(frame.tobytes())
        return sha.hexdigest()

    assert digest() == digest()
