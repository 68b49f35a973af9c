"""Where text and the logo go, sized so they can never leave the safe area (5 % margins) at any aspect.

`text_box(style, canvas)` is the worst-case box of a text block: the renderer may only shrink text (to fit
`max_width` and `max_lines`), so the box at the full size with every line used, plus box padding, shadow
and animation overshoot, bounds everything ever drawn. Layout places blocks by that box, and the property
tests check it. The constants mirror videos/render/text.py (1.2 line height; shadow offset 0.05 + blur
3 x 0.06 sizes; slide-up starts 5 % of the canvas height low; pop overshoots about 4 %), with headroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from videos.spec import Canvas, OverlaySegment, TextStyle

SAFE_MARGIN = 0.05
LINE_HEIGHT_EM = 1.25
SHADOW_EM = 0.25
SLIDE_FRACTION = 0.05
POP_SCALE = 1.06
GAP = 0.02  # between stacked blocks, fraction of the canvas height

Role = Literal["title", "price", "badge", "cta"]
# Per role: size as a fraction of the canvas's shorter side (the title's comes from the template),
# widest block as a fraction of the canvas width, and most lines.
ROLE_SIZE = {"price": 0.062, "badge": 0.046, "cta": 0.07}
ROLE_WIDTH = {"title": 0.88, "price": 0.6, "badge": 0.42, "cta": 0.78}
ROLE_LINES = {"title": 2, "price": 1, "badge": 1, "cta": 2}


@dataclass(frozen=True)
class Box:
    """A rectangle in canvas fractions."""

    x0: float
    y0: float
    x1: float
    y1: float

    def inside(self, margin: float = SAFE_MARGIN, eps: float = 1e-9) -> bool:
        return self.x0 >= margin - eps and self.y0 >= margin - eps and self.x1 <= 1 - margin + eps and self.y1 <= 1 - margin + eps

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def text_box(style: TextStyle, canvas: Canvas) -> Box:
    """The worst-case box (canvas fractions) a text block with this style can ever cover."""
    width, height = canvas.width, canvas.height
    size = style.size
    pad = style.box_padding * size if style.box else 0.0
    half_w = style.max_width * width / 2  # the renderer wraps inside max_width, box padding included
    half_h = style.max_lines * LINE_HEIGHT_EM * size / 2 + pad
    if style.animation == "pop":
        half_w, half_h = half_w * POP_SCALE, half_h * POP_SCALE
    if style.shadow:
        half_w, half_h = half_w + SHADOW_EM * size, half_h + SHADOW_EM * size
    slide = SLIDE_FRACTION * height if style.animation == "slide_up" else 0.0
    cx, cy = style.x * width, style.y * height
    return Box((cx - half_w) / width, (cy - half_h) / height, (cx + half_w) / width, (cy + half_h + slide) / height)


def overlay_box(segment: OverlaySegment, canvas: Canvas, image_aspect: float) -> Box:
    """The box of an overlay (drawn centred at x, y, `width` of the canvas wide, height by its aspect)."""
    half_w = segment.width * canvas.width / 2
    half_h = half_w / image_aspect
    cx, cy = segment.x * canvas.width, segment.y * canvas.height
    return Box((cx - half_w) / canvas.width, (cy - half_h) / canvas.height, (cx + half_w) / canvas.width, (cy + half_h) / canvas.height)


def text_band(canvas: Canvas) -> tuple[float, float]:
    """The vertical range text may use: inside the safe area, and on tall (9:16) canvases also clear of
    the platforms' own buttons and captions at the top and bottom."""
    if canvas.height / canvas.width >= 1.6:
        return 0.10, 0.80
    return SAFE_MARGIN + 0.01, 1 - SAFE_MARGIN - 0.01


def _half_height(style: TextStyle, canvas: Canvas) -> tuple[float, float]:
    """How far the worst-case box reaches above and below the block's centre (canvas fractions)."""
    box = text_box(style.model_copy(update={"y": 0.5}), canvas)
    return 0.5 - box.y0, box.y1 - 0.5


def fit_style(style: TextStyle, canvas: Canvas) -> TextStyle:
    """Shrink the block (size, then lines) until its worst-case box fits the band and the safe area's width;
    keeps its position inside the band. Idempotent."""
    top, bottom = text_band(canvas)
    for _ in range(200):
        box = text_box(style.model_copy(update={"x": 0.5, "y": 0.5}), canvas)
        fits_w = box.x1 - box.x0 <= 1 - 2 * SAFE_MARGIN + 1e-9
        fits_h = box.height <= bottom - top + 1e-9
        if fits_w and fits_h:
            break
        if not fits_w:
            style = style.model_copy(update={"max_width": round(style.max_width * 0.95, 4)})
        elif style.max_lines > 1 and style.size <= 24:
            style = style.model_copy(update={"max_lines": style.max_lines - 1})
        else:
            style = style.model_copy(update={"size": max(8, int(style.size * 0.92))})
    up, down = _half_height(style, canvas)
    half_w = (text_box(style.model_copy(update={"x": 0.5}), canvas).x1 - 0.5)
    x = min(max(style.x, SAFE_MARGIN + half_w), 1 - SAFE_MARGIN - half_w)
    y = min(max(style.y, top + up), bottom - down)
    return style.model_copy(update={"x": x, "y": y})


