"""A shop's brand settings and the composer's options for one video."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from videos.composer.errors import ComposeError
from videos.composer.i18n import parse_locale
from videos.spec import ASPECTS, MAX_DURATION_S

FONTS = ("sans", "display", "light", "mono")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

MIN_DURATION_S = 2.0
PACE_RANGE = (0.5, 2.0)
Emphasis = Literal["none", "discount"]


@dataclass(frozen=True)
class BrandSettings:
    primary: str | None = None  # accent: badge and call-to-action boxes
    secondary: str | None = None  # backgrounds behind cut-out products
    text: str | None = None  # text colour (swapped for black/white when it would be hard to read)
    logo: Path | None = None  # shown on the end card
    font: Literal["sans", "display", "light", "mono"] | None = None  # overrides the template's title font
    locale: str = "en"

    def __post_init__(self) -> None:
        for name in ("primary", "secondary", "text"):
            value = getattr(self, name)
            if value is not None and not _COLOR.match(value):
                raise ComposeError(f"brand.{name}", f"must be a colour like #1A2B3C, got {value!r}")
        if self.font is not None and self.font not in FONTS:
            raise ComposeError("brand.font", f"unknown font {self.font!r}; choose one of {', '.join(FONTS)}")
        if self.logo is not None and not Path(self.logo).is_file():
            raise ComposeError("brand.logo", f"file not found: {self.logo}")
        parse_locale(self.locale)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BrandSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ComposeError("brand", f"unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        values = dict(data)
        if values.get("logo"):
            values["logo"] = Path(values["logo"])
        return cls(**values)


@dataclass(frozen=True)
class ComposeOptions:
    duration: float = 15.0
    aspect: str = "1:1"
    template: str = "clean"
    # "auto" (the template's mood), "none", a bed name, a mood, or the path of the merchant's own file.
    music: str = "auto"
    show_title: bool = True
    show_price: bool = True
    show_badge: bool = True
    show_cta: bool = True
    show_logo: bool = True
    cta_text: str | None = None  # None: "Shop now" in the shop's language
    emphasis: Emphasis = "none"  # "discount": a bigger badge, shown from the start
    pace: float = 1.0  # > 1 cuts more often (when there are photos to fill the cuts)
    fps: int = 30
    max_clip_s: float = 4.0  # product clips are trimmed to at most this long
    notes: tuple[str, ...] = field(default=(), compare=False)  # what instructions changed, for the merchant

    def __post_init__(self) -> None:
        from videos.composer.templates import TEMPLATES  # templates import this module

        if not (MIN_DURATION_S <= self.duration <= MAX_DURATION_S):
            raise ComposeError("options.duration", f"must be {MIN_DURATION_S:g}-{MAX_DURATION_S:g} s, got {self.duration:g}")
        if self.aspect not in ASPECTS:
            raise ComposeError("options.aspect", f"unknown aspect {self.aspect!r}; choose one of {', '.join(ASPECTS)}")
        if self.template not in TEMPLATES:
            raise ComposeError("options.template", f"unknown template {self.template!r}; choose one of {', '.join(TEMPLATES)}")
        if self.emphasis not in ("none", "discount"):
            raise ComposeError("options.emphasis", f"must be 'none' or 'discount', got {self.emphasis!r}")
        if not (PACE_RANGE[0] <= self.pace <= PACE_RANGE[1]):
            raise ComposeError("options.pace", f"must be {PACE_RANGE[0]:g}-{PACE_RANGE[1]:g}, got {self.pace:g}")
        if not (1 <= self.fps <= 60):
            raise ComposeError("options.fps", f"must be 1-60, got {self.fps}")
        if not (1.0 <= self.max_clip_s <= 30.0):
            raise ComposeError("options.max_clip_s", f"must be 1-30 s, got {self.max_clip_s:g}")
        if self.cta_text is not None and not (0 < len(self.cta_text.strip()) <= 60):
            raise ComposeError("options.cta_text", "must be 1-60 characters")

    def with_changes(self, **changes: Any) -> ComposeOptions:
        return replace(self, **changes)


def options_dict(options: ComposeOptions) -> dict[str, Any]:
    data = asdict(options)
    data.pop("notes")
    return data


def options_from_dict(data: dict[str, Any]) -> ComposeOptions:
    known = {f.name for f in fields(ComposeOptions)} - {"notes"}
    return ComposeOptions(**{k: v for k, v in data.items() if k in known})


def brand_dict(brand: BrandSettings) -> dict[str, Any]:
    data = asdict(brand)
    data["logo"] = str(Path(brand.logo).resolve()) if brand.logo else None
    return data
