"""Bad input is refused before rendering, with one line naming the file and the reason, a non-zero exit,
and nothing left behind (no output, no poster, no temp file)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.render.helpers import EXAMPLES, product_photo, solid_photo, spec_of, still, write_clip
from videos.backends import get_backend
from videos.backends.base import RenderError
from videos.media.errors import MediaError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _cli_error(out_dir: Path, *args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("render_video", *args, "-o", str(out_dir / "video.mp4"), "--poster", str(out_dir / "poster.jpg"),
                     "--duration", "2", "--music", "none", "--no-progress")
    assert caught.value.returncode == 1
    assert list(out_dir.iterdir()) == [], "no output, poster or temp file is left behind"
    message = str(caught.value)
    assert message.startswith("error: ") and "\n" not in message
    return message


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(b"\x00" * 64)
    chunk += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return b"\x89PNG\r\n\x1a\n" + chunk


def test_missing_file(tmp_path, out_dir):
    missing = tmp_path / "nope.jpg"
    assert _cli_error(out_dir, str(missing)) == f"error: {missing}: file not found"


def test_empty_file(tmp_path, out_dir):
    empty = tmp_path / "empty.jpg"
    empty.touch()
    assert _cli_error(out_dir, str(empty)) == f"error: {empty}: file is empty (0 bytes)"


def test_file_over_the_size_limit(tmp_path, out_dir, settings):
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 60)
    os.truncate(huge, settings.VIDEO_MAX_INPUT_BYTES + 1024 * 1024)  # sparse: nothing is written
    message = _cli_error(out_dir, str(huge))
    assert message.startswith(f"error: {huge}: file is 501 MB, over the 500 MB input limit")


def test_truncated_jpeg(tmp_path, out_dir):
    whole = (EXAMPLES / "juice-bottle-apple-on-white.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) // 3])
    assert _cli_error(out_dir, str(cut)).startswith(f"error: {cut}: corrupt or truncated image")


def test_corrupt_png_header(tmp_path, out_dir):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    assert _cli_error(out_dir, str(bad)).startswith(f"error: {bad}: corrupt image")


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("logo.jpg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "SVG"),
    ("photo.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF document"),
    ("notes.jpg", b"just some text, not a photo\n", "text file"),
    ("archive.webp", b"PK\x03\x04" + bytes(100), "ZIP archive"),
])
def test_unsupported_types_are_detected_by_content(tmp_path, out_dir, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    message = _cli_error(out_dir, str(path))
    assert message.startswith(f"error: {path}: unsupported file type: {kind}")


def test_decompression_bomb_is_refused_from_the_header(tmp_path, out_dir):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(30_000, 30_000))  # 900 MP claimed in a few bytes
    message = _cli_error(out_dir, str(bomb))
    assert message.startswith(f"error: {bomb}: image is ") and "decompression bomb" in message
    assert "900000000 pixels" in message


def test_pixel_limit_comes_from_settings(tmp_path, out_dir, settings):
    settings.VIDEO_MAX_IMAGE_PIXELS = 10_000
    photo = product_photo(tmp_path / "p.png", size=(200, 100))
    assert "over the 10,000-pixel limit" in _cli_error(out_dir, str(photo))


def test_clip_without_a_video_stream(tmp_path, out_dir):
    clip = write_clip(tmp_path / "sound-only.mp4", video=False, audio=True, fmt="mp4")
    assert _cli_error(out_dir, str(clip)) == f"error: {clip}: has no video stream"


def test_music_that_does_not_decode(tmp_path, out_dir):
    photo = solid_photo(tmp_path / "p.png", (10, 120, 200))
    music = tmp_path / "song.mp3"
    music.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + np.random.default_rng(1).bytes(4000))
    with pytest.raises(CommandError) as caught:
        call_command("render_video", str(photo), "-o", str(out_dir / "v.mp4"), "--music", str(music),
                     "--duration", "2", "--no-progress")
    assert str(caught.value).startswith(f"error: {music}: ")
    assert "decode" in str(caught.value) or "no audio" in str(caught.value)
    assert list(out_dir.iterdir()) == []


def test_no_usable_photo(out_dir):
    assert _cli_error(out_dir).startswith("error: no usable photo")


@pytest.mark.parametrize("bad_kind", ["gif", "truncated-jpeg", "truncated-png"])
def test_validation_runs_over_every_source_before_rendering(tmp_path, out_dir, monkeypatch, bad_kind):
    """A bad second photo fails the render in the validation pass, before anything is prepared."""
    from videos.render import pipeline

    def boom(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("rendering started before validation")

    # Patched where the pipeline looks it up (patching the compositor module would leak into later tests
    # through the pipeline's own import when this test is the first to import it).
    monkeypatch.setattr(pipeline, "build_compositor", boom)
    good = solid_photo(tmp_path / "good.png", (200, 10, 10))
    if bad_kind == "gif":
        bad = tmp_path / "bad.gif"
        bad.write_bytes(b"GIF89a" + bytes(3))
    else:
        source = EXAMPLES / ("juice-bottle-apple-on-white.jpg" if bad_kind == "truncated-jpeg" else "cap-red-front.png")
        bad = tmp_path / f"bad{source.suffix}"
        bad.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    spec = spec_of([still(good, 0, 1.0), still(bad, 1.0, 1.0)])
    with pytest.raises(MediaError) as caught:
        get_backend("local").render(spec, out_dir / "v.mp4")
    assert caught.value.path == str(bad) and not caught.value.retryable
    assert "corrupt" in caught.value.reason or "truncated" in caught.value.reason
    assert list(out_dir.iterdir()) == []


def test_failure_mid_render_leaves_nothing(tmp_path, out_dir, monkeypatch):
    from videos.render.compositor import Compositor

    original = Compositor.compose

    def failing(self, index, *args, **kwargs):
        if index == 12:
            raise RuntimeError("disk on fire")
        return original(self, index, *args, **kwargs)

    monkeypatch.setattr(Compositor, "compose", failing)
    photo = solid_photo(tmp_path / "p.png", (10, 120, 200))
    with pytest.raises(RenderError, match="disk on fire"):
        get_backend("local").render(spec_of([still(photo)]), out_dir / "v.mp4", poster=out_dir / "v.jpg")
    assert list(out_dir.iterdir()) == []


def test_failure_writing_the_poster_leaves_nothing(tmp_path, out_dir, monkeypatch):
    from videos.render import pipeline

    def failing(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(pipeline, "save_poster", failing)
    photo = solid_photo(tmp_path / "p.png", (10, 120, 200))
    with pytest.raises(RenderError, match="no space left"):
        get_backend("local").render(spec_of([still(photo)]), out_dir / "v.mp4", poster=out_dir / "v.jpg")
    assert list(out_dir.iterdir()) == []


def test_command_line_prints_one_error_line_and_exits_non_zero(tmp_path):
    missing = tmp_path / "missing.png"
    done = subprocess.run([sys.executable, "manage.py", "render_video", str(missing), "-o", str(tmp_path / "o.mp4")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"error: {missing}: file not found"]
    assert not (tmp_path / "o.mp4").exists()


def test_audio_only_container_as_a_clip_source_is_named(tmp_path):
    """The sniffer reads content: an M4A given as a clip is an audio file, whatever its name."""
    path = tmp_path / "clip.mp4"
    container = av.open(str(path), mode="w", format="ipod")
    container.add_stream("aac", rate=48_000, layout="stereo")
    container.close()
    spec = spec_of([{"type": "clip", "source": str(path), "start": 0, "duration": 1.0}])
    with pytest.raises(MediaError) as caught:
        get_backend("local").render(spec, tmp_path / "o.mp4")
    assert caught.value.path == str(path)


def test_a_photo_failing_while_frames_are_encoded_leaves_nothing(tmp_path, out_dir, monkeypatch):
    """Photos are prepared while x264 runs; one that only fails then still cleans everything up."""
    from videos.render import compositor

    real = compositor.prepare_photo
    first = solid_photo(tmp_path / "first.png", (200, 10, 10))
    second = solid_photo(tmp_path / "second.png", (10, 200, 10))

    def flaky(img, *args, **kwargs):
        if img.getpixel((0, 0))[1] == 200:
            raise MediaError(second, "decoder exploded")
        return real(img, *args, **kwargs)

    monkeypatch.setattr(compositor, "prepare_photo", flaky)
    spec = spec_of([still(first, 0, 1.0), still(second, 1.0, 1.0)])
    with pytest.raises(MediaError, match="decoder exploded"):
        get_backend("local").render(spec, out_dir / "v.mp4", poster=out_dir / "v.jpg")
    assert list(out_dir.iterdir()) == []
