"""What Showreel asks the NemoVideo agent for: the merchant's own words when given, else the spec described.

NemoVideo is an agent, not a renderer: it builds its own timeline from the uploaded media and one chat
message, so the spec's canvas, duration, order, texts and music become plain sentences.
"""

from __future__ import annotations

import math

from videos.backends.nemo.inputs import SourceMedia
from videos.spec import VideoSpec

TEXT_LABELS = {
    "title": "Title text",
    "price": "Price",
    "badge": "Badge",
    "cta": "Closing call to action",
    "caption": "Caption",
}


def build_instruction(spec: VideoSpec, media: list[SourceMedia]) -> str:
    """What to ask the agent for: the merchant's own words when given, else the spec described."""
    own = spec.metadata.get("instruction")
    if isinstance(own, str) and own.strip():
        return own.strip()
    photos = sum(1 for s in spec.segments_of("video") if s.type == "image")
    clips = len(spec.segments_of("video")) - photos
    kinds = " and ".join(
        p for p in (f"{photos} photos" if photos else "", f"{clips} clips" if clips else "") if p
    )
    divisor = math.gcd(spec.canvas.width, spec.canvas.height)
    aspect = f"{spec.canvas.width // divisor}:{spec.canvas.height // divisor}"
    lines = [
        f"Create a {spec.duration:g}-second product showcase video in {aspect} format "
        f"({spec.canvas.width}x{spec.canvas.height}) from the {len(media)} uploaded files ({kinds}), "
        "in the order they were uploaded, as a slideshow with smooth transitions. Do not generate new footage."
    ]
    for segment in spec.segments_of("text"):
        lines.append(f'{TEXT_LABELS[segment.role]}: "{segment.text}" ({segment.start:g}-{segment.end:g}s).')
    lines.append("Add upbeat background music." if spec.segments_of("audio") else "No background music.")
    return "\n".join(lines)
