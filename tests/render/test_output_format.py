"""The MP4 a full-size render writes: H.264 High yuv420p, CFR 30, BT.709, AAC-LC 48 kHz stereo,
faststart; a poster; the product visible from the first frame to the last."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.render.helpers import EXAMPLES, decoded_frames, probe, top_level_boxes, write_wav
from videos.backends import get_backend
from videos.spec import VideoSpec


@pytest.fixture(scope="module")
def full_render(tmp_path_factory):
    folder = tmp_path_factory.mktemp("full")
    music = write_wav(folder / "music.wav", seconds=0.7)
    spec = VideoSpec.from_dict({
        "canvas": {"width": 1080, "height": 1080, "fps": 30},
        "duration": 2.0,
        "tracks": [
            {"kind": "video", "segments": [
                {"type": "image", "source": str(EXAMPLES / "slipon-blue-side.png"), "start": 0, "duration": 1.25,
                 "motion": {"kind": "zoom_in", "strength": 0.1}},
                {"type": "image", "source": str(EXAMPLES / "juice-bottle-apple-on-white.jpg"), "start": 0.75,
                 "duration": 1.25, "transition": {"kind": "crossfade", "duration": 0.5}},
            ]},
            {"kind": "text", "segments": [{"type": "text", "text": "Blue Slip-On", "role": "title", "start": 0,
                                           "duration": 2.0}]},
            {"kind": "audio", "segments": [{"type": "audio", "source": str(music), "start": 0, "duration": 2.0}]},
        ],
    })
    output, poster = folder / "out.mp4", folder / "poster.jpg"
    result = get_backend("local").render(spec, output, poster=poster)
    return result, output, poster


def test_video_stream_is_h264_high_yuv420p_cfr_30_bt709(full_render):
    result, output, _poster = full_render
    info = probe(output)
    assert info["codec"] == "h264"
    assert info["profile"] == "High"
    assert info["pix_fmt"] == "yuv420p"
    assert (info["width"], info["height"]) == (1080, 1080)
    assert info["fps"] == 30
    assert info["frames"] == 60
    assert info["duration"] == pytest.approx(2.0, abs=1 / 30)
    assert (info["color_primaries"], info["colorspace"], info["color_range"]) == (1, 1, 1)  # BT.709, limited
    assert result.duration_s == pytest.approx(2.0)
    assert result.size_bytes == output.stat().st_size


def test_audio_is_aac_lc_48k_stereo(full_render):
    info = probe(full_render[1])
    assert info["audio"] == {"codec": "aac", "profile": "LC", "rate": 48_000, "channels": 2}


def test_moov_comes_before_mdat(full_render):
    boxes = top_level_boxes(full_render[1])
    assert "moov" in boxes and "mdat" in boxes
    assert boxes.index("moov") < boxes.index("mdat")


def test_poster_is_a_full_size_jpeg_of_the_hero_shot(full_render):
    result, _output, poster = full_render
    assert result.poster_path == poster
    with Image.open(poster) as image:
        assert image.format == "JPEG"
        assert image.size == (1080, 1080)
        pixels = np.asarray(image.convert("RGB")).astype(int)
    # the blue shoe is in it, and so is the title box (dark, near the bottom)
    blue = (pixels[..., 2] - pixels[..., 0] > 80).mean()
    assert blue > 0.03
    assert pixels[900:960, 300:780].mean() < 200


def test_product_visible_in_first_and_last_frames(full_render):
    frames = decoded_frames(full_render[1])
    assert len(frames) == 60
    for frame in (frames[0], frames[-1]):
        gray = frame.mean(axis=2)
        assert gray.mean() > 40  # not black
        assert gray.std() > 15  # not blank / uniform
    # first frame: the blue shoe; last frame: the green bottle
    first, last = frames[0].astype(int), frames[-1].astype(int)
    assert (first[..., 2] - first[..., 0] > 80).mean() > 0.03
    assert (last[..., 1] - last[..., 0] > 40).mean() > 0.01