def place(style: TextStyle, canvas: Canvas, anchor: Literal["top", "center", "bottom"], *, at: float | None = None,
          align_x: Literal["left", "center", "right"] = "center") -> TextStyle:
    """Position a block: its worst-case top at `at` ("top"), bottom at `at` ("bottom") or centre at `at`
    (default: the band's edge or middle); horizontally centred or against a side margin."""
    style = fit_style(style, canvas)
    top, bottom = text_band(canvas)
    up, down = _half_height(style, canvas)
    if anchor == "top":
        y = (top if at is None else at) + up
    elif anchor == "bottom":
        y = (bottom if at is None else at) - down
    else:
        y = 0.5 * (top + bottom) if at is None else at
    half_w = text_box(style.model_copy(update={"x": 0.5}), canvas).x1 - 0.5
    x = {"left": SAFE_MARGIN + half_w, "center": 0.5, "right": 1 - SAFE_MARGIN - half_w}[align_x]
    return fit_style(style.model_copy(update={"x": x, "y": min(max(y, 0.0), 1.0)}), canvas)


def role_geometry(role: Role, canvas: Canvas, *, title_scale: float, emphasis: bool = False) -> dict[str, float | int]:
    """Size, max width and lines for a role on this canvas (before placing)."""
    unit = min(canvas.width, canvas.height)
    scale = title_scale if role == "title" else ROLE_SIZE[role] * (1.35 if emphasis and role == "badge" else 1.0)
    tall = canvas.height / canvas.width >= 1.2
    return {
        "size": max(8, min(400, round(scale * unit))),
        "max_width": min(0.9, ROLE_WIDTH[role] * (1.2 if emphasis and role == "badge" else 1.0)),
        "max_lines": ROLE_LINES[role] + (1 if tall and role == "title" else 0),  # tall canvases: narrow lines
    }


def logo_overlay(source: str, start: float, duration: float, canvas: Canvas, logo_aspect: float, *,
                 x: float = 0.5, above: float | None = None) -> OverlaySegment:
    """The logo centred on `x`, at the top of the text band (the stacked end card: the product below it,
    the call to action at the bottom) or, with `above`, just above that (the call to action's top, in a
    side column): about 30 % of the shorter side wide, never taller than 14 % of the canvas, nor wider
    than its column."""
    top, _ = text_band(canvas)
    unit = min(canvas.width, canvas.height)
    column = 2 * min(x - SAFE_MARGIN, 1 - SAFE_MARGIN - x) * canvas.width
    width_px = min(0.3 * unit, 0.14 * canvas.height * logo_aspect, column)
    half_h = width_px / logo_aspect / 2 / canvas.height
    y = top + half_h if above is None else max(top + half_h, above - GAP - half_h)
    return OverlaySegment(source=source, start=start, duration=duration, x=x, y=y,
                          width=width_px / canvas.width, fade=0.4)


def product_frame(boxes: list[Box], zoom: float = 1.0, *, product_aspect: float | None = None,
                  canvas_aspect: float = 1.0, bands_only: bool = False) -> tuple[float, float, float, float]:
    """Where a cut-out product may be while these text blocks show, as (x0, y0, x1, y1) canvas fractions:
    the safe area less the bands the blocks take at the top and bottom (and a gap), or, when it lets a
    product of `product_aspect` (width / height) be larger, a centred column between blocks that sit to
    one side (a badge in a corner), or the room to the left of blocks on the right (a side column); only
    the bands with `bands_only` (a shot that slides in or out sideways passes under any side block). `zoom` is a transition's extra scale about the canvas centre: the frame shrinks so the
    product stays clear then too."""
    candidates = [_band(boxes)]
    right = [b for b in boxes if b.x0 > 0.5]
    left = [b for b in boxes if b.x1 < 0.5]
    if (right or left) and product_aspect and not bands_only:
        x0, y0, x1, y1 = _band([b for b in boxes if b not in right and b not in left])
        half = min([b.x0 - 0.5 for b in right] + [0.5 - b.x1 for b in left]) - GAP
        if half > 0.05:  # a centred column between them
            candidates.append((max(x0, 0.5 - half), y0, min(x1, 0.5 + half), y1))
        if right and not left:  # or all the room to their left (the wide end card)
            edge = min(b.x0 for b in right) - GAP
            candidates.append((SAFE_MARGIN, y0, edge, y1))

    def size(frame: tuple[float, float, float, float]) -> float:  # the product's height there, in canvas widths
        width, height = frame[2] - frame[0], (frame[3] - frame[1]) / canvas_aspect
        return min(height, width / product_aspect) if product_aspect else width * height

    x0, y0, x1, y1 = max(candidates, key=size)
    if zoom > 1.0:  # keep every point of the frame, scaled about the centre, inside the original frame
        y0, y1 = max(0.5 + (y0 - 0.5) / zoom, y0), min(0.5 + (y1 - 0.5) / zoom, y1)
        x0, x1 = max(0.5 + (x0 - 0.5) / zoom, x0), min(0.5 + (x1 - 0.5) / zoom, x1)
        if y1 <= y0:
            y0, y1 = 0.5 - 0.05, 0.5 + 0.05
    return (round(x0, 4), round(y0, 4), round(x1, 4), round(y1, 4))


def _band(boxes: list[Box]) -> tuple[float, float, float, float]:
    y0 = max([b.y1 + GAP for b in boxes if (b.y0 + b.y1) / 2 < 0.5], default=SAFE_MARGIN)
    y1 = min([b.y0 - GAP for b in boxes if (b.y0 + b.y1) / 2 >= 0.5], default=1 - SAFE_MARGIN)
    return SAFE_MARGIN, y0, 1 - SAFE_MARGIN, y1
