"""Reading single draft values (times, volumes, colours...) into spec values, naming the draft field
in every error; and naming draft fields for errors the spec finds."""

from __future__ import annotations

import math
import re
from pathlib import PurePosixPath
from typing import Any

from videos.spec import SpecError

_MOTION_ALIASES = {"zoom": "zoom_in", "ken_burns": "zoom_in", "static": "none"}


def seconds(ms: float) -> float:
    """Draft milliseconds as spec seconds, rounded to the microsecond (the round trip's resolution)."""
    return round(ms / 1000, 6)


def optional_dict(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(path, f"must be an object, not {type(value).__name__}")
    return value


def number(value: Any, path: str, *, positive: bool = False, unit: str = " of milliseconds") -> float:
    """A time (ms by default) or a size: a finite number or numeric string, >= 0 (> 0 when `positive`)."""
    parsed: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        parsed = float(value)
    elif isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            parsed = None
    if parsed is None or not math.isfinite(parsed) or parsed < 0 or (positive and parsed == 0):
        kind = f"a positive number{unit}" if positive else f"a number{unit} >= 0"
        raise SpecError(path, f"must be {kind}, not {value!r}")
    return parsed


def volume(value: Any, path: str) -> float:
    percent = isinstance(value, str) and value.strip().endswith("%")
    amount = number(value.strip().rstrip("%") if isinstance(value, str) else value, path, unit="")
    if percent or amount > 2:
        amount /= 100
    if amount > 2:
        raise SpecError(path, f"must be a gain from 0 to 2 or a percentage up to 200, not {value!r}")
    return round(amount, 6)


def color(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise SpecError(path, f"must be a colour such as '#FFFFFF' or 'white', not {value!r}")
    if re.fullmatch(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?", value):
        return value
    from PIL import ImageColor  # Pillow knows the CSS colour names and #rgb shorthands.

    try:
        rgb = ImageColor.getrgb(value)
    except ValueError:
        raise SpecError(path, f"must be a colour such as '#FFFFFF' or 'white', not {value!r}") from None
    return "#" + "".join(f"{channel:02X}" for channel in rgb)


def motion(value: Any, path: str) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"kind": value}
    result = dict(optional_dict(value, path))
    if isinstance(result.get("kind"), str):
        result["kind"] = _MOTION_ALIASES.get(result["kind"].lower(), result["kind"].lower())
    return result


def copy(source: dict[str, Any], target: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in source:
            target[key] = source[key]


def sandbox_filename(path: str) -> str:
    """The file name at the end of a sandbox path (`/mnt/userdata/<...>/<filename>`)."""
    return PurePosixPath(path).name


_SPEC_TO_DRAFT_FIELD = {
    "start": "st",
    "duration": "d",
    "source": "m.src",
    "trim_start": "m.trim",
    "transition.duration": "m.transition.d",
    "style.animation_duration": "m.style.animation_d",
}
_ROOT_FIELDS = {"duration": "d", "poster_time": "m.poster", "tracks": "t", "metadata": "m.meta"}


def draft_field(field: str, index_map: list[tuple[int, list[int]]]) -> str:
    """A spec field (`tracks[1].segments[0].style.size`) as the draft field (`t[3].sg[0].m.style.size`)."""
    match = re.match(r"tracks\[(\d+)\](?:\.segments\[(\d+)\])?\.?(.*)$", field)
    if not match:
        if field.startswith("canvas."):
            return "m." + field.removeprefix("canvas.")
        return _ROOT_FIELDS.get(field, field)
    t_spec, s_spec, rest = int(match[1]), match[2], match[3]
    t_draft, s_indices = index_map[t_spec] if t_spec < len(index_map) else (t_spec, [])
    path = f"t[{t_draft}]"
    if s_spec is None:
        return f"{path}.{rest}" if rest else path
    s_spec_i = int(s_spec)
    path += f".sg[{s_indices[s_spec_i] if s_spec_i < len(s_indices) else s_spec_i}]"
    if not rest:
        return path
    return f"{path}.{_SPEC_TO_DRAFT_FIELD.get(rest, 'm.' + rest)}"


def draft_message(message: str) -> str:
    # The spec speaks in seconds; a draft reader thinks in milliseconds, so say which unit is meant.
    return re.sub(r"(\d+(?:\.\d+)?) s\b", lambda m: f"{m[1]} s ({round(float(m[1]) * 1000)} ms)", message)
