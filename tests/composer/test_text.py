"""The words on screen: prices per currency and locale, the discount badge, the localised call to action,
the logo on the end card, long titles, readable colours, and clear errors for bad settings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.composer.helpers import EXAMPLE_PHOTOS, check_spec, visible_boxes
from videos.composer import BrandSettings, ComposeError, ComposeOptions, Product, ProductImage, compose
from videos.composer.i18n import badge_text, cta_text, discount_percent, format_price
from videos.composer.textplan import contrast, readable_on, short_title

PHOTO = EXAMPLE_PHOTOS / "slipon-blue-side.png"


def _product(**kwargs) -> Product:
    return Product(kwargs.pop("title", "Slip-On"), images=[ProductImage(PHOTO), ProductImage(EXAMPLE_PHOTOS / "slipon-blue-top.png")], **kwargs)


def _texts(spec) -> dict[str, str]:
    return {s.role: s.text for s in spec.segments_of("text")}


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("59", "USD", "en", "$59.00"),
        ("1234.5", "EUR", "de", "1.234,50\xa0€"),
        ("1200", "JPY", "ja", "￥1,200"),
        ("99", "CNY", "zh_CN", "¥99.00"),
        ("19.9", "EUR", "fr", "19,90\xa0€"),
        ("5", "USD", "es", "5,00\xa0US$"),
        ("7.5", "KWD", "en", "KWD7.500"),  # three decimals for dinars
    ],
)
def test_prices_are_formatted_for_the_currency_and_locale(amount: str, currency: str, locale: str, expected: str) -> None:
    assert format_price(Decimal(amount), currency, locale) == expected


@pytest.mark.parametrize(
    ("price", "compare", "percent"),
    [("79", "99", 20), ("59", "79", 25), ("99.50", "100", 0), ("10", "10", 0), ("12", "10", 0), ("0.99", "100", 99), ("79", None, 0)],
)
def test_badge_percentage_is_rounded_down_and_only_for_a_real_discount(price: str, compare: str | None, percent: int) -> None:
    assert discount_percent(Decimal(price), Decimal(compare) if compare else None) == percent


def test_badge_shows_only_when_compare_at_is_above_price() -> None:
    with_discount = compose(_product(price=Decimal("79"), compare_at_price=Decimal("99")))
    without = compose(_product(price=Decimal("79"), compare_at_price=Decimal("79")))
    assert _texts(with_discount)["badge"] == "Save 20%"
    assert "badge" not in _texts(without)


@pytest.mark.parametrize(
    ("locale", "cta", "badge"),
    [("en", "Shop now", "Save 20%"), ("zh_CN", "立即选购", "立省20%"), ("ja", "今すぐチェック", "20%オフ"),
     ("es", "Compra ahora", "Ahorra un 20 %"), ("fr", "Achetez maintenant", "Économisez 20 %"), ("de", "Jetzt shoppen", "Spare 20 %")],
)
def test_call_to_action_and_badge_are_in_the_shops_language(locale: str, cta: str, badge: str) -> None:
    assert cta_text(locale) == cta and badge_text(20, locale) == badge
    spec = compose(_product(price=Decimal("79"), compare_at_price=Decimal("99")), BrandSettings(locale=locale))
    assert _texts(spec)["cta"] == cta and _texts(spec)["badge"] == badge


def test_text_plan_title_first_then_price_and_badge_then_the_end_card() -> None:
    names = ["slipon-blue-side.png", "slipon-blue-top.png", "slipon-blue-pair-angle.png", "cap-red-front.png"]
    product = Product("Slip-On", images=[ProductImage(EXAMPLE_PHOTOS / n) for n in names], price=Decimal("79"), compare_at_price=Decimal("99"))
    spec = compose(product, options=ComposeOptions(duration=15))
    segments = {s.role: s for s in spec.segments_of("text")}
    assert segments["title"].start == 0 and segments["title"].end <= 3.5
    assert segments["price"].start == pytest.approx(segments["title"].end)
    assert segments["cta"].end == pytest.approx(15)
    last_shot = spec.segments_of("video")[-1]
    assert segments["cta"].start == pytest.approx(last_shot.start + last_shot.transition.duration / 2)
    assert segments["badge"].start == segments["price"].start and segments["badge"].end == segments["cta"].start


def test_a_long_last_shot_shows_the_end_card_only_for_its_final_seconds() -> None:
    spec = compose(_product(), options=ComposeOptions(duration=30))
    cta = next(s for s in spec.segments_of("text") if s.role == "cta")
    assert cta.duration == pytest.approx(5.0)


def test_each_text_part_can_be_switched_off_and_the_cta_reworded() -> None:
    product = _product(price=Decimal("79"), compare_at_price=Decimal("99"))
    spec = compose(product, options=ComposeOptions(show_title=False, show_badge=False, cta_text="Get yours"))
    assert _texts(spec) == {"price": "$79.00", "cta": "Get yours"}
    bare = compose(product, options=ComposeOptions(show_title=False, show_price=False, show_badge=False, show_cta=False))
    assert bare.segments_of("text") == []


def test_logo_sits_on_the_end_card_above_the_cta_inside_the_safe_area() -> None:
    logo = EXAMPLE_PHOTOS / "cap-red-front.png"
    for aspect in ("1:1", "9:16", "16:9", "4:5"):
        spec = compose(_product(), BrandSettings(logo=logo), ComposeOptions(aspect=aspect))
        check_spec(spec, 15)
        [overlay] = spec.segments_of("overlay")
        cta = next(s for s in spec.segments_of("text") if s.role == "cta")
        assert overlay.source == str(logo.resolve())
        assert (overlay.start, overlay.end) == (pytest.approx(cta.start), pytest.approx(cta.end))
        boxes = {label: box for _, _, box, label in visible_boxes(spec)}
        assert boxes["logo"].y1 <= boxes["cta"].y0


def test_no_logo_when_switched_off() -> None:
    spec = compose(_product(), BrandSettings(logo=EXAMPLE_PHOTOS / "cap-red-front.png"), ComposeOptions(show_logo=False))
    assert spec.segments_of("overlay") == []


def test_very_long_titles_are_shortened_at_a_word() -> None:
    title = "Ultra Comfort Memory Foam Orthopedic Slip-On Sneakers for Men and Women with Extra Wide Arch Support"
    short = short_title(title)
    assert len(short) <= 64 and short.endswith("…") and title.startswith(short[:-1]) and not short[:-1].endswith(" ")
    assert short_title("超" * 100) == "超" * 31 + "…"  # CJK characters count double
    assert short_title("Short title") == "Short title"


def test_cjk_titles_are_not_letter_spaced_and_tall_canvases_allow_a_third_line() -> None:
    spec = compose(_product(title="超轻透气网面运动鞋"), options=ComposeOptions(template="luxe", aspect="9:16"))
    title = next(s for s in spec.segments_of("text") if s.role == "title")
    assert title.style.letter_spacing == 0 and title.style.max_lines == 3
    latin = compose(_product(title="Slip-On"), options=ComposeOptions(template="luxe", aspect="1:1"))
    assert next(s for s in latin.segments_of("text") if s.role == "title").style.letter_spacing > 0


def test_brand_colours_are_used_but_text_stays_readable() -> None:
    spec = compose(_product(price=Decimal("5"), compare_at_price=Decimal("9")), BrandSettings(primary="#FFFF00", text="#FFFFFF"))
    cta = next(s for s in spec.segments_of("text") if s.role == "cta")
    assert cta.style.box == "#FFFF00"
    assert contrast(cta.style.color, "#FFFF00") >= 3.0  # white on yellow was swapped for a dark colour
    assert readable_on("#000000", "#FFFFFF") == "#FFFFFF"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: BrandSettings(locale="xx_YY_ZZ"), "brand.locale"),
        (lambda: BrandSettings(primary="red"), "brand.primary"),
        (lambda: BrandSettings(font="comic"), "brand.font"),
        (lambda: BrandSettings(logo=Path("/nope/logo.png")), "brand.logo"),
        (lambda: ComposeOptions(duration=1), "options.duration"),
        (lambda: ComposeOptions(duration=601), "options.duration"),
        (lambda: ComposeOptions(aspect="2:1"), "options.aspect"),
        (lambda: ComposeOptions(template="fancy"), "options.template"),
        (lambda: ComposeOptions(pace=5), "options.pace"),
        (lambda: ComposeOptions(cta_text=" "), "options.cta_text"),
        (lambda: compose(_product(price=Decimal("1"), currency="XYZ")), "product.currency"),
        (lambda: compose(_product(), options=ComposeOptions(music="polka")), "options.music"),
    ],
)
def test_bad_settings_are_clear_errors(make, field: str) -> None:
    with pytest.raises(ComposeError) as error:
        make()
    assert error.value.field == field


@pytest.mark.parametrize("brand", [BrandSettings(), BrandSettings(primary="#FFFF00", text="#FFFFFF"),
                                   BrandSettings(primary="#FF3B30", text="#C9A96E", secondary="#222222")])
@pytest.mark.parametrize("template", ["clean", "bold", "luxe", "sale"])
def test_every_text_block_keeps_a_wcag_contrast_of_4_5_whatever_is_behind_it(template, brand) -> None:
    from videos.composer.textplan import worst_contrast

    # given a video with every kind of text, in a template and brand colours
    spec = compose(_product(price=Decimal("5"), compare_at_price=Decimal("9")), brand, ComposeOptions(template=template))
    # then each block's text reads at 4.5:1 on its box, over black or white
    for segment in spec.segments_of("text"):
        assert segment.style.box, segment.role
        assert worst_contrast(segment.style.color, segment.style.box) >= 4.5, (segment.role, segment.style)


@pytest.mark.parametrize("locale", ["en", "zh", "ja", "es", "fr", "de", "it", "pt", "nl", "ko"])
@pytest.mark.parametrize("template", ["clean", "bold", "luxe", "sale"])
def test_short_blocks_are_laid_out_snug_yet_never_need_shrinking(template, locale) -> None:
    from videos.composer.layout import role_geometry
    from videos.render.text import layout

    # given a video with a price, a badge and a call to action in the shop's language
    spec = compose(_product(price=Decimal("1234.5"), compare_at_price=Decimal("2000")), BrandSettings(locale=locale),
                   ComposeOptions(template=template, emphasis="discount"))
    for segment in spec.segments_of("text"):
        if segment.role == "title":
            continue
        # then its text fits the room reserved for it at full size (unless it is longer than the role allows)
        style = segment.style
        widest = role_geometry(segment.role, spec.canvas, title_scale=0.1, emphasis=segment.role == "badge")["max_width"]
        if style.max_width >= widest - 1e-6:
            continue
        assert layout(segment.text, style, spec.canvas.width).size == style.size, (segment.role, segment.text)


def test_a_short_badge_reserves_only_the_room_it_needs() -> None:
    spec = compose(_product(price=Decimal("5"), compare_at_price=Decimal("9")))
    badge = next(s for s in spec.segments_of("text") if s.role == "badge")
    assert badge.style.max_width < 0.3
