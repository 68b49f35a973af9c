"""`manage.py render_video` end to end, every aspect, overlays, and the quick spec behind the CLI."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from tests.render.helpers import (
    EXAMPLES,
    composed_frames,
    cutout_png,
    probe,
    solid_photo,
    spec_of,
    still,
    write_wav,
)
from videos.backends import get_backend
from videos.render.quick_spec import build_quick_spec, format_price
from videos.spec import ASPECTS


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_each_aspect_renders_at_its_size(tmp_path, aspect):
    out = tmp_path / "v.mp4"
    stdout = io.StringIO()
    call_command("render_video", str(EXAMPLES / "cap-red-front.png"), str(EXAMPLES / "jeans-woman-ripped-lifestyle.jpg"),
                 "-o", str(out), "--aspect", aspect, "--duration", "0.4", "--music", "none", "--title", "Cap",
                 "--no-progress", stdout=stdout)
    width, height = ASPECTS[aspect]
    info = probe(out)
    assert (info["width"], info["height"]) == (width, height)
    assert info["frames"] == 12
    assert str(out) in stdout.getvalue() and "rendered in" in stdout.getvalue()


def test_cli_writes_video_and_poster_with_music(tmp_path):
    music = write_wav(tmp_path / "m.wav", seconds=1.0)
    out, poster = tmp_path / "v.mp4", tmp_path / "v.jpg"
    stdout = io.StringIO()
    call_command("render_video", str(EXAMPLES / "slipon-blue-side.png"), str(EXAMPLES / "slipon-blue-top.png"),
                 "-o", str(out), "--poster", str(poster), "--duration", "2", "--music", str(music),
                 "--title", "Blue Slip-On", "--price", "48", "--compare-at", "60", "--no-progress", stdout=stdout)
    assert probe(out)["audio"]["rate"] == 48_000
    assert Image.open(poster).size == (1080, 1080)
    lines = stdout.getvalue().splitlines()
    assert lines[0] == str(out) and "2.00 s" in lines[1] and lines[2] == f"poster: {poster}"


def test_quick_spec_shape():
    spec = build_quick_spec(["a.jpg", "b.png", "c.mov"], title="Tee", price="24.00", compare_at="30.00",
                            duration=12, music="none")
    video = spec.segments_of("video")
    assert [s.type for s in video] == ["image", "image", "clip"]
    assert video[0].start == 0 and video[-1].end == pytest.approx(12)
    assert all(s.transition.kind == "crossfade" and s.transition.duration == 0.5 for s in video[1:])
    durations = {round(s.duration, 6) for s in video}
    assert len(durations) == 1  # equal shots
    assert video[0].motion.kind == "zoom_in" and video[0].motion.focus == "auto"
    texts = {s.role: s for s in spec.segments_of("text")}
    assert texts["title"].start == 0 and texts["title"].end == pytest.approx(3)
    assert texts["price"].text == "$24.00" and texts["price"].start == pytest.approx(3)
    assert texts["badge"].text == "Save 20%"
    assert spec.segments_of("audio") == []
    with_bed = build_quick_spec(["a.jpg"], duration=5)
    assert with_bed.segments_of("audio")[0].source.startswith("music:")
    assert with_bed.segments_of("audio")[0].volume == pytest.approx(0.35)
    assert format_price("1234.5", "EUR") == "€1,234.50" and format_price(9, "SEK") == "9.00 SEK"


def test_logo_overlay_is_drawn_at_its_place_with_its_opacity(tmp_path):
    photo = solid_photo(tmp_path / "bg.png", (255, 255, 255))
    logo = cutout_png(tmp_path / "logo.png", color=(0, 0, 0))
    overlay = [{"source": str(logo), "start": 0, "duration": 1.0, "x": 0.25, "y": 0.25, "width": 0.4,
                "opacity": 0.5, "fade": 0.0}]
    frame = composed_frames(spec_of([still(photo)], overlay=overlay), [15])[0].astype(int)
    dark = frame.mean(axis=2) < 200
    ys, xs = np.nonzero(dark)
    assert abs(xs.mean() - 64) < 3 and abs(ys.mean() - 64) < 3
    assert (xs.max() - xs.min()) == pytest.approx(0.4 * 256 * 0.6, abs=4)  # the disc is 60 % of the logo
    assert frame[64, 64].mean() == pytest.approx(255 * 0.5, abs=8)  # half opacity black on white


def test_a_render_reports_progress(tmp_path):
    seen = []
    photo = solid_photo(tmp_path / "p.png", (10, 120, 200))
    get_backend("local").render(spec_of([still(photo)]), tmp_path / "v.mp4", progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"checking", "rendering", "done"} <= {s for _, s in seen}
