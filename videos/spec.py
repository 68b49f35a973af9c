"""The video spec: a versioned, JSON-serialisable, validated description of a video.

A spec is a declarative timeline: a canvas, then tracks of segments, each with a start and a duration in
seconds. Renderers (local or cloud) draw whatever spec they are given; the composer decides what a good
spec is. Invalid input raises one `SpecError` naming the field, e.g.
``tracks[0].segments[2].duration: must be greater than 0``.

Timeline rules:
- Video-track segments are ordered by start. A segment's `transition` is the way *into* it from the
  previous segment and occupies the first `transition.duration` seconds of it, while the previous segment
  is still showing; so two neighbours overlap by exactly that duration (a cut overlaps by nothing).
- Text, overlay and audio segments may overlap freely; later tracks draw on top of earlier ones.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SPEC_VERSION = 1
# Shopify accepts up to 10 minutes of video; anything longer is a mistake here.
MAX_DURATION_S = 600.0
# Neighbours may disagree with their transition by this much (rounding in ms-based drafts).
TIME_EPSILON = 0.002

ASPECTS: dict[str, tuple[int, int]] = {
    "1:1": (1080, 1080),
    "9:16": (1080, 1920),
    "16:9": (1920, 1080),
    "4:5": (1080, 1350),
}

Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")]
Seconds = Annotated[float, Field(ge=0, le=MAX_DURATION_S)]
PositiveSeconds = Annotated[float, Field(gt=0, le=MAX_DURATION_S)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class SpecError(ValueError):
    """A spec (or a draft) is invalid; `field` names where, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)


class Canvas(_Model):
    width: int = Field(1080, ge=64, le=3840, multiple_of=2)
    height: int = Field(1080, ge=64, le=3840, multiple_of=2)
    fps: int = Field(30, ge=1, le=60)
    background: Color = "#FFFFFF"

    @classmethod
    def for_aspect(cls, aspect: str, **kwargs: Any) -> Canvas:
        if aspect not in ASPECTS:
            raise SpecError("canvas.aspect", f"unknown aspect {aspect!r}; choose one of {', '.join(ASPECTS)}")
        width, height = ASPECTS[aspect]
        return cls(width=width, height=height, **kwargs)

    @property
    def aspect(self) -> str | None:
        for name, size in ASPECTS.items():
            if size == (self.width, self.height):
                return name
        return None


