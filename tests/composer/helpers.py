"""Assertion helpers for the composer tests: the invariants every composed spec keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from videos.composer.layout import overlay_box, text_box
from videos.media.images import open_photo
from videos.spec import VideoSpec

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PHOTOS = REPO / "examples" / "photos"


def cut_times(spec: VideoSpec) -> list[float]:
    """Where each shot gives way to the next: the middle of the transition into it."""
    segments = spec.segments_of("video")
    return [s.start + s.transition.duration / 2 for s in segments[1:]]


def visible_boxes(spec: VideoSpec) -> list[tuple[float, float, object, str]]:
    """(start, end, worst-case box, label) for every text block and overlay."""
    boxes = []
    for segment in spec.segments_of("text"):
        boxes.append((segment.start, segment.end, text_box(segment.style, spec.canvas), segment.role))
    for segment in spec.segments_of("overlay"):
        img = open_photo(segment.source)
        boxes.append((segment.start, segment.end, overlay_box(segment, spec.canvas, img.width / img.height), "logo"))
    return boxes


def check_spec(spec: VideoSpec, duration: float) -> None:
    """Invariants every composed spec keeps (asserts; used by the property tests)."""
    again = VideoSpec.from_dict(spec.to_dict())  # validates, and round-trips through JSON types
    assert again == spec
    assert spec.duration == pytest.approx(duration)
    video = spec.segments_of("video")
    assert video[0].start == 0
    assert video[-1].end == pytest.approx(duration, abs=1e-5)
    assert all(s.duration >= 1.0 - 1e-6 for s in video), [s.duration for s in video]
    edges = [0.0, *cut_times(spec), duration]
    assert all(b - a >= 1.0 - 1e-6 for a, b in zip(edges, edges[1:], strict=False)), edges
    sources = [s.source for s in video]
    assert len(sources) == len(set(sources)), "a photo or clip was used twice"
    boxes = visible_boxes(spec)
    for start, end, box, label in boxes:
        assert box.inside(), f"{label} leaves the safe area: {box}"
        assert end <= duration + 1e-6 and start >= 0
    for i, (s1, e1, b1, l1) in enumerate(boxes):
        for s2, e2, b2, l2 in boxes[i + 1 :]:
            if s1 < e2 - 1e-6 and s2 < e1 - 1e-6:
                assert not b1.overlaps(b2), f"{l1} and {l2} overlap while both are shown"
