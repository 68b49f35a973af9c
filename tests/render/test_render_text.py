"""Text: fonts (with the CJK fallback), layout, raster, placement on frames, animations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.render.helpers import composed_frames, solid_photo, spec_of, still
from videos.render import fonts
from videos.render.text import layout, rasterize, text_animation
from videos.spec import TextStyle

FONT_NOTICE = Path(fonts.__file__).parent / "fonts"


def test_registry_maps_every_font_and_weight_to_an_installed_file():
    for (font, weight), _relative in fonts.REGISTRY.items():
        assert fonts.font_path(font, weight).is_file()
    assert fonts.font_path("mono", "bold").name == "SourceCodePro-Bold.ttf"
    assert fonts.font_path("sans", "black").name == "SourceSans3-Black.ttf"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("新品上市", "KurintoSansSC-Bd.ttf"), ("セール中", "KurintoSansJP-Bd.ttf"), ("신상품", "KurintoSansKR-Bd.ttf"),
     ("Sneakers 运动鞋", "KurintoSansSC-Bd.ttf"), ("Sneakers", "SourceSans3-Bold.ttf")],
)
def test_cjk_text_falls_back_to_a_kurinto_face(text, expected):
    assert fonts.font_path("sans", "bold", text).name == expected


def test_cjk_glyphs_render_instead_of_tofu():
    title = "超轻透气运动鞋"
    font = fonts.load_font("sans", "bold", 64, title)
    def glyph(char: str) -> bytes:
        image = Image.new("L", (100, 100))
        ImageDraw.Draw(image).text((10, 10), char, font=font, fill=255)
        return image.tobytes()

    tofu = glyph("\U0010fffd")  # a code point no font has: the .notdef box
    for char in title:
        pixels = glyph(char)
        assert pixels != tofu and sum(pixels) > 255 * 100, char
    rgba = rasterize(title, TextStyle(size=64, box=None), (1080, 1080))
    assert (rgba[..., 3] > 128).mean() > 0.1  # plenty of glyph pixels


def test_long_titles_wrap_and_shrink_to_max_lines():
    style = TextStyle(size=120, max_lines=2, max_width=0.8)
    text = "The Ultimate Lightweight Breathable Running Shoe for Everyday Comfort"
    lay = layout(text, style, 1080)
    assert len(lay.lines) <= 2
    assert lay.size < 120
    assert max(lay.widths) <= 0.8 * 1080
    cjk = layout("超轻透气网面运动鞋男女同款夏季新款休闲跑步鞋" * 2, style, 1080)
    assert len(cjk.lines) <= 2 and max(cjk.widths) <= 0.8 * 1080


def test_style_options_change_the_raster():
    plain = rasterize("Sale", TextStyle(size=60, box=None), (640, 640))
    upper = rasterize("Sale", TextStyle(size=60, box=None, uppercase=True), (640, 640))
    spaced = rasterize("Sale", TextStyle(size=60, box=None, letter_spacing=0.3), (640, 640))
    boxed = rasterize("Sale", TextStyle(size=60, box="#FF0000FF", box_padding=0.5), (640, 640))
    shadow = rasterize("Sale", TextStyle(size=60, box=None, shadow=True), (640, 640))
    assert spaced.shape[1] > plain.shape[1] + 40
    assert upper[..., 3].sum() > plain[..., 3].sum()
    assert boxed.shape[0] > plain.shape[0] and (boxed[2, boxed.shape[1] // 2, :3] == (255, 0, 0)).all()
    assert shadow.shape[0] > plain.shape[0] and (shadow[..., :3].min(axis=2) < 30).any()


def test_title_pixels_appear_where_the_title_goes(tmp_path):
    photo = solid_photo(tmp_path / "grey.png", (120, 120, 120))
    video = [still(photo, duration=1.0)]
    text = [{"text": "Hello", "start": 0, "duration": 1.0,
             "style": {"y": 0.8, "x": 0.5, "box": None, "color": "#FFFFFF", "size": 40, "animation": "none"}}]
    with_text = composed_frames(spec_of(video, text=text), [10])[0].astype(int)
    without = composed_frames(spec_of(video), [10])[0].astype(int)
    changed = np.abs(with_text - without).max(axis=2) > 60
    ys, xs = np.nonzero(changed)
    assert len(ys) > 100
    assert abs(ys.mean() - 0.8 * 256) < 10 and abs(xs.mean() - 128) < 10
    assert not changed[:150].any()  # nothing drawn far from the title


def test_fade_and_pop_animate_in_and_fade_out():
    style = TextStyle(animation="fade", animation_duration=0.4)
    assert text_animation(style, 0.0, 3.0, 1080)[0] == pytest.approx(0.0)
    assert text_animation(style, 1.5, 3.0, 1080)[0] == pytest.approx(1.0)
    assert text_animation(style, 3.0, 3.0, 1080)[0] == pytest.approx(0.0)
    opacity, dy, _ = text_animation(TextStyle(animation="slide_up"), 0.1, 3.0, 1080)
    assert 0 < opacity < 1 and dy > 0
    scales = [text_animation(TextStyle(animation="pop"), t, 3.0, 1080)[2] for t in np.linspace(0, 0.4, 20)]
    assert scales[0] < 0.7 and max(scales) > 1.0 and scales[-1] == pytest.approx(1.0)


def test_font_licence_and_notice_ship_with_the_renderer():
    licence = (FONT_NOTICE / "LICENSE-OFL-1.1.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in licence and "Version 1.1" in licence
    notice = (FONT_NOTICE / "NOTICE.md").read_text()
    assert "weblate-fonts" in notice and "Kurinto" in notice and "Source Sans" in notice


@pytest.mark.parametrize("dash", ["—", "–", "-"])
def test_a_line_never_starts_with_a_dash_and_lines_are_balanced(dash):
    # given a title with a spaced dash that wraps onto two lines
    style = TextStyle(size=72, max_lines=2, max_width=0.88, uppercase=True)
    lines = layout(f"Solidus Hoodie {dash} Red Limited Edition", style, 1080).lines
    # then no line starts with the dash, and the two lines are about as long as each other
    assert len(lines) == 2 and not any(line.startswith(dash) for line in lines), lines
    lay = layout(f"Solidus Hoodie {dash} Red Limited Edition", style, 1080)
    assert min(lay.widths) >= 0.6 * max(lay.widths), lines


def test_cjk_lines_never_start_with_closing_or_end_with_opening_punctuation():
    from videos.render.text import NO_LINE_END, NO_LINE_START

    text = "超轻透气网面运动鞋，男女同款（夏季新款）。休闲跑步鞋、「限定」配色！"
    for width in (0.3, 0.4, 0.5, 0.6, 0.7):
        lines = layout(text, TextStyle(size=60, max_lines=6, max_width=width), 1080).lines
        assert "".join(lines) == text
        assert not any(line[0] in NO_LINE_START for line in lines[1:]), lines
        assert not any(line[-1] in NO_LINE_END for line in lines[:-1]), lines


def test_a_word_too_long_for_the_line_shrinks_the_text_instead_of_being_clipped():
    lay = layout("Supercalifragilisticexpialidocious", TextStyle(size=120, max_lines=2, max_width=0.5), 1080)
    assert max(lay.widths) <= 0.5 * 1080 and lay.size < 120 and lay.lines == ["Supercalifragilisticexpialidocious"]


def test_thin_faces_are_only_used_where_they_stay_legible():
    big = layout("LUXE", TextStyle(size=96, font="light", weight="light"), 1080).font.path
    small = layout("LUXE", TextStyle(size=30, font="light", weight="light"), 1080).font.path
    tiny = layout("LUXE", TextStyle(size=14, font="light", weight="light"), 1080).font.path
    assert big.endswith("-ExtraLight.ttf")
    assert small.endswith("-Light.ttf")
    assert tiny.endswith("-Regular.ttf")
