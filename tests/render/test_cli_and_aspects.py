"""`manage.py render_video` end to end (with the composer behind its flags), every aspect, overlays."""

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
    decoded_frames,
    probe,
    solid_photo,
    spec_of,
    still,
    write_wav,
)
from videos.backends import get_backend
from videos.spec import ASPECTS

ROOT = EXAMPLES.parents[1]


def frame_at(path, index):
    return decoded_frames(path)[index]


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_each_aspect_renders_at_its_size(tmp_path, aspect):
    out = tmp_path / "v.mp4"
    stdout = io.StringIO()
    call_command("render_video", str(EXAMPLES / "cap-red-front.png"), str(EXAMPLES / "jeans-woman-ripped-lifestyle.jpg"),
                 "-o", str(out), "--aspect", aspect, "--duration", "2", "--music", "none", "--title", "Cap",
                 "--no-progress", stdout=stdout)
    width, height = ASPECTS[aspect]
    info = probe(out)
    assert (info["width"], info["height"]) == (width, height)
    assert info["frames"] == 60
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


def test_cli_composes_with_template_instruction_and_product_json(tmp_path):
    # given an Admin-API-shaped product file and a plain instruction
    out = tmp_path / "v.mp4"
    stdout = io.StringIO()
    # when the CLI renders it with a template and the instruction
    call_command("render_video", "--product", str(ROOT / "examples" / "products" / "sneakers.json"),
                 "-o", str(out), "--template", "bold", "--instruction", "vertical, 2 seconds, no music, 外星人",
                 "--no-progress", stdout=stdout)
    # then the instruction shaped the video and what it did not understand is reported, not dropped
    info = probe(out)
    assert (info["width"], info["height"]) == (1080, 1920)
    assert info["frames"] == 60
    assert "外星人" in stdout.getvalue() and "did not understand" in stdout.getvalue()


def test_cli_no_text_leaves_the_title_off(tmp_path):
    # given the same photo rendered with and without --no-text
    frames = {}
    for flag in ([], ["--no-text"]):
        out = tmp_path / f"v{len(flag)}.mp4"
        call_command("render_video", str(EXAMPLES / "cap-red-front.png"), "-o", str(out), "--duration", "2",
                     "--title", "Red Cap", "--music", "none", "--aspect", "1:1", "--no-progress", *flag,
                     stdout=io.StringIO())
        frames[bool(flag)] = frame_at(out, 30)  # title fully faded in
    # then only the frame with text has the title's dark letters on its white card at the bottom (without
    # text the product may take that room)
    def letters(frame: np.ndarray) -> float:
        bottom = frame[int(0.7 * frame.shape[0]):].astype(int)
        return float((bottom.max(axis=2) < 60).mean())

    assert letters(frames[False]) > 0.01
    assert letters(frames[True]) < 0.001


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
