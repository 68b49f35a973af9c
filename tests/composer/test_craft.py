"""Every frame one a merchant would post: synthetic products (a transparent PNG and white-background JPEGs,
solid blue shapes found pixel by pixel) composed in every template and aspect, drawn by the compositor at
270 px, with the logo on the end card. Measured per video: the share of the product any text or the logo
covers (in any frame), frames where the product touches the frame's edge, and the backdrop behind each
cut-out shot. See craft.py for how."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.composer.craft import measure, synthetic_product, video_spec
from videos.composer.templates import TEMPLATES
from videos.render.yuv import parse_color

ASPECTS = ["1:1", "9:16", "16:9", "4:5"]
MAX_COVERAGE = 0.02
MAX_BACKDROP_DISTANCE = 6.0  # RGB distance: what 4:2:0 rounding leaves of one colour


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory):
    return synthetic_product(tmp_path_factory.mktemp("craft"))


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    img = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle((10, 10, 290, 90), fill=(200, 40, 40, 255))
    img.save(path)
    return path


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_text_stays_off_the_product_which_stays_inside_the_frame_on_one_backdrop(product, logo, template, aspect):
    # given a product with a transparent PNG and two white-background JPEGs, a title, a discount and a logo
    spec = video_spec(product, template, aspect, logo=logo)
    # when every fifth of a second is drawn with and without the text
    figures = measure(spec)
    assert figures.shown >= 0.9  # the product is on screen (else there is nothing to measure)
    # then text and logo cover at most 2 % of the product in any frame
    assert figures.coverage <= MAX_COVERAGE, f"{template} {aspect}: {figures.coverage:.1%} of the product covered"
    # and the product never touches the frame's edge (slide transitions aside)
    assert figures.edge_touches == 0
    # and every cut-out shot, JPEGs included, lies on the template's backdrop
    backdrop = np.array(parse_color(TEMPLATES[template].backdrop)[:3], float)
    assert figures.backdrop_spread <= MAX_BACKDROP_DISTANCE, figures.backdrops
    assert all(np.linalg.norm(np.array(b, float) - backdrop) <= MAX_BACKDROP_DISTANCE for b in figures.backdrops), figures.backdrops


def test_the_same_spec_is_composed_and_drawn_the_same_way_twice(product):
    # given the same product and options twice, then the specs and their frames are identical
    first, second = video_spec(product, "bold", "9:16"), video_spec(product, "bold", "9:16")
    assert first == second
    assert measure(first) == measure(second)


@pytest.mark.parametrize("aspect", ["9:16", "1:1"])
def test_a_banner_photo_is_shown_whole_not_cropped_to_a_sliver(tmp_path, aspect):
    from decimal import Decimal

    from tests.composer.craft import without_text
    from tests.render.helpers import composed_frames
    from videos.composer import Product, ProductImage
    from videos.composer.brand import ComposeOptions
    from videos.composer.compose import compose
    from videos.render.still import shrink

    # given a 4:1 lifestyle banner: a busy scene with a red block at its left end and a green one at its right
    rng = np.random.default_rng(3)
    arr = rng.integers(60, 200, (200, 800, 3)).astype(np.uint8)
    arr[60:140, 10:90] = (230, 20, 20)
    arr[60:140, 710:790] = (20, 200, 40)
    path = tmp_path / "banner.jpg"
    Image.fromarray(arr).save(path, quality=92)
    product = Product(title="Banner", images=[ProductImage(path)], price=Decimal("5"))
    spec = shrink(compose(product, options=ComposeOptions(duration=4, aspect=aspect, music="none")), 270)
    # when its frames are drawn (without the text, which may sit on the blurred fill)
    frames = composed_frames(without_text(spec), [0, spec.frame_count // 2, spec.frame_count - 1])
    # then both ends of the banner are on screen throughout
    for frame in frames:
        pixels = frame.reshape(-1, 3).astype(int)
        assert (np.abs(pixels - (230, 20, 20)).max(axis=1) < 40).sum() > 20
        assert (np.abs(pixels - (20, 200, 40)).max(axis=1) < 40).sum() > 20


@pytest.mark.parametrize(("template", "side_by_side"), [("clean", True), ("luxe", True), ("sale", False)])
def test_a_wide_end_card_shows_product_and_call_to_action_side_by_side_unless_it_slides_in(product, logo, template,
                                                                                          side_by_side):
    from videos.composer.layout import overlay_box, text_box

    # given a 16:9 video with a logo
    spec = video_spec(product, template, "16:9", logo=logo)
    cta = next(s for s in spec.segments_of("text") if s.role == "cta")
    cta_box = text_box(cta.style, spec.canvas)
    logo_box = overlay_box(spec.segments_of("overlay")[0], spec.canvas, 3.0)
    frame = spec.segments_of("video")[-1].frame
    if side_by_side:
        # then the product's frame is on the left, the logo above the call to action on the right
        assert frame[2] <= cta_box.x0 and frame[2] <= logo_box.x0 and cta_box.x0 > 0.5
        assert logo_box.y1 <= cta_box.y0
    else:
        # a slide carries the product sideways across the frame: stacked, the call to action at the bottom
        assert frame[3] <= cta_box.y0 and cta_box.y1 > 0.85 and logo_box.y1 <= frame[1]