class Motion(_Model):
    """Ken Burns motion over one photo. `focus` is where the zoom heads: a normalised point in the
    photo, "auto" (the product's bounding box) or "center"."""

    kind: Literal["none", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down"] = "zoom_in"
    # Zoom: the scale changes by this much (0.1 = 1.0 -> 1.1). Pan: travel as a fraction of the canvas.
    strength: float = Field(0.1, ge=0, le=0.5)
    focus: Literal["auto", "center"] | tuple[Fraction, Fraction] = "auto"
    easing: Literal["linear", "ease_in_out"] = "ease_in_out"


class Transition(_Model):
    kind: Literal["cut", "crossfade", "slide_left", "slide_right", "slide_up", "slide_down", "zoom"] = "cut"
    duration: Seconds = 0.0

    @model_validator(mode="after")
    def _cut_has_no_duration(self) -> Transition:
        if self.kind == "cut" and self.duration:
            raise ValueError("a cut has no duration")
        if self.kind != "cut" and self.duration <= 0:
            raise ValueError(f"a {self.kind} needs a duration greater than 0")
        return self


# How a photo or clip fills the canvas: "cover" crops, "contain" letterboxes on a blurred copy of itself
# ("contain_blur") or on a colour ("contain_color"); "auto" covers when the aspects are close and otherwise
# contains (colour fill for transparent photos, blur for opaque ones). Nothing is ever stretched.
Fit = Literal["auto", "cover", "contain_blur", "contain_color"]


class _Timed(_Model):
    start: Seconds = 0.0
    duration: PositiveSeconds

    @property
    def end(self) -> float:
        return self.start + self.duration


class ImageSegment(_Timed):
    type: Literal["image"] = "image"
    source: str = Field(min_length=1)
    motion: Motion = Field(default_factory=Motion)
    fit: Fit = "auto"
    fill: Color | None = None
    transition: Transition = Field(default_factory=Transition)
    alt: str = ""
    # For a cut-out on a colour ("contain_color"): the box of the canvas (x0, y0, x1, y1 fractions) the
    # product stays inside throughout its motion, clear of the text; None: the whole canvas.
    frame: tuple[Fraction, Fraction, Fraction, Fraction] | None = None

    @field_validator("frame")
    @classmethod
    def _frame_has_area(cls, value: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
        if value is not None and not (value[0] < value[2] and value[1] < value[3]):
            raise ValueError("x0 < x1 and y0 < y1 are required")
        return value


class ClipSegment(_Timed):
    type: Literal["clip"] = "clip"
    source: str = Field(min_length=1)
    trim_start: Seconds = 0.0
    keep_audio: bool = False
    volume: float = Field(1.0, ge=0, le=2)
    fit: Fit = "auto"
    fill: Color | None = None
    transition: Transition = Field(default_factory=Transition)


class TextStyle(_Model):
    # Font families are resolved by the renderer's font registry; CJK text falls back to a CJK face.
    font: Literal["sans", "display", "light", "mono"] = "sans"
    weight: Literal["light", "regular", "bold", "black"] = "bold"
    # Pixel size on this canvas; the renderer shrinks it to fit `max_width` and `max_lines`.
    size: int = Field(72, ge=8, le=400)
    color: Color = "#FFFFFF"
    box: Color | None = "#00000099"
    box_padding: float = Field(0.4, ge=0, le=2, description="in units of the font size")
    box_radius: float = Field(0.3, ge=0, le=2, description="in units of the font size")
    shadow: bool = False
    align: Literal["left", "center", "right"] = "center"
    # Centre of the text block as a fraction of the canvas.
    x: Fraction = 0.5
    y: Fraction = 0.85
    max_width: float = Field(0.9, gt=0, le=1)
    max_lines: int = Field(3, ge=1, le=10)
    uppercase: bool = False
    letter_spacing: float = Field(0.0, ge=-0.1, le=1.0, description="in units of the font size")
    animation: Literal["none", "fade", "slide_up", "pop"] = "fade"
    animation_duration: Seconds = 0.4


class TextSegment(_Timed):
    type: Literal["text"] = "text"
    text: str = Field(min_length=1, max_length=500)
    role: Literal["title", "price", "badge", "cta", "caption"] = "caption"
    style: TextStyle = Field(default_factory=TextStyle)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class OverlaySegment(_Timed):
    """A still image drawn over the video, e.g. the shop's logo on the end card."""

    type: Literal["overlay"] = "overlay"
    source: str = Field(min_length=1)
    x: Fraction = 0.5
    y: Fraction = 0.3
    width: float = Field(0.3, gt=0, le=1, description="as a fraction of the canvas width")
    opacity: Fraction = 1.0
    fade: Seconds = 0.4


class AudioSegment(_Timed):
    type: Literal["audio"] = "audio"
    source: str = Field(min_length=1)
    trim_start: Seconds = 0.0
    volume: float = Field(0.35, ge=0, le=2)
    fade_in: Seconds = 1.0
    fade_out: Seconds = 1.5
    loop: bool = True
    # Beats per minute when known (the music library's beds); the composer cuts on them.
    tempo: float | None = Field(None, gt=0, le=400)


Segment = Annotated[
    ImageSegment | ClipSegment | TextSegment | OverlaySegment | AudioSegment, Field(discriminator="type")
]

TRACK_SEGMENT_TYPES: dict[str, set[str]] = {
    "video": {"image", "clip"},
    "text": {"text"},
    "overlay": {"overlay"},
    "audio": {"audio"},
}


class Track(_Model):
    kind: Literal["video", "text", "overlay", "audio"]
    segments: list[Segment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _segments_belong(self) -> Track:
        allowed = TRACK_SEGMENT_TYPES[self.kind]
        for index, segment in enumerate(self.segments):
            if segment.type not in allowed:
                raise SpecError(
                    f"segments[{index}].type",
                    f"a {segment.type} segment cannot go on a {self.kind} track",
                )
        if self.kind == "video":
            _check_video_timeline(self.segments)
        return self


def _check_video_timeline(segments: list[Any]) -> None:
    for index in range(1, len(segments)):
        previous, current = segments[index - 1], segments[index]
        if current.start < previous.start - TIME_EPSILON:
            raise SpecError(f"segments[{index}].start", "video segments must be ordered by start")
        overlap = previous.end - current.start
        allowed = current.transition.duration
        if overlap > allowed + TIME_EPSILON:
            raise SpecError(
                f"segments[{index}].start",
                f"overlaps the previous segment by {overlap:.3f} s but its transition lasts {allowed:.3f} s",
            )
        if overlap < allowed - TIME_EPSILON:
            raise SpecError(
                f"segments[{index}].transition.duration",
                f"the {current.transition.kind} lasts {allowed:.3f} s but the previous segment overlaps "
                f"it by only {max(overlap, 0):.3f} s",
            )


class VideoSpec(_Model):
    version: Literal[1] = SPEC_VERSION
    canvas: Canvas = Field(default_factory=Canvas)
    duration: PositiveSeconds
    tracks: list[Track] = Field(default_factory=list)
    # Free-form facts about the video (product title, template, music name...), carried through drafts.
    metadata: dict[str, Any] = Field(default_factory=dict)
    # When the poster frame is taken; None lets the renderer choose (the hero shot, text shown).
    poster_time: Seconds | None = None

    @model_validator(mode="after")
    def _fits_duration(self) -> VideoSpec:
        slack = 1.0 / self.canvas.fps
        for t_index, track in enumerate(self.tracks):
            for s_index, segment in enumerate(track.segments):
                if segment.end > self.duration + slack:
                    raise SpecError(
                        f"tracks[{t_index}].segments[{s_index}].duration",
                        f"ends at {segment.end:.3f} s, after the video's {self.duration:.3f} s",
                    )
        if self.poster_time is not None and self.poster_time > self.duration:
            raise SpecError("poster_time", "is after the end of the video")
        if not any(track.kind == "video" and track.segments for track in self.tracks):
            raise SpecError("tracks", "needs a video track with at least one image or clip")
        return self

    # --- reading -------------------------------------------------------------------------------
    def segments_of(self, kind: str) -> list[Any]:
        return [segment for track in self.tracks if track.kind == kind for segment in track.segments]

    @property
    def frame_count(self) -> int:
        return round(self.duration * self.canvas.fps)

    # --- (de)serialising -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: Any) -> VideoSpec:
        """Validate `data` (e.g. parsed JSON) into a spec, raising one `SpecError` naming the field."""
        if isinstance(data, dict) and data.get("version", SPEC_VERSION) != SPEC_VERSION:
            raise SpecError("version", f"unsupported spec version {data.get('version')!r}; this build reads {SPEC_VERSION}")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _spec_error(exc) from None
        except SpecError:
            raise

    @classmethod
    def from_json(cls, text: str) -> VideoSpec:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError("", f"not valid JSON: {exc}") from None
        return cls.from_dict(data)


def _spec_error(exc: ValidationError) -> SpecError:
    """The first pydantic error as one line: a dotted path with list indices, and the reason."""
    error = exc.errors()[0]
    parts: list[str] = []
    for item in error["loc"]:
        if isinstance(item, int):
            parts[-1 if parts else 0 :] = [f"{parts[-1] if parts else ''}[{item}]"]
        elif item in {"image", "clip", "text", "overlay", "audio"} and parts and parts[-1].endswith("]"):
            continue  # pydantic names the union branch; the index already says which segment.
        else:
            parts.append(str(item))
    field = ".".join(parts)
    ctx_error = (error.get("ctx") or {}).get("error")
    if isinstance(ctx_error, SpecError):
        nested = ctx_error.field
        return SpecError(f"{field}.{nested}" if field and nested else field or nested, ctx_error.message)
    message = error["msg"].removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else message
    return SpecError(field, message)
