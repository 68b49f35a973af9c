"""Same spec and inputs -> the same frames (composed and encoded)."""

from __future__ import annotations

import hashlib

from tests.render.helpers import EXAMPLES, composed_frames, decoded_frames, spec_of
from videos.backends import get_backend


def _spec():
    return spec_of(
        [{"source": str(EXAMPLES / "cap-red-front.png"), "start": 0, "duration": 0.8,
          "motion": {"kind": "zoom_in", "strength": 0.15}},
         {"source": str(EXAMPLES / "jeans-woman-ripped-lifestyle.jpg"), "start": 0.5, "duration": 0.7,
          "motion": {"kind": "pan_right", "strength": 0.1}, "transition": {"kind": "slide_left", "duration": 0.3}}],
        size=(192, 192),
        text=[{"text": "Red Cap 红帽", "start": 0, "duration": 1.2, "style": {"animation": "pop", "size": 30}}],
    )


def _digest(frames) -> str:
    sha = hashlib.sha256()
    for frame in frames:
        sha.update(frame.tobytes())
    return sha.hexdigest()


def test_composed_frames_are_identical_across_runs():
    assert _digest(composed_frames(_spec())) == _digest(composed_frames(_spec()))


def test_encoded_frames_are_identical_across_runs(tmp_path):
    backend = get_backend("local")
    backend.render(_spec(), tmp_path / "a.mp4")
    backend.render(_spec(), tmp_path / "b.mp4")
    assert _digest(decoded_frames(tmp_path / "a.mp4")) == _digest(decoded_frames(tmp_path / "b.mp4"))
