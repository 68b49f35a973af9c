"""Text blocks: layout (wrap to max_width, shrink to max_lines), raster with Pillow (raqm shaping), and
their animations. A block is rasterised once to a YUVA layer (see layers.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from videos.render.fonts import is_cjk_char, legible_weight, load_font
from videos.render.layers import Layer, rgba_to_layer
from videos.render.yuv import parse_color
from videos.spec import TextSegment, TextStyle

MIN_SIZE = 8
LINE_HEIGHT = 1.2  # in font sizes
SHRINK = 0.92


@dataclass
class TextLayout:
    font: ImageFont.FreeTypeFont
    size: int
    lines: list[str]
    widths: list[float]
    spacing: float  # extra pixels between characters

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)

    @property
    def line_height(self) -> int:
        return int(round(self.size * LINE_HEIGHT))


# Line-breaking rules (kinsoku shori, and the same for Latin dashes): these never start a line...
NO_LINE_START = set("、。，．,.!?！？：；:;)）]］}｝」』】〕〉》〗〙〛〞'\"”’ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ・…‥〜～%％-–—")
# ...and these never end one.
NO_LINE_END = set("（(［[｛{「『【〔〈《〖〘〚〝“‘$＄£¥￥€#＃")


def _tokens(paragraph: str) -> list[str]:
    """Break opportunities: after whitespace and around every CJK character, except where a line would
    then start with closing punctuation or a dash, or end with opening punctuation."""
    glued: list[str] = []
    for token in _raw_tokens(paragraph):
        if glued and (token[0] in NO_LINE_START or glued[-1].rstrip()[-1:] in NO_LINE_END):
            glued[-1] += token
        else:
            glued.append(token)
    return glued


def _raw_tokens(paragraph: str) -> list[str]:
    tokens: list[str] = []
    current = ""
    for char in paragraph:
        if is_cjk_char(char):
            if current:
                tokens.append(current)
            tokens.append(char)
            current = ""
        elif char.isspace():
            current += char
            tokens.append(current)
            current = ""
        else:
            if current and current[-1].isspace():
                tokens.append(current)
                current = ""
            current += char
    if current:
        tokens.append(current)
    return tokens


def measure(font: ImageFont.FreeTypeFont, text: str, spacing: float) -> float:
    if not text:
        return 0.0
    if spacing == 0:
        return float(font.getlength(text))
    return float(sum(font.getlength(char) for char in text) + spacing * (len(text) - 1))


def _wrap(font, text: str, spacing: float, max_width: float) -> tuple[list[str], bool]:
    lines: list[str] = []
    fits = True
    for paragraph in text.split("\n"):
        current = ""
        for token in _tokens(paragraph):
            candidate = current + token
            if not current or measure(font, candidate.rstrip(), spacing) <= max_width:
                current = candidate
            else:
                lines.append(current.rstrip())
                current = token.lstrip()
            if measure(font, current.rstrip(), spacing) > max_width:
                fits = False
        lines.append(current.rstrip())
    return lines, fits


def layout(text: str, style: TextStyle, canvas_width: int) -> TextLayout:
    """Wrap to `max_width` of the canvas (box padding included), shrinking the size until the text fits
    in `max_lines`; at the smallest size the last line is cut with an ellipsis."""
    if style.uppercase:
        text = text.upper()
    size = style.size
    while True:
        font = load_font(style.font, legible_weight(style.font, style.weight, size), size, text)
        spacing = style.letter_spacing * size
        pad = style.box_padding * size if style.box else 0.0
        limit = max(1.0, style.max_width * canvas_width - 2 * pad)
        lines, fits = _wrap(font, text, spacing, limit)
        if (fits and len(lines) <= style.max_lines) or size <= MIN_SIZE:
            break
        size = max(MIN_SIZE, int(math.floor(size * SHRINK)))
    if len(lines) > style.max_lines:
        lines = lines[: style.max_lines]
        lines[-1] = lines[-1].rstrip() + "…"
    elif fits and len(lines) > 1:
        lines = _balanced(font, text, spacing, limit, len(lines))
    return TextLayout(font, size, lines, [measure(font, line, spacing) for line in lines], spacing)


def _balanced(font, text: str, spacing: float, limit: float, count: int) -> list[str]:
    """The same number of lines, as even as they go: the narrowest width that still wraps `text` into
    `count` lines (so "SOLIDUS HOODIE — RED" breaks in the middle, not before its last word)."""
    widest = max(measure(font, line, spacing) for line in _wrap(font, text, spacing, limit)[0])
    low, high = widest / count * 0.9, limit
    best = _wrap(font, text, spacing, limit)[0]
    for _ in range(12):
        mid = (low + high) / 2
        lines, fits = _wrap(font, text, spacing, mid)
        if fits and len(lines) <= count:
            best, high = lines, mid
        else:
            low = mid
    return best


def rasterize(text: str, style: TextStyle, canvas: tuple[int, int]) -> np.ndarray:
    """The text block (box, shadow, glyphs) as an (h, w, 4) uint8 RGBA array."""
    lay = layout(text, style, canvas[0])
    size = lay.size
    pad = style.box_padding * size if style.box else 0.0
    shadow_offset = max(1, int(round(size * 0.05))) if style.shadow else 0
    shadow_blur = max(1.0, size * 0.06) if style.shadow else 0.0
    margin = int(math.ceil(shadow_offset + 3 * shadow_blur)) if style.shadow else 0
    text_w = int(math.ceil(lay.width))
    text_h = lay.line_height * len(lay.lines)
    block_w, block_h = int(math.ceil(text_w + 2 * pad)), int(math.ceil(text_h + 2 * pad))
    width, height = block_w + 2 * margin, block_h + 2 * margin
    ascent, descent = lay.font.getmetrics()

    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    for index, (line, line_w) in enumerate(zip(lay.lines, lay.widths, strict=True)):
        if style.align == "left":
            x = margin + pad
        elif style.align == "right":
            x = margin + pad + text_w - line_w
        else:
            x = margin + pad + (text_w - line_w) / 2
        baseline = margin + pad + index * lay.line_height + (lay.line_height + ascent - descent) / 2
        _draw_line(draw, (x, baseline), line, lay.font, lay.spacing)

    out = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if style.box:
        box_rgba = parse_color(style.box)
        radius = min(style.box_radius * size, block_h / 2)
        ImageDraw.Draw(out).rounded_rectangle(
            (margin, margin, margin + block_w - 1, margin + block_h - 1), radius=radius, fill=box_rgba
        )
    if style.shadow:
        shadow = Image.new("L", (width, height), 0)
        shadow.paste(mask, (shadow_offset, shadow_offset))
        shadow = shadow.filter(ImageFilter.GaussianBlur(shadow_blur)).point(lambda v: int(v * 0.6))
        out = Image.alpha_composite(out, _colored(shadow, (0, 0, 0, 255)))
    out = Image.alpha_composite(out, _colored(mask, parse_color(style.color)))
    return np.asarray(out)


def _draw_line(draw: ImageDraw.ImageDraw, xy: tuple[float, float], line: str, font, spacing: float) -> None:
    x, y = xy
    if spacing == 0:
        draw.text((x, y), line, font=font, fill=255, anchor="ls")
        return
    for char in line:
        draw.text((x, y), char, font=font, fill=255, anchor="ls")
        x += font.getlength(char) + spacing


def _colored(mask: Image.Image, rgba: tuple[int, int, int, int]) -> Image.Image:
    layer = Image.new("RGBA", mask.size, rgba[:3] + (0,))
    alpha = mask if rgba[3] == 255 else mask.point(lambda v: v * rgba[3] // 255)
    layer.putalpha(alpha)
    return layer


def text_layer(segment: TextSegment, canvas: tuple[int, int]) -> Layer:
    style = segment.style
    rgba = rasterize(segment.text, style, canvas)
    return rgba_to_layer(rgba, (style.x * canvas[0], style.y * canvas[1]), canvas)


def text_animation(style: TextStyle, t: float, duration: float, canvas_height: int) -> tuple[float, float, float]:
    """(opacity, dy, scale) `t` seconds into a text segment: the animation in at the start, a fade out at
    the end (both over `animation_duration`, at most a third of the segment)."""
    span = min(style.animation_duration, duration / 3)
    if style.animation == "none" or span <= 0:
        return 1.0, 0.0, 1.0
    p_in = min(max(t / span, 0.0), 1.0)
    p_out = min(max((duration - t) / span, 0.0), 1.0)
    eased_in = 1 - (1 - p_in) ** 3  # ease-out cubic
    opacity = eased_in * (0.5 - 0.5 * math.cos(math.pi * p_out))
    dy, scale = 0.0, 1.0
    if style.animation == "slide_up":
        dy = (1 - eased_in) * 0.05 * canvas_height
    elif style.animation == "pop":
        c = 1.70158  # ease-out-back: overshoots a little, then settles
        q = p_in - 1
        scale = 0.6 + 0.4 * (1 + (c + 1) * q**3 + c * q**2)
        opacity = min(1.0, p_in * 2.5) * (0.5 - 0.5 * math.cos(math.pi * p_out))
    return opacity, dy, scale
