"""What the text says and when it shows: title intro, price and discount badge, call-to-action end card
with the shop's logo. Used both when composing and when an instruction re-lays out an existing spec."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from videos.composer.brand import BrandSettings, ComposeOptions
from videos.composer.i18n import badge_text, cta_text, discount_percent, format_price
from videos.composer.layout import GAP, fit_style, logo_overlay, place, role_geometry, text_box
from videos.composer.product import Product
from videos.composer.templates import Template
from videos.spec import Canvas, OverlaySegment, TextSegment, TextStyle

MAX_TITLE_COLUMNS = 64  # about two lines of title; 32 CJK characters
TITLE_MAX_S = 3.5
WIDE_END_CARD = 1.5  # canvases this wide show the end card's product and call to action side by side
SIDE_COLUMN_X = 0.74  # the centre of the call to action's column then
END_CARD_MAX_S = 3.5
END_CARD_LONGEST_S = 5.0


@dataclass(frozen=True)
class TextPlan:
    title: str | None = None
    price: str | None = None
    badge: str | None = None
    cta: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class Palette:
    text: str
    box: str | None
    accent: str
    accent_text: str
    backdrop: str  # behind cut-out products
    background: str  # the canvas


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms: about twice as wide as a Latin letter."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def has_wide(text: str) -> bool:
    return any(is_wide(ch) for ch in text)


def short_title(title: str, limit: int = MAX_TITLE_COLUMNS) -> str:
    """Titles wider than `limit` columns (a CJK character counts two) are cut at a word, or anywhere for
    scripts without spaces, and end in '…'."""
    widths = [2 if is_wide(ch) else 1 for ch in title]
    if sum(widths) <= limit:
        return title
    total, end = 0, 0
    for end, width in enumerate(widths):  # noqa: B007 (end is used after the loop)
        if total + width > limit - 1:
            break
        total += width
    cut = title[:end]
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—、，") + "…"


def all_texts(product: Product, brand: BrandSettings) -> TextPlan:
    """Every text the product could show (options choose which are shown)."""
    percent = discount_percent(product.price, product.compare_at_price)
    return TextPlan(
        title=short_title(product.title),
        price=format_price(product.price, product.currency, brand.locale) if product.price is not None else None,
        badge=badge_text(percent, brand.locale) if percent >= 1 else None,
        cta=cta_text(brand.locale),
    )


def shown_texts(texts: TextPlan, options: ComposeOptions) -> TextPlan:
    return TextPlan(
        title=texts.title if options.show_title else None,
        price=texts.price if options.show_price else None,
        badge=texts.badge if options.show_badge else None,
        cta=(options.cta_text.strip() if options.cta_text else texts.cta) if options.show_cta else None,
    )


# --- colours -------------------------------------------------------------------------------------
def _luminance(color: str) -> float:
    """WCAG relative luminance of #RRGGBB[AA] (alpha ignored)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


MIN_CONTRAST = 4.5  # WCAG AA for body text; all of ours is larger, so this is generous


def readable_on(background: str, preferred: str) -> str:
    """`preferred` when it reads well on `background` (WCAG 4.5:1), else black or white, whichever is
    clearer."""
    if contrast(preferred, background) >= MIN_CONTRAST:
        return preferred
    return "#FFFFFF" if contrast("#FFFFFF", background) >= contrast("#111111", background) else "#111111"


def _hex(rgb: tuple[float, float, float], alpha: int | None = None) -> str:
    text = "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)
    return text + (f"{alpha:02X}" if alpha is not None else "")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _over(box: str, behind: tuple[int, int, int]) -> str:
    """A translucent box's colour where it lies over `behind`."""
    alpha = int(box[7:9], 16) / 255 if len(box) == 9 else 1.0
    return _hex(tuple(alpha * c + (1 - alpha) * b for c, b in zip(_rgb(box), behind, strict=True)))


def worst_contrast(text: str, box: str) -> float:
    """The text's contrast with its box, whatever is behind a translucent box (black to white)."""
    return min(contrast(text, _over(box, behind)) for behind in ((0, 0, 0), (255, 255, 255)))


def readable_pair(box: str, text: str) -> tuple[str, str]:
    """(box, text) with a contrast of at least 4.5:1 whatever is behind the box: the box made more
    opaque, then a little darker (or lighter), keeping the text colour; when that is not enough, black or
    white text on the box adjusted the same way."""
    if worst_contrast(text, box) >= MIN_CONTRAST:
        return box, text
    kept = _adjusted(box, text, steps=5)
    if worst_contrast(text, kept) >= MIN_CONTRAST:
        return kept, text
    text = readable_on(box[:7], text)
    return _adjusted(box, text, steps=64), text


def _adjusted(box: str, text: str, *, steps: int) -> str:
    rgb, alpha = _rgb(box), int(box[7:9], 16) if len(box) == 9 else 255
    while alpha < 255 and worst_contrast(text, box) < MIN_CONTRAST:
        alpha = min(255, alpha + 16)
        box = _hex(rgb, alpha if alpha < 255 else None)
    toward = 0.0 if _luminance(text) > 0.18 else 255.0  # away from the text's lightness
    for _ in range(steps):
        if worst_contrast(text, box) >= MIN_CONTRAST:
            break
        rgb = tuple(c + (toward - c) * 0.08 for c in rgb)  # type: ignore[assignment]
        box = _hex(rgb, alpha if alpha < 255 else None)
    return box


def palette(template: Template, brand: BrandSettings) -> Palette:
    accent, accent_text = readable_pair(brand.primary or template.accent, template.accent_text)
    box, text = template.box_color, brand.text or template.text_color
    if box:
        box, text = readable_pair(box, text)
    return Palette(
        text=text,
        box=box,
        accent=accent,
        accent_text=accent_text,
        backdrop=brand.secondary or template.backdrop,
        background=template.background,
    )


