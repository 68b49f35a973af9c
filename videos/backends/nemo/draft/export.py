"""Spec -> compact draft (the shape is documented in `videos.backends.nemo.draft`), and the vendor's track summary."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from videos.spec import VideoSpec

TRACK_TYPES = {"video": 0, "overlay": 0, "audio": 1, "text": 7}


def spec_to_draft(spec: VideoSpec) -> dict[str, Any]:
    """`spec` as a compact draft (the shape in this module's docstring)."""
    root_m: dict[str, Any] = {
        "title": _title_of(spec),
        "width": spec.canvas.width,
        "height": spec.canvas.height,
        "fps": spec.canvas.fps,
        "background": spec.canvas.background,
        "meta": dict(spec.metadata),
    }
    if spec.poster_time is not None:
        root_m["poster"] = _ms(spec.poster_time)
    tracks = [
        {
            "tt": TRACK_TYPES[track.kind],
            "m": {"role": track.kind},
            "sg": [_export_segment(s) for s in track.segments],
        }
        for track in spec.tracks
    ]
    return {"d": _ms(spec.duration), "m": root_m, "t": tracks}


def _title_of(spec: VideoSpec) -> str:
    title = spec.metadata.get("title")
    if isinstance(title, str) and title:
        return title
    texts = spec.segments_of("text")
    titled = [s.text for s in texts if s.role == "title"]
    return (titled or [s.text for s in texts] or [""])[0]


def _export_segment(segment: Any) -> dict[str, Any]:
    data = segment.model_dump(mode="json")
    m: dict[str, Any] = {"type": data.pop("type")}
    if "source" in data:
        m["src"] = data.pop("source")
    for key in ("trim_start", "fade_in", "fade_out", "fade"):
        if key in data:
            m["trim" if key == "trim_start" else key] = _ms(data.pop(key))
    if "transition" in data:
        transition = data.pop("transition")
        m["transition"] = {"kind": transition["kind"], "d": _ms(transition["duration"])}
    if "style" in data:
        style = data.pop("style")
        style["animation_d"] = _ms(style.pop("animation_duration"))
        m["style"] = style
    start, duration = data.pop("start"), data.pop("duration")
    m.update(data)
    return {"st": _ms(start), "d": _ms(duration), "m": m}


def _ms(seconds: float) -> int | float:
    value = round(seconds * 1000, 3)
    return int(value) if value.is_integer() else value


def describe_spec(spec: VideoSpec) -> str:
    """The vendor's track summary format, e.g.
    ``Timeline (3 tracks): 1. Video: 4 photos (0-15s) 2. BGM: bed.mp3 (0-15s, 35%) 3. Title: "Linen" (0-3s)``."""
    parts: list[str] = []
    for index, track in enumerate(spec.tracks, start=1):
        if not track.segments:
            continue
        start = min(s.start for s in track.segments)
        end = max(s.end for s in track.segments)
        span = f"{start:g}-{end:g}s"
        if track.kind == "video":
            photos = sum(1 for s in track.segments if s.type == "image")
            clips = len(track.segments) - photos
            what = ", ".join(p for p in (_plural(photos, "photo"), _plural(clips, "clip")) if p)
            parts.append(f"{index}. Video: {what} ({span})")
        elif track.kind == "audio":
            first = track.segments[0]
            parts.append(
                f"{index}. BGM: {PurePosixPath(first.source).name} ({span}, {round(first.volume * 100)}%)"
            )
        elif track.kind == "text":
            texts = ", ".join(f'"{s.text}"' for s in track.segments)
            parts.append(
                f"{index}. {'Title' if track.segments[0].role == 'title' else 'Text'}: {texts} ({span})"
            )
        else:
            parts.append(f"{index}. Overlay: {PurePosixPath(track.segments[0].source).name} ({span})")
    return f"Timeline ({len(parts)} tracks): " + " ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}" if count else ""
