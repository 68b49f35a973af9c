"""Property tests: whatever the product, options and template, a composed spec validates, lasts exactly
the requested time, has no shot under 1 s, uses each photo at most once, and keeps all text and the logo
inside the safe area (5 % margins) without overlapping each other."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.composer.helpers import EXAMPLE_PHOTOS, check_spec, cut_times
from videos.composer import BrandSettings, ComposeOptions, Product, ProductImage, compose
from videos.composer.layout import text_box
from videos.composer.templates import TEMPLATES
from videos.music.library import get_bed
from videos.spec import ASPECTS

TITLES = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1, max_size=300),
    st.sampled_from([
        "Blue Canvas Slip-On Sneakers",
        "超轻透气网面运动鞋 男女同款 夏季新款休闲跑步鞋",
        "ランニングシューズ 軽量 通気性",
        "Ultra-Comfort Memory Foam Orthopedic Slip-On Sneakers for Men and Women with Arch Support " * 3,
        "W" * 120,
        "a",
    ]),
).filter(lambda t: t.strip())
PRICES = st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))


@st.composite
def products(draw: st.DrawFn, pool: list[Path]) -> Product:
    count = draw(st.integers(min_value=1, max_value=len(pool)))
    picks = draw(st.permutations(pool))[:count]
    price = draw(PRICES)
    compare = draw(st.one_of(st.none(), PRICES)) if price is not None else None
    return Product(
        title=draw(TITLES).strip() or "x",
        images=[ProductImage(p, f"photo {i}") for i, p in enumerate(picks)],
        price=price,
        compare_at_price=compare,
        currency=draw(st.sampled_from(["USD", "EUR", "JPY", "CNY", "GBP", "KWD"])),
    )


OPTIONS = st.builds(
    ComposeOptions,
    duration=st.floats(min_value=5, max_value=60).map(lambda d: round(d, 2)),
    aspect=st.sampled_from(list(ASPECTS)),
    template=st.sampled_from(list(TEMPLATES)),
    music=st.sampled_from(["auto", "none", "pulse", "drift", "mood:playful"]),
    show_title=st.booleans(),
    show_price=st.booleans(),
    show_badge=st.booleans(),
    show_cta=st.booleans(),
    emphasis=st.sampled_from(["none", "discount"]),
    pace=st.sampled_from([0.5, 1.0, 1.5, 2.0]),
    cta_text=st.one_of(st.none(), st.text(min_size=1, max_size=60).filter(lambda t: t.strip())),
)
BRANDS = st.builds(
    BrandSettings,
    locale=st.sampled_from(["en", "zh_CN", "ja", "es", "fr", "de"]),
    font=st.sampled_from([None, "sans", "mono"]),
    primary=st.sampled_from([None, "#FFFFFF", "#0A3D62"]),
    logo=st.sampled_from([None, EXAMPLE_PHOTOS / "cap-red-front.png", EXAMPLE_PHOTOS / "juice-bottles-row-banner.jpg"]),
)


@pytest.fixture(scope="module")
def pool(photo_pool: list[Path]) -> list[Path]:
    return photo_pool


def test_any_product_gives_a_valid_spec_that_keeps_the_rules(pool: list[Path]) -> None:
    @settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        # Given a random product, brand and options
        product = data.draw(products(pool))
        brand = data.draw(BRANDS)
        options = data.draw(OPTIONS)
        # When it is composed
        spec = compose(product, brand, options)
        # Then every invariant holds
        check_spec(spec, options.duration)
        assert {s.source for s in spec.segments_of("video")} <= {str(p.resolve()) for p in pool}

    run()


def test_cuts_land_on_the_beat_whenever_the_plan_says_so(pool: list[Path]) -> None:
    @settings(max_examples=25, deadline=None)
    @given(duration=st.floats(min_value=5, max_value=60), count=st.integers(1, 14), bed=st.sampled_from(["sunrise", "pulse", "drift", "bounce", "velvet"]))
    def run(duration: float, count: int, bed: str) -> None:
        # Given a product and a library bed with a known tempo
        product = Product("Beat", images=[ProductImage(p) for p in pool[:count]])
        spec = compose(product, options=ComposeOptions(duration=round(duration, 2), music=bed))
        beat = 60 / get_bed(bed).tempo
        # Then every cut sits on the bed's beat grid (none were reported as off-grid)
        assert not any("beat" in n for n in spec.metadata["notes"])
        for cut in cut_times(spec):
            assert cut / beat == pytest.approx(round(cut / beat), abs=1e-6)

    run()


def test_the_renderers_text_never_outgrows_the_worst_case_box() -> None:
    """Cross-check with the real renderer: rasterised blocks fit inside text_box (animations aside)."""
    render_text = pytest.importorskip("videos.render.text")
    from videos.spec import Canvas

    product = Product("x", images=[ProductImage(EXAMPLE_PHOTOS / "cap-red-front.png")], price=Decimal("1234.5"),
                      compare_at_price=Decimal("2000"))
    for template in TEMPLATES:
        for aspect in ("1:1", "9:16", "16:9"):
            for title in ("超轻透气网面运动鞋 男女同款 夏季新款休闲跑步鞋 " * 3, "Wide W" * 30):
                product.title = title
                spec = compose(product, options=ComposeOptions(aspect=aspect, template=template, music="none"))
                canvas: Canvas = spec.canvas
                for segment in spec.segments_of("text"):
                    rgba = render_text.rasterize(segment.text, segment.style, (canvas.width, canvas.height))
                    box = text_box(segment.style.model_copy(update={"animation": "none"}), canvas)
                    assert rgba.shape[1] <= (box.x1 - box.x0) * canvas.width + 1, (template, aspect, segment.role)
                    assert rgba.shape[0] <= (box.y1 - box.y0) * canvas.height + 1, (template, aspect, segment.role)