# --- timing and layout ---------------------------------------------------------------------------
def _style(role: str, canvas: Canvas, template: Template, colors: Palette, *, font: str | None, emphasis: bool) -> TextStyle:
    geometry = role_geometry(role, canvas, title_scale=template.title_scale, emphasis=emphasis)  # type: ignore[arg-type]
    accent = role in ("badge", "cta")
    return TextStyle(
        font=(font or template.title_font) if role in ("title", "cta") else template.body_font,
        weight=template.title_weight if role in ("title", "cta") else template.body_weight,
        color=colors.accent_text if accent else colors.text,
        box=colors.accent if accent else colors.box,
        shadow=template.shadow and not accent,
        uppercase=template.uppercase and role != "price",
        letter_spacing=template.letter_spacing if role in ("title", "cta") else 0.0,
        animation="pop" if (role == "badge" and emphasis) else template.animation,
        animation_duration=template.animation_s,
        **geometry,
    )


# Generous average advance of a character, in font sizes (bold capitals are the widest); a CJK one is 1.
_CHAR_EM = {True: 0.74, False: 0.64}


def _snug(style: TextStyle, text: str, canvas: Canvas) -> TextStyle:
    """A one-line block no wider than its text is likely to be, so layout keeps the room it does not use
    (the renderer shrinks the text in the rare case the estimate is short)."""
    columns = sum(1.0 if is_wide(ch) else _CHAR_EM[style.uppercase] for ch in text)
    width = (columns + style.letter_spacing * len(text) + 2 * style.box_padding) * style.size / canvas.width
    return style.model_copy(update={"max_width": round(min(style.max_width, width + 0.01), 4)})


def layout_texts(
    plan: TextPlan,
    *,
    cuts: list[float],
    duration: float,
    canvas: Canvas,
    template: Template,
    colors: Palette,
    font: str | None = None,
    emphasis: bool = False,
    logo: tuple[str, float] | None = None,
    side_by_side: bool = True,
) -> tuple[list[TextSegment], list[OverlaySegment]]:
    """Text segments (and the logo overlay) for `plan` over shots cut at `cuts`.

    Timeline: title over the hero shot (at most TITLE_MAX_S); then price at the bottom with the badge in a
    top corner; the last shot is the end card with the call to action (and the logo above it). With
    `emphasis` the badge is bigger, pops, and shows from the first second. `side_by_side`: a wide canvas
    may show the end card's product and call to action side by side (not when the end card slides in
    sideways, which would carry the product across the call to action)."""
    end_card = 0.0
    if plan.cta or logo:
        # The last shot is the end card; a very long last shot gets the card only for its final seconds.
        if cuts and duration - cuts[-1] >= 1.0:
            end_card = max(cuts[-1], duration - END_CARD_LONGEST_S)
        else:
            end_card = duration - min(END_CARD_MAX_S, 0.3 * duration)
    body_end = end_card or duration
    hero_end = cuts[0] if cuts else duration
    title_end = min(body_end, max(min(1.5, body_end), min(TITLE_MAX_S, hero_end))) if plan.title else 0.0

    texts: list[TextSegment] = []
    overlays: list[OverlaySegment] = []

    def add(role: str, text: str, start: float, end: float, style: TextStyle) -> TextSegment | None:
        if end - start < 0.5:
            return None
        if style.letter_spacing and has_wide(text):
            style = style.model_copy(update={"letter_spacing": 0.0})  # CJK is evenly spaced already
        segment = TextSegment(start=start, duration=end - start, text=text, role=role, style=style)  # type: ignore[arg-type]
        texts.append(segment)
        return segment

    title_box = None
    if plan.title:
        style = place(_style("title", canvas, template, colors, font=font, emphasis=False), canvas, template.title_position)
        if add("title", plan.title, 0.0, title_end, style):
            title_box = text_box(style, canvas)
    if plan.price:
        start = title_end if plan.title else min(0.3, body_end)
        style = place(_snug(_style("price", canvas, template, colors, font=font, emphasis=False), plan.price, canvas),
                      canvas, "bottom")
        add("price", plan.price, start, body_end, style)
    if plan.badge:
        start = 0.0 if emphasis else (title_end if plan.title else min(0.3, body_end))
        style = _snug(_style("badge", canvas, template, colors, font=font, emphasis=emphasis), plan.badge, canvas)
        below_title = emphasis and title_box is not None and template.title_position == "top"
        style = place(style, canvas, "top", at=title_box.y1 + GAP if below_title and title_box else None, align_x="right")
        add("badge", plan.badge, start, body_end, style)
    # The end card: on a wide canvas the product on the left and the logo above the call to action on the
    # right; otherwise stacked, the logo at the top, the product in the middle, the call to action below.
    side = side_by_side and canvas.width / canvas.height >= WIDE_END_CARD
    cta_top = None
    if plan.cta and end_card:
        style = _snug(_style("cta", canvas, template, colors, font=font, emphasis=False), plan.cta, canvas)
        if side:
            style = fit_style(place(style, canvas, "center", at=0.6).model_copy(update={"x": SIDE_COLUMN_X}), canvas)
        else:
            style = place(style, canvas, "bottom")
        if add("cta", plan.cta, end_card, duration, style):
            cta_top = text_box(style, canvas).y0
    if logo and end_card and duration - end_card >= 0.5:
        source, aspect = logo
        if side:
            overlays.append(logo_overlay(source, end_card, duration - end_card, canvas, aspect, x=SIDE_COLUMN_X,
                                         above=cta_top if cta_top is not None else 0.6))
        else:
            overlays.append(logo_overlay(source, end_card, duration - end_card, canvas, aspect))
    return texts, overlays
