"""A spec shrunk to a smaller canvas, and one frame of a spec as RGB straight from the compositor (no encoder):
template previews and stills."""

from __future__ import annotations

import numpy as np

from videos.spec import VideoSpec


def shrink(spec: VideoSpec, max_side: int) -> VideoSpec:
    """The spec on a canvas no larger than `max_side` (text sizes scaled with it; the rest is in fractions):
    jobs' renders, look previews, template stills."""
    width, height = spec.canvas.width, spec.canvas.height
    if max_side <= 0 or max(width, height) <= max_side:
        return spec
    factor = max_side / max(width, height)
    data = spec.to_dict()
    data["canvas"]["width"] = max(64, round(width * factor / 2) * 2)
    data["canvas"]["height"] = max(64, round(height * factor / 2) * 2)
    for track in data["tracks"]:
        for segment in track["segments"]:
            if segment["type"] == "text":
                segment["style"]["size"] = max(8, round(segment["style"]["size"] * factor))
    return VideoSpec.from_dict(data)


def render_frame(spec: VideoSpec, index: int) -> np.ndarray:
    """Frame `index` of the spec as an (h, w, 3) uint8 RGB array."""
    from videos.media.probe import validate_spec
    from videos.render.compositor import build_compositor
    from videos.render.yuv import frame_views, planes_to_rgb

    width, height = spec.canvas.width, spec.canvas.height
    compositor = build_compositor(spec, validate_spec(spec))
    try:
        buffer = np.empty((height * 3 // 2, width), np.uint8)
        compositor.compose(min(max(0, index), spec.frame_count - 1), buffer, reuse=False)
        return planes_to_rgb(frame_views(buffer, width, height))
    finally:
        compositor.close()
