"""A job's options: the shop's defaults, overridden by what the request gives, checked by the composer's own
rules (and the music library's) before any job exists, so bad input gets a clear 400 and not a failed job."""

from __future__ import annotations

from typing import Any

from videos.composer import ComposeError, ComposeOptions
from videos.composer.brand import options_dict
from videos.composer.instructions import Interpretation, apply, interpret
from videos.jobs.errors import ServiceError
from videos.music.library import MusicError, resolve_music

# What a request may set (the rest of ComposeOptions is carried over by edits only).
REQUEST_FIELDS = ("template", "aspect", "duration", "music", "show_title", "show_price", "show_badge", "show_cta",
                  "cta_text")
COMPOSE_FIELDS = frozenset(ComposeOptions.__dataclass_fields__) - {"notes"}
MAX_INSTRUCTION = 1000


def check_music(choice: str) -> str:
    """A library bed, a mood, "auto" or "none" (merchants' own files are not taken through the API)."""
    try:
        music = resolve_music(choice)
    except MusicError as exc:
        raise ServiceError("invalid", str(exc), fields={"music": [str(exc)]}) from None
    if music is not None and music.tempo is None:
        message = "music must be a track from the library, a mood, 'auto' or 'none'"
        raise ServiceError("invalid", message, fields={"music": [message]})
    return choice


def build(defaults: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Options for a new job: defaults, then the given values (None means "use the default")."""
    options = {**defaults, **{k: v for k, v in given.items() if v is not None and k in COMPOSE_FIELDS}}
    validate(options)
    return options


def validate(options: dict[str, Any]) -> ComposeOptions:
    try:
        composed = ComposeOptions(**{k: v for k, v in options.items() if k in COMPOSE_FIELDS})
    except ComposeError as exc:
        name = exc.field.rsplit(".", 1)[-1]
        raise ServiceError("invalid", f"{name.replace('_', ' ')}: {exc.message}", fields={name: [exc.message]}) from None
    except TypeError as exc:  # a value of the wrong type that the dataclass could not take
        raise ServiceError("invalid", f"options: {exc}") from None
    check_music(composed.music)
    return composed


def interpretation(instruction: str, options: dict[str, Any]) -> dict[str, list[str]]:
    """What the instruction will change, and a 400 when the change itself is not a video we can make."""
    if len(instruction) > MAX_INSTRUCTION:
        message = f"the instruction is longer than {MAX_INSTRUCTION} characters"
        raise ServiceError("invalid", message, fields={"instruction": [message]})
    result = interpret(instruction) if instruction.strip() else Interpretation()
    if result.changes:
        try:
            apply(result, validate(options))
        except ComposeError as exc:
            message = f"the instruction asks for something that cannot be made: {exc.message}"
            raise ServiceError("invalid", message, fields={"instruction": [message]}) from None
    return as_dict(result)


def as_dict(result: Interpretation) -> dict[str, list[str]]:
    return {"understood": list(result.understood), "unrecognised": list(result.unrecognised),
            "conflicts": list(result.conflicts)}


def carried(options: ComposeOptions) -> dict[str, Any]:
    """An edit's starting options: everything the source job's video was made with."""
    return options_dict(options)
