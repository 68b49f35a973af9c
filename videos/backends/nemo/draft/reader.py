"""Compact draft -> validated spec, tolerant of the spellings a cloud draft may use (see `videos.backends.nemo.draft`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from videos.backends.nemo.draft import values as v
from videos.backends.nemo.draft.values import sandbox_filename
from videos.spec import Canvas, SpecError, TextStyle, VideoSpec

SANDBOX_PREFIX = "/mnt/userdata/"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".avif"}
CLIP_EXTENSIONS = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}

ResolveSource = Callable[[str], "str | None"]

_START_KEYS = ("st", "s", "start", "b")
_END_KEYS = ("e", "end")
_SOURCE_KEYS = ("src", "url", "cdn_url", "path")
_M_SOURCE_KEYS = ("src", "source", "url", "cdn_url", "path")
_TYPE_ALIASES = {
    "image": "image", "photo": "image", "picture": "image", "img": "image",
    "clip": "clip", "video": "clip",
    "overlay": "overlay", "sticker": "overlay", "logo": "overlay",
    "text": "text", "title": "text", "subtitle": "text", "caption": "text",
    "audio": "audio", "bgm": "audio", "music": "audio", "sound": "audio",
}  # fmt: skip
_TRANSITION_ALIASES = {"fade": "crossfade", "dissolve": "crossfade", "mix": "crossfade", "none": "cut"}
_TEXT_ROLES = {"title", "price", "badge", "cta", "caption"}
_POSITIONS_Y = {"top": 0.15, "center": 0.5, "middle": 0.5, "bottom": 0.85}
_POSITIONS_X = {"left": 0.25, "center": 0.5, "middle": 0.5, "right": 0.75}


def draft_to_spec(
    draft: Any,
    *,
    canvas: Canvas | None = None,
    resolve_source: ResolveSource | None = None,
) -> VideoSpec:
    """A validated spec from a compact draft (ours or the cloud's; see the module docstring).

    `canvas` renders the draft at another size (text sizes scale with the height); by default the
    draft's own `m.width`/`m.height`/`m.fps`/`m.background` are used, else 1080x1080 at 30 fps."""
    if not isinstance(draft, dict):
        raise SpecError("", f"a draft must be a JSON object, not {type(draft).__name__}")
    root_m = v.optional_dict(draft.get("m"), "m")
    raw_tracks = draft.get("t")
    if not isinstance(raw_tracks, list):
        raise SpecError("t", "must be a list of tracks")

    draft_canvas = _draft_canvas(root_m)
    target = canvas or draft_canvas
    text_scale = target.height / draft_canvas.height if canvas is not None and "height" in root_m else 1.0
    reader = _Reader(resolve_source, text_scale)

    tracks: list[dict[str, Any]] = []
    # (draft track index, draft segment index of each spec segment), to name draft fields in errors.
    index_map: list[tuple[int, list[int]]] = []
    skipped: list[str] = []
    for t_index, raw_track in enumerate(raw_tracks):
        path = f"t[{t_index}]"
        if not isinstance(raw_track, dict):
            raise SpecError(path, "must be an object with tt and sg")
        kind = _track_kind(raw_track, path)
        if kind is None:
            skipped.append(f"{path} (tt={raw_track.get('tt')})")
            continue
        raw_segments = raw_track.get("sg", [])
        if not isinstance(raw_segments, list):
            raise SpecError(f"{path}.sg", "must be a list of segments")
        segments = [
            (s_index, reader.segment(kind, raw, f"{path}.sg[{s_index}]"))
            for s_index, raw in enumerate(raw_segments)
        ]
        if kind == "video":
            segments.sort(key=lambda item: item[1]["start"])
            _settle_transitions([segment for _, segment in segments])
        tracks.append({"kind": kind, "segments": [segment for _, segment in segments]})
        index_map.append((t_index, [s_index for s_index, _ in segments]))

    ends = [segment["start"] + segment["duration"] for track in tracks for segment in track["segments"]]
    if "d" in draft:
        duration = v.seconds(v.number(draft["d"], "d", positive=True))
    elif ends:
        duration = max(ends)
    else:
        raise SpecError("t", "has no segments, and the draft has no d")

    metadata = root_m.get("meta")
    if not isinstance(metadata, dict):
        metadata = (
            {"title": root_m["title"]} if isinstance(root_m.get("title"), str) and root_m["title"] else {}
        )
    metadata = dict(metadata)
    if skipped:
        metadata["draft_skipped"] = skipped

    spec_data: dict[str, Any] = {
        "canvas": target.model_dump(),
        "duration": duration,
        "tracks": tracks,
        "metadata": metadata,
    }
    if root_m.get("poster") is not None:
        spec_data["poster_time"] = v.seconds(v.number(root_m["poster"], "m.poster"))
    try:
        return VideoSpec.from_dict(spec_data)
    except SpecError as exc:
        raise SpecError(v.draft_field(exc.field, index_map), v.draft_message(exc.message)) from None


def _draft_canvas(root_m: dict[str, Any]) -> Canvas:
    values: dict[str, Any] = {}
    for key in ("width", "height"):
        if key in root_m:
            values[key] = int(v.number(root_m[key], f"m.{key}", positive=True, unit=" of pixels"))
    if "fps" in root_m:
        values["fps"] = round(v.number(root_m["fps"], "m.fps", positive=True, unit=""))
    if "background" in root_m:
        values["background"] = v.color(root_m["background"], "m.background")
    try:
        return Canvas(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        raise SpecError(f"m.{error['loc'][0]}", message[0].lower() + message[1:]) from None


def _track_kind(track: dict[str, Any], path: str) -> str | None:
    tt = track.get("tt")
    if isinstance(tt, bool) or not isinstance(tt, int):
        raise SpecError(f"{path}.tt", f"must be a track type number (0 video, 1 audio, 7 text), not {tt!r}")
    if tt == 1:
        return "audio"
    if tt == 7:
        return "text"
    if tt != 0:
        return None
    track_m = track.get("m") if isinstance(track.get("m"), dict) else {}
    if track_m.get("role") == "overlay":
        return "overlay"
    segments = track.get("sg") if isinstance(track.get("sg"), list) else []
    types = {
        _TYPE_ALIASES.get(str(s.get("m", {}).get("type", "")).lower())
        for s in segments
        if isinstance(s, dict) and isinstance(s.get("m"), dict)
    }
    return "overlay" if segments and types == {"overlay"} else "video"


class _Reader:
    """Turns one draft segment into a spec segment dict, naming draft fields in its errors."""

    def __init__(self, resolve_source: ResolveSource | None, text_scale: float) -> None:
        self.resolve_source = resolve_source
        self.text_scale = text_scale

    def segment(self, track_kind: str, raw: Any, path: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise SpecError(path, "must be an object")
        m = v.optional_dict(raw.get("m"), f"{path}.m")
        start = self._start(raw, m, path)
        duration = self._duration(raw, m, start, path)
        kind = self._segment_type(track_kind, raw, m, path)
        segment: dict[str, Any] = {"type": kind, "start": v.seconds(start), "duration": v.seconds(duration)}
        getattr(self, f"_{kind}")(segment, raw, m, path)
        return segment

    # -- common fields ------------------------------------------------------------------------------
    def _start(self, raw: dict[str, Any], m: dict[str, Any], path: str) -> float:
        for container, prefix in ((raw, path), (m, f"{path}.m")):
            for key in _START_KEYS:
                if container.get(key) is not None:
                    return v.number(container[key], f"{prefix}.{key}")
        return 0.0

    def _duration(self, raw: dict[str, Any], m: dict[str, Any], start: float, path: str) -> float:
        if raw.get("d") is not None:
            return v.number(raw["d"], f"{path}.d", positive=True)
        for key in _END_KEYS:
            if raw.get(key) is not None:
                end = v.number(raw[key], f"{path}.{key}")
                if end <= start:
                    raise SpecError(f"{path}.{key}", "must be after the segment's start")
                return end - start
        raise SpecError(f"{path}.d", "must be a positive number of milliseconds")

    def _segment_type(self, track_kind: str, raw: dict[str, Any], m: dict[str, Any], path: str) -> str:
        declared = m.get("type", raw.get("type"))
        if track_kind in {"text", "audio"}:
            if declared is not None and _TYPE_ALIASES.get(str(declared).lower()) != track_kind:
                raise SpecError(f"{path}.m.type", f"a {declared!r} segment cannot go on a {track_kind} track")
            return track_kind
        if declared is not None:
            kind = _TYPE_ALIASES.get(str(declared).lower())
            if kind not in {"image", "clip", "overlay"}:
                raise SpecError(f"{path}.m.type", f"a {declared!r} segment cannot go on a video track")
            return kind
        if track_kind == "overlay":
            return "overlay"
        source = self._raw_source(raw, m, path)
        suffix = PurePosixPath(source.split("?", 1)[0]).suffix.lower()
        if suffix in IMAGE_EXTENSIONS:
            return "image"
        if suffix in CLIP_EXTENSIONS:
            return "clip"
        raise SpecError(
            f"{path}.m.type", f"missing, and {source!r} does not look like an image or a video file"
        )

    def _raw_source(self, raw: dict[str, Any], m: dict[str, Any], path: str) -> str:
        for container, keys in ((raw, _SOURCE_KEYS), (m, _M_SOURCE_KEYS)):
            for key in keys:
                value = container.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()
        raise SpecError(f"{path}.m.src", "missing: give the file as src, url, cdn_url or path")

    def _source(self, raw: dict[str, Any], m: dict[str, Any], path: str) -> str:
        source = self._raw_source(raw, m, path)
        resolved = None
        if self.resolve_source is not None:
            try:
                resolved = self.resolve_source(source)
            except (LookupError, ValueError) as exc:
                raise SpecError(f"{path}.m.src", f"cannot resolve {source!r}: {exc}") from None
        if resolved:
            return resolved
        if source.startswith(SANDBOX_PREFIX):
            raise SpecError(
                f"{path}.m.src",
                f"{source!r} is a path inside the cloud sandbox; no uploaded file matches {sandbox_filename(source)!r}",
            )
        return source

    # -- per type -----------------------------------------------------------------------------------
    def _image(self, segment: dict[str, Any], raw: dict[str, Any], m: dict[str, Any], path: str) -> None:
        segment["source"] = self._source(raw, m, path)
        v.copy(m, segment, ("fit", "fill", "alt"))
        if "motion" in m:
            segment["motion"] = v.motion(m["motion"], f"{path}.m.motion")
        self._transition(segment, m, path)

    def _clip(self, segment: dict[str, Any], raw: dict[str, Any], m: dict[str, Any], path: str) -> None:
        segment["source"] = self._source(raw, m, path)
        v.copy(m, segment, ("fit", "fill", "keep_audio"))
        if m.get("trim") is not None:
            segment["trim_start"] = v.seconds(v.number(m["trim"], f"{path}.m.trim"))
        if m.get("volume") is not None:
            segment["volume"] = v.volume(m["volume"], f"{path}.m.volume")
        self._transition(segment, m, path)

    def _overlay(self, segment: dict[str, Any], raw: dict[str, Any], m: dict[str, Any], path: str) -> None:
        segment["source"] = self._source(raw, m, path)
        v.copy(m, segment, ("x", "y", "width", "opacity"))
        if m.get("fade") is not None:
            segment["fade"] = v.seconds(v.number(m["fade"], f"{path}.m.fade"))

    def _audio(self, segment: dict[str, Any], raw: dict[str, Any], m: dict[str, Any], path: str) -> None:
        segment["source"] = self._source(raw, m, path)
        v.copy(m, segment, ("loop", "tempo"))
        for key, target in (("trim", "trim_start"), ("fade_in", "fade_in"), ("fade_out", "fade_out")):
            if m.get(key) is not None:
                segment[target] = v.seconds(v.number(m[key], f"{path}.m.{key}"))
        volume = m.get("volume", m.get("vol"))
        if volume is not None:
            segment["volume"] = v.volume(volume, f"{path}.m.volume")

    def _text(self, segment: dict[str, Any], raw: dict[str, Any], m: dict[str, Any], path: str) -> None:
        for container, key in ((m, "text"), (raw, "text"), (raw, "content"), (m, "content"), (m, "title")):
            value = container.get(key)
            if isinstance(value, str) and value.strip():
                segment["text"] = value
                break
        else:
            raise SpecError(f"{path}.m.text", "missing: a text segment needs its words in m.text")
        role = m.get("role")
        segment["role"] = (
            role if role in _TEXT_ROLES else ("title" if "title" in m and "text" not in m else "caption")
        )
        if "style" in m:
            segment["style"] = self._style(m["style"], f"{path}.m.style")
        elif self.text_scale != 1.0:
            segment["style"] = self._style({}, f"{path}.m.style")

    def _style(self, raw: Any, path: str) -> dict[str, Any]:
        raw = v.optional_dict(raw, path)
        style = {key: value for key, value in raw.items() if key in TextStyle.model_fields}
        if raw.get("animation_d") is not None:
            style["animation_duration"] = v.seconds(v.number(raw["animation_d"], f"{path}.animation_d"))
        for key in ("color", "box"):
            if isinstance(style.get(key), str):
                style[key] = v.color(style[key], f"{path}.{key}")
        position = raw.get("position", raw.get("pos"))
        if isinstance(position, str):
            words = re.split(r"[-_\s]+", position.lower())
            style.setdefault("y", next((_POSITIONS_Y[w] for w in words if w in _POSITIONS_Y), 0.85))
            style.setdefault("x", next((_POSITIONS_X[w] for w in words if w in {"left", "right"}), 0.5))
        if self.text_scale != 1.0:
            size = v.number(
                style.get("size", TextStyle.model_fields["size"].default),
                f"{path}.size",
                positive=True,
                unit=" of pixels",
            )
            style["size"] = max(8, min(400, round(size * self.text_scale)))
        return style

    def _transition(self, segment: dict[str, Any], m: dict[str, Any], path: str) -> None:
        raw = m.get("transition")
        if raw is None:
            return
        if isinstance(raw, str):
            raw = {"kind": raw}
        raw = v.optional_dict(raw, f"{path}.m.transition")
        kind = str(raw.get("kind", raw.get("type", "cut"))).lower()
        kind = _TRANSITION_ALIASES.get(kind, kind)
        duration = raw.get("d")
        # Without a duration the overlap with the previous segment decides (see _settle_transitions).
        segment["transition"] = {
            "kind": kind,
            "duration": None if duration is None else v.seconds(v.number(duration, f"{path}.m.transition.d")),
        }


def _settle_transitions(segments: list[dict[str, Any]]) -> None:
    """Give transitions without a duration the overlap with the previous segment (none: a cut)."""
    for index, segment in enumerate(segments):
        transition = segment.get("transition")
        if transition is None or transition["duration"] is not None:
            continue
        if transition["kind"] == "cut":
            transition["duration"] = 0.0
            continue
        previous = segments[index - 1] if index else None
        overlap = round(previous["start"] + previous["duration"] - segment["start"], 6) if previous else 0.0
        if overlap > 0:
            transition["duration"] = overlap
        else:
            segment["transition"] = {"kind": "cut", "duration": 0.0}
