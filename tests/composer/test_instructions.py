"""Plain instructions in English and Chinese: a table of phrasings, what is not understood, conflicts,
and applying them to new options and to existing specs."""

from __future__ import annotations

import pytest

from tests.composer.helpers import EXAMPLE_PHOTOS, check_spec
from videos.composer import ComposeOptions, Product, ProductImage, compose
from videos.composer.edit import rebuild
from videos.composer.instructions import apply, interpret
from videos.spec import VideoSpec

TABLE: list[tuple[str, dict[str, object]]] = [
    # duration
    ("30-second video", {"duration": 30.0}),
    ("make it 30s", {"duration": 30.0}),
    ("15 seconds long", {"duration": 15.0}),
    ("a thirty-second clip", {"duration": 30.0}),
    ("half a minute please", {"duration": 30.0}),
    ("one minute", {"duration": 60.0}),
    ("2 minutes", {"duration": 120.0}),
    ("30秒", {"duration": 30.0}),
    ("做一个十五秒的视频", {"duration": 15.0}),
    ("半分钟", {"duration": 30.0}),
    ("一分钟", {"duration": 60.0}),
    ("eight seconds", {"duration": 8.0}),
    ("a twelve second video", {"duration": 12.0}),
    ("forty-five seconds", {"duration": 45.0}),
    ("twenty five seconds", {"duration": 25.0}),
    ("one hundred and twenty seconds", {"duration": 120.0}),
    ("one and a half minutes", {"duration": 90.0}),
    ("a minute and a half", {"duration": 90.0}),
    ("十五秒", {"duration": 15.0}),
    ("三十五秒", {"duration": 35.0}),
    ("一百二十秒", {"duration": 120.0}),
    ("一分半", {"duration": 90.0}),
    # aspect
    ("square", {"aspect": "1:1"}),
    ("1:1 please", {"aspect": "1:1"}),
    ("make it vertical", {"aspect": "9:16"}),
    ("9:16 for TikTok", {"aspect": "9:16"}),
    ("竖屏", {"aspect": "9:16"}),
    ("改成横屏", {"aspect": "16:9"}),
    ("16:9 landscape", {"aspect": "16:9"}),
    ("4:5 portrait", {"aspect": "4:5"}),
    ("正方形", {"aspect": "1:1"}),
    # music
    ("no music", {"music": "none"}),
    ("remove the music", {"music": "none"}),
    ("不要音乐", {"music": "none"}),
    ("upbeat", {"music": "mood:upbeat"}),
    ("calm music", {"music": "mood:calm"}),
    ("add background music", {"music": "auto"}),
    ("加背景音乐", {"music": "auto"}),
    ("舒缓的背景音乐", {"music": "mood:calm"}),
    ("use the pulse track", {"music": "pulse"}),
    # text
    ("no text", {"text": False}),
    ("with text overlays", {"text": True}),
    ("加文字", {"text": True}),
    ("不要字幕", {"text": False}),
    ("hide the price", {"show_price": False}),
    # templates
    ("bold template", {"template": "bold"}),
    ("luxe style", {"template": "luxe"}),
    ("sale", {"template": "sale"}),
    ("简洁风格", {"template": "clean"}),
    # call to action, emphasis, pace
    ("end with 'Shop now'", {"cta": "Shop now"}),
    ('end with "Buy one, get one free!"', {"cta": "Buy one, get one free!"}),
    ("以“立即购买”结尾", {"cta": "立即购买"}),
    ("highlight the discount", {"emphasis": "discount"}),
    ("突出折扣", {"emphasis": "discount"}),
    ("faster", {"pace": 1.5}),
    ("slow it down", {"pace": 1 / 1.5}),
    ("节奏快一点", {"pace": 1.5}),
    # combinations
    ("create a 30-second product showcase video with text overlays and background music", {"duration": 30.0, "text": True, "music": "auto"}),
    ("做一个30秒的竖屏视频，加背景音乐和文字", {"duration": 30.0, "aspect": "9:16", "music": "auto", "text": True}),
    ("vertical, 20s, upbeat music, bold", {"aspect": "9:16", "duration": 20.0, "music": "mood:upbeat", "template": "bold"}),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_phrasings_are_understood(text: str, expected: dict[str, object]) -> None:
    result = interpret(text)
    assert result.changes == pytest.approx(expected) if "pace" in expected else result.changes == expected
    assert result.unrecognised == [] and result.conflicts == []


def test_the_table_covers_forty_phrasings_in_both_languages() -> None:
    chinese = [t for t, _ in TABLE if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert len(TABLE) >= 40 and len(chinese) >= 12


@pytest.mark.parametrize(
    ("text", "unrecognised"),
    [
        ("add sparkles and fireworks", ["add sparkles", "fireworks"]),
        ("30 seconds with neon colours", ["neon colours"]),
        ("make it vertical, 加烟花特效", ["加烟花特效"]),
        ("in the style of Wes Anderson", ["in the style of Wes Anderson"]),
    ],
)
def test_what_is_not_understood_is_returned_never_dropped(text: str, unrecognised: list[str]) -> None:
    assert interpret(text).unrecognised == unrecognised


def test_filler_alone_is_neither_a_change_nor_unrecognised() -> None:
    result = interpret("please make a product showcase video")
    assert result.changes == {} and result.unrecognised == []


@pytest.mark.parametrize(
    ("text", "about"),
    [("no music, upbeat music", "music"), ("不要音乐，加背景音乐", "music"), ("square and vertical", "aspect"),
     ("15 seconds, no 30 seconds", "duration"), ("faster, slower", "pace"), ("no text, end with 'Buy'", "cta")],
)
def test_contradictions_get_a_clear_message_and_change_nothing_there(text: str, about: str) -> None:
    result = interpret(text)
    assert len(result.conflicts) == 1 and about in result.conflicts[0]
    assert about not in result.changes


def test_applying_to_new_options() -> None:
    options = apply(interpret("30-second vertical video, calm music, end with 'Shop the drop', faster"), ComposeOptions())
    assert (options.duration, options.aspect, options.music, options.cta_text, options.show_cta) == (30.0, "9:16", "mood:calm", "Shop the drop", True)
    assert options.pace == 1.5
    assert options.notes  # what was understood travels with the options
    no_text = apply(interpret("no text"), options)
    assert not any((no_text.show_title, no_text.show_price, no_text.show_badge, no_text.show_cta))


def test_add_music_keeps_music_already_chosen_and_highlight_turns_the_badge_back_on() -> None:
    options = ComposeOptions(music="drift", show_badge=False)
    assert apply(interpret("add background music"), options).music == "drift"
    assert apply(interpret("add background music"), ComposeOptions(music="none")).music == "auto"
    highlighted = apply(interpret("highlight the discount"), options)
    assert highlighted.emphasis == "discount" and highlighted.show_badge


@pytest.fixture
def spec() -> VideoSpec:
    names = ["slipon-blue-side.png", "slipon-blue-top.png", "slipon-blue-pair-angle.png"]
    from decimal import Decimal

    product = Product("Blue Slip-On", images=[ProductImage(EXAMPLE_PHOTOS / n) for n in names], price=Decimal("59"), compare_at_price=Decimal("79"))
    return compose(product, options=ComposeOptions(duration=12))


def test_make_it_vertical_changes_an_existing_spec_and_re_lays_out_the_text(spec: VideoSpec) -> None:
    vertical = apply(interpret("make it vertical"), spec)
    assert (vertical.canvas.width, vertical.canvas.height) == (1080, 1920)
    check_spec(vertical, 12)
    assert [s.source for s in vertical.segments_of("video")] == [s.source for s in spec.segments_of("video")]
    assert {s.role: s.text for s in vertical.segments_of("text")} == {s.role: s.text for s in spec.segments_of("text")}
    assert [s.style.y for s in vertical.segments_of("text")] != [s.style.y for s in spec.segments_of("text")]


def test_remove_the_music_then_add_it_back_iteratively(spec: VideoSpec) -> None:
    silent = apply(interpret("remove the music"), spec)
    assert silent.segments_of("audio") == []
    calm = apply(interpret("加舒缓的背景音乐"), silent)
    [audio] = calm.segments_of("audio")
    assert audio.source == "music:drift"
    check_spec(calm, 12)


def test_longer_and_edits_keep_every_rule(spec: VideoSpec) -> None:
    edited = apply(interpret("30 seconds, bold, 不要字幕"), spec)
    check_spec(edited, 30)
    assert edited.metadata["template"] == "bold"
    assert edited.segments_of("text") == []


def test_a_spec_the_composer_did_not_make_is_read_back_from_its_segments(spec: VideoSpec) -> None:
    foreign = VideoSpec.from_dict({**spec.to_dict(), "metadata": {}})
    square_to_wide = rebuild(foreign, aspect="16:9")
    check_spec(square_to_wide, 12)
    assert {s.role for s in square_to_wide.segments_of("text")} == {s.role for s in spec.segments_of("text")}


def test_highlight_the_discount_on_a_spec_makes_the_badge_bigger_and_shows_it_from_the_start(spec: VideoSpec) -> None:
    badge = next(s for s in spec.segments_of("text") if s.role == "badge")
    loud = next(s for s in apply(interpret("highlight the discount"), spec).segments_of("text") if s.role == "badge")
    assert loud.start == 0 < badge.start
    assert loud.style.size > badge.style.size and loud.style.animation == "pop"


@pytest.mark.parametrize(("text", "seconds"), [("a 20-minute video", 1200.0), ("二十分钟", 1200.0),
                                              ("make it eleven minutes, vertical", 660.0), ("1 second", 1.0)])
def test_a_length_that_cannot_be_made_is_read_and_refused_when_applied(text: str, seconds: float) -> None:
    from videos.composer.errors import ComposeError

    # given an instruction asking for a video longer than 10 minutes (or shorter than 2 s), in words or digits
    result = interpret(text)
    # then it is read as that length (so the instruction preview, which applies it, can say it cannot be made)
    assert result.changes["duration"] == seconds
    with pytest.raises(ComposeError) as error:
        apply(result, ComposeOptions(duration=15))
    assert error.value.field == "options.duration"
