"""What the fake NemoVideo server's "agent" does: turn the uploaded files and the chat text into a
simple slideshow draft in the cloud's compact format, written the way a foreign draft might be (start as
`s`, sources as CDN URLs or sandbox paths, no type, BGM volume in percent, no draft duration) so the
tolerant import is exercised end to end; and the media it needs (a BGM bed, a non-H.264 video)."""

from __future__ import annotations

import re
import wave
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

TRANSITION_MS = 300


def slideshow_draft(
    instruction: str, files: list[dict[str, Any]], *, session_id: str, bgm_url: str | None
) -> dict[str, Any]:
    """A draft showing each uploaded photo/clip in turn, with a title and optional music.

    `files` are upload records (`filename`, `cdn_url`, `file_type`)."""
    seconds = _first_float(r"(\d+(?:\.\d+)?)[- ]second", instruction) or 10.0
    duration = round(seconds * 1000)
    size = re.search(r"(\d{2,4})x(\d{2,4})", instruction)
    width, height = (int(size[1]), int(size[2])) if size else (1080, 1080)
    title = (
        _first(r'Title text: "([^"]+)"', instruction) or _first(r'"([^"]+)"', instruction) or "Our product"
    )
    visuals = [f for f in files if f["file_type"] in {"image", "video"}] or files
    count = max(1, len(visuals))
    # Shots overlap by the transition, so n shots of length L fill n*L - (n-1)*T.
    shot = (duration + (count - 1) * TRANSITION_MS) // count
    segments = []
    for index, item in enumerate(visuals):
        start = index * (shot - TRANSITION_MS)
        length = duration - start if index == count - 1 else shot
        # The first file is referred to by its sandbox path, the others by CDN URL (docs/nemo-protocol.md §7).
        source = (
            {"m": {"path": f"/mnt/userdata/{session_id}/{item['filename']}"}}
            if index == 0
            else {"url": item["cdn_url"]}
        )
        segment: dict[str, Any] = {"s": start, "d": length, **source}
        if index:
            segment.setdefault("m", {})["transition"] = "fade"
        segments.append(segment)
    tracks: list[dict[str, Any]] = [{"tt": 0, "sg": segments}]
    tracks.append(
        {
            "tt": 7,
            "sg": [
                {
                    "s": 0,
                    "d": min(duration, 3000),
                    "m": {"text": title, "style": {"color": "white", "position": "top-center", "size": 64}},
                }
            ],
        }
    )
    if bgm_url and not re.search(r"no (?:background )?music", instruction, re.I):
        tracks.append(
            {"tt": 1, "sg": [{"s": 0, "d": duration, "m": {"url": bgm_url, "volume": 35, "name": "Lo-fi"}}]}
        )
    return {"m": {"title": title, "width": width, "height": height}, "t": tracks}


def reply_text(draft: dict[str, Any]) -> str:
    """The agent's answer, GUI-speak included as the real backend does (docs/nemo-protocol.md §4)."""
    title = draft["m"]["title"]
    shots = len(draft["t"][0]["sg"])
    return (
        f'Done! I made a slideshow of your {shots} files with the title "{title}". '
        "Click the Export button to render it, or drag the clips on the timeline to reorder them."
    )


def write_bgm(path: Path, seconds: float = 20.0, rate: int = 22050) -> None:
    """A quiet two-note bed as 16-bit mono WAV (enough for the local renderer to mix)."""
    t = np.arange(int(seconds * rate)) / rate
    samples = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 330 * t)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((samples * 32767).astype("<i2").tobytes())


def write_non_h264(path: Path, seconds: float = 1.0, size: int = 64) -> None:
    """A real, playable MP4 whose video is MPEG-4 Part 2, not H.264: what a bad export looks like."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 10)
        for index in range(int(seconds * 10)):
            pixels = np.full((size, size, 3), (index * 20) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _first(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text)
    return match[1] if match else None


def _first_float(pattern: str, text: str) -> float | None:
    value = _first(pattern, text)
    return float(value) if value else None
