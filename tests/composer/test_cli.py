"""spec_from_cli: the function behind render_video's --template/--instruction/--music/--no-text/--cta/--product."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.composer.helpers import EXAMPLE_PHOTOS, REPO, check_spec
from videos.composer import ComposeError
from videos.composer.cli import spec_from_cli

PHOTOS = [EXAMPLE_PHOTOS / n for n in ("slipon-blue-side.png", "slipon-blue-top.png", "juice-bottles-row-banner.jpg")]


def test_photos_and_flags_make_a_spec() -> None:
    spec, notes = spec_from_cli(PHOTOS, title="Slip-On", price="59", compare_at="79", currency="usd", aspect="4:5",
                                duration=10, music="drift", template="luxe", cta="Order today")
    check_spec(spec, 10)
    texts = {s.role: s.text for s in spec.segments_of("text")}
    assert texts == {"title": "Slip-On", "price": "$59.00", "badge": "Save 25%", "cta": "Order today"}
    assert (spec.canvas.width, spec.canvas.height, spec.metadata["template"]) == (1080, 1350, "luxe")
    assert spec.segments_of("audio")[0].source == "music:drift"


def test_instruction_notes_and_explicit_flags_winning(tmp_path: Path) -> None:
    spec, notes = spec_from_cli(PHOTOS, title="Cap", duration=20,
                                instruction="30 seconds, vertical, no music, add sparkles")
    assert spec.duration == 20 and spec.canvas.aspect == "9:16" and spec.segments_of("audio") == []
    assert any("did not understand: “add sparkles”" in n for n in notes)
    assert any("--duration 20 overrides the instruction's 30" in n for n in notes)
    assert any("understood" in n and "vertical" in n for n in notes)


def test_no_text_and_music_none() -> None:
    spec, _ = spec_from_cli(PHOTOS, title="Cap", price="5", no_text=True, music="none")
    assert spec.segments_of("text") == [] and spec.segments_of("audio") == []


def test_product_json_with_overrides_and_extra_photos() -> None:
    spec, _ = spec_from_cli([EXAMPLE_PHOTOS / "cap-red-front.png"], product_json=REPO / "examples" / "products" / "sneakers.json",
                            price=Decimal("49"), template="sale")
    sources = [Path(s.source).name for s in spec.segments_of("video")]
    assert sources[0] == "slipon-blue-pair-angle.png" and "cap-red-front.png" in sources
    assert {s.role: s.text for s in spec.segments_of("text")}["badge"] == "Save 37%"


def test_title_defaults_to_the_first_file_name_and_clips_are_recognised(tiny_clip: Path) -> None:
    spec, _ = spec_from_cli([EXAMPLE_PHOTOS / "cap-red-front.png", tiny_clip], duration=8)
    assert spec.metadata["product_title"] == "cap red front"
    assert [s.type for s in spec.segments_of("video")] == ["image", "clip"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paths": []}, "at least one photo"),
        ({"paths": PHOTOS, "price": "abc"}, "--price: not a number"),
        ({"paths": PHOTOS, "template": "shiny"}, "unknown template"),
        ({"paths": PHOTOS, "aspect": "3:2"}, "unknown aspect"),
        ({"paths": PHOTOS, "music": "nope.ogg"}, "unknown music"),
        ({"paths": [REPO / "pyproject.toml"]}, "not a photo or a video clip"),
        ({"paths": [REPO / "nope.png"]}, "file not found"),
    ],
)
def test_bad_cli_values_are_clear_errors(kwargs: dict, message: str) -> None:
    paths = kwargs.pop("paths")
    with pytest.raises(ComposeError, match=message):
        spec_from_cli(paths, **kwargs)
