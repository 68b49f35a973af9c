"""Templates: the look, motion and sound of a video. Each one differs in fonts, colours, motion strength,
transitions, text animation, pacing and music mood, so two videos of one product look and sound apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from videos.composer.errors import ComposeError

TextAnimation = Literal["none", "fade", "slide_up", "pop"]
Font = Literal["sans", "display", "light", "mono"]
Weight = Literal["light", "regular", "bold", "black"]


@dataclass(frozen=True)
class Template:
    name: str
    label: str
    description: str
    # Type.
    title_font: Font
    title_weight: Weight
    body_font: Font
    body_weight: Weight
    title_scale: float  # title size as a fraction of the canvas's shorter side
    uppercase: bool
    letter_spacing: float  # in font sizes
    title_position: Literal["top", "bottom"]  # the product takes the middle
    # Colours (#RRGGBB or #RRGGBBAA); brand colours replace the accent, backdrop and text colours.
    text_color: str
    box_color: str | None  # behind title/price; None = no box (a shadow instead)
    accent: str  # badge and call-to-action box
    accent_text: str
    background: str  # canvas colour
    backdrop: str  # behind cut-out (transparent) products
    shadow: bool
    # Motion.
    zoom: float  # Ken Burns zoom strength per shot
    pan: float  # pan travel on wide photos, fraction of the canvas
    transitions: tuple[str, ...]  # cycled between shots
    transition_s: float
    alternate_zoom: bool  # zoom out on every other cut-out for rhythm
    # Text motion and pacing.
    animation: TextAnimation
    animation_s: float
    shot_s: float  # preferred shot length at pace 1.0
    # Sound.
    music_mood: str
    badge_emphasis: bool  # the sale template shouts about the discount by default


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            name="clean",
            label="Clean",
            description="White and airy: soft crossfades, gentle zooms, dark text on white cards, bright pop music.",
            title_font="sans", title_weight="bold", body_font="sans", body_weight="regular",
            title_scale=0.068, uppercase=False, letter_spacing=0.0, title_position="bottom",
            text_color="#1A1A1A", box_color="#FFFFFFE6", accent="#1A1A1A", accent_text="#FFFFFF",
            background="#FFFFFF", backdrop="#F4F4F1", shadow=False,
            zoom=0.08, pan=0.25, transitions=("crossfade",), transition_s=0.5, alternate_zoom=False,
            animation="fade", animation_s=0.5, shot_s=2.5, music_mood="upbeat", badge_emphasis=False,
        ),
        Template(
            name="bold",
            label="Bold",
            description="Loud and fast: big uppercase display type, hard cuts and zoom punches, strong motion, driving beat.",
            title_font="display", title_weight="black", body_font="display", body_weight="bold",
            title_scale=0.095, uppercase=True, letter_spacing=0.0, title_position="top",
            text_color="#FFFFFF", box_color="#000000CC", accent="#FF3B30", accent_text="#FFFFFF",
            background="#111111", backdrop="#1C1C1C", shadow=False,
            zoom=0.2, pan=0.4, transitions=("cut", "zoom", "cut", "slide_left"), transition_s=0.25, alternate_zoom=True,
            animation="pop", animation_s=0.3, shot_s=1.5, music_mood="energetic", badge_emphasis=False,
        ),
        Template(
            name="luxe",
            label="Luxe",
            description="Dark and slow: light, widely spaced capitals in champagne, long dissolves, barely-there motion, lounge music.",
            title_font="light", title_weight="light", body_font="light", body_weight="regular",
            title_scale=0.06, uppercase=True, letter_spacing=0.2, title_position="top",
            text_color="#F3E5C8", box_color="#0E0E0E73", accent="#C9A96E", accent_text="#0E0E0E",
            background="#0E0E0E", backdrop="#161616", shadow=True,
            zoom=0.05, pan=0.15, transitions=("crossfade",), transition_s=1.0, alternate_zoom=False,
            animation="fade", animation_s=0.9, shot_s=3.2, music_mood="elegant", badge_emphasis=False,
        ),
        Template(
            name="sale",
            label="Sale",
            description="Shouts the deal: yellow and red, big discount badge from the first second, slides, playful bouncy music.",
            title_font="display", title_weight="bold", body_font="display", body_weight="black",
            title_scale=0.08, uppercase=False, letter_spacing=0.0, title_position="bottom",
            text_color="#111111", box_color="#FFD60AF2", accent="#E53935", accent_text="#FFFFFF",
            background="#FFD60A", backdrop="#FFF4B8", shadow=False,
            zoom=0.12, pan=0.3, transitions=("slide_left", "slide_right"), transition_s=0.35, alternate_zoom=True,
            animation="slide_up", animation_s=0.35, shot_s=1.8, music_mood="playful", badge_emphasis=True,
        ),
    )
}


def get_template(name: str) -> Template:
    try:
        return TEMPLATES[name.strip().lower()]
    except KeyError:
        raise ComposeError("options.template", f"unknown template {name!r}; choose one of {', '.join(TEMPLATES)}") from None
