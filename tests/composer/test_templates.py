"""Templates look and sound different, and each has a still spec of its title card."""

from __future__ import annotations

from itertools import combinations

from tests.composer.helpers import EXAMPLE_PHOTOS, check_spec
from videos.composer import ComposeOptions, Product, ProductImage, compose
from videos.composer.stills import template_still_spec
from videos.composer.templates import TEMPLATES

PRODUCT = Product("Red Cap", images=[ProductImage(EXAMPLE_PHOTOS / n) for n in
                                     ("cap-red-front.png", "cap-red-three-quarter.png", "juice-bottles-row-banner.jpg", "jeans-woman-ripped-lifestyle.jpg")])


def _fingerprint(name: str) -> dict[str, object]:
    spec = compose(PRODUCT, options=ComposeOptions(template=name, duration=12))
    title = next(s for s in spec.segments_of("text") if s.role == "title")
    video = spec.segments_of("video")
    return {
        "font": (title.style.font, title.style.weight, title.style.uppercase),
        "colours": (title.style.color, title.style.box, spec.canvas.background),
        "transitions": tuple(sorted({(s.transition.kind, s.transition.duration) for s in video[1:]})),
        "motion": round(max(s.motion.strength for s in video if s.motion.kind.startswith("zoom")), 3),
        "animation": title.style.animation,
        "music": spec.segments_of("audio")[0].source,
        "shots": len(video),
    }


def test_there_are_at_least_four_templates_and_each_pair_differs_in_look_motion_and_sound() -> None:
    assert {"clean", "bold", "luxe", "sale"} <= set(TEMPLATES)
    prints = {name: _fingerprint(name) for name in TEMPLATES}
    for a, b in combinations(prints, 2):
        different = {k for k in prints[a] if prints[a][k] != prints[b][k]}
        # fonts, colours, music and transitions all change between any two templates
        assert {"font", "colours", "music", "transitions"} <= different, (a, b, prints[a], prints[b])


def test_bold_cuts_faster_and_moves_harder_than_luxe() -> None:
    bold, luxe = _fingerprint("bold"), _fingerprint("luxe")
    assert bold["shots"] >= luxe["shots"]
    assert bold["motion"] > luxe["motion"]


def test_template_still_spec_is_a_short_title_card_without_music() -> None:
    for name in TEMPLATES:
        spec = template_still_spec(name, PRODUCT)
        check_spec(spec, 2.0)
        [title] = spec.segments_of("text")
        assert title.role == "title" and title.style.animation == "none"
        assert title.start <= spec.poster_time <= title.end
        assert spec.segments_of("audio") == [] and len(spec.segments_of("video")) == 1
        assert spec.metadata["template"] == name
