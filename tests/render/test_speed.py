"""Speed without losing anything: what a command-line render imports, photos decoded at the size they are
drawn, per-process caches that notice a changed file, and the benchmark's whole-command mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import Future
from io import StringIO
from pathlib import Path

import imagehash
import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from tests.render.helpers import EXAMPLES, product_photo, spec_of, still, write_wav
from videos.media import drawn
from videos.media.audio import decoded_music
from videos.media.drawn import load_drawn_photo, reduce_in_strips
from videos.media.errors import MediaError
from videos.media.images import load_photo
from videos.media.phash import perceptual_hash
from videos.media.probe import validate_source
from videos.render.plates import drawn_scale

ROOT = Path(__file__).resolve().parents[2]


def _textured(size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    arr = rng.integers(0, 256, (h, w, len(mode)), dtype=np.uint8)
    if mode == "RGBA":
        arr[: h // 3, :, 3] = 0  # a transparent band: premultiplied averaging must leave no fringe
    return Image.fromarray(arr, mode)


def test_perceptual_hash_is_imagehash_phash():
    # given real product photos, noise, a gradient and a flat picture
    pictures = [Image.open(EXAMPLES / name).convert("RGBA") for name in
                ("cap-red-front.png", "juice-bottle-apple-on-white.jpg", "jeans-woman-ripped-lifestyle.jpg")]
    pictures += [_textured((64 + 7 * i, 48 + 5 * i), seed=i) for i in range(20)]
    pictures.append(Image.fromarray(np.tile(np.arange(256, dtype=np.uint8), (40, 1))))
    pictures.append(Image.new("RGB", (50, 50), (30, 60, 90)))
    for picture in pictures:
        # when hashed without SciPy, then the hash is imagehash's, bit for bit
        assert perceptual_hash(picture) == imagehash.phash(picture)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_reducing_in_strips_equals_one_reduce(monkeypatch, mode):
    # given strips far smaller than the picture
    monkeypatch.setattr(drawn, "_STRIP_BYTES", 5_000)
    picture = _textured((301, 211), mode)
    for factor in (2, 3, 7):
        # when reduced strip by strip, then the result is Pillow's one-piece reduce exactly
        assert np.array_equal(np.asarray(reduce_in_strips(picture, factor)), np.asarray(picture.reduce(factor)))


def test_a_photo_far_larger_than_drawn_is_decoded_smaller_but_at_least_twice_the_drawn_size(tmp_path):
    # given a 2400 px JPEG and PNG drawn on a 256 px canvas (a cover fit draws them at 256/2400)
    jpeg = product_photo(tmp_path / "big.jpg", size=(2400, 2400), quality=90)
    png = product_photo(tmp_path / "big.png", size=(2400, 2400))
    scale = drawn_scale((256, 256), 1.0, None)
    for path in (jpeg, png):
        # when decoded for drawing
        img = load_drawn_photo(path, scale)
        # then it is far smaller than the photo, yet keeps two pixels per drawn pixel, same content
        assert 512 <= img.width < 2400 and img.size[0] == img.size[1]
        full = load_photo(path).resize(img.size, Image.Resampling.BOX)
        assert np.abs(np.asarray(full, np.int16) - np.asarray(img, np.int16)).mean() < 3


def test_a_photo_near_its_drawn_size_is_decoded_as_it_is(tmp_path):
    # given photos no more than twice their drawn size (the example photos on a 1080 canvas)
    for name in ("juice-bottle-apple-on-white.jpg", "slipon-blue-side.png"):
        # when decoded for drawing, with or without a frame to fit the product into
        for frame in (None, (0.1, 0.1, 0.9, 0.8)):
            img = load_drawn_photo(EXAMPLES / name, drawn_scale((1080, 1080), 1.1, frame))
            # then it is the photo itself, pixel for pixel
            assert np.array_equal(np.asarray(img), np.asarray(load_photo(EXAMPLES / name)))


def test_validation_is_remembered_only_while_the_file_and_limits_stay_the_same(tmp_path, settings):
    # given a photo that passed validation
    photo = product_photo(tmp_path / "p.png", size=(120, 90))
    assert validate_source(str(photo), "image") == photo
    # when it is replaced by a truncated copy, then validating again catches it
    data = photo.read_bytes()
    photo.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="corrupt or truncated"):
        validate_source(str(photo), "image")
    # and a good photo checked before is checked again when the pixel limit is lowered
    good = product_photo(tmp_path / "q.png", size=(120, 90))
    validate_source(str(good), "image")
    settings.VIDEO_MAX_IMAGE_PIXELS = 100
    with pytest.raises(MediaError, match="pixel"):
        validate_source(str(good), "image")


def test_decoded_music_is_shared_read_only_and_decoded_afresh_when_the_file_changes(tmp_path):
    # given a music file decoded once
    music = write_wav(tmp_path / "m.wav", seconds=0.5, freq=440.0)
    first = decoded_music(music, duration=0.5)
    # when decoded again, then the same samples come back, safe from writes
    again = decoded_music(music, duration=0.5)
    assert again is first and not again.flags.writeable
    # when the file is replaced by other music, then that music is decoded
    write_wav(music, seconds=0.25, freq=880.0, amp=0.2)
    changed = decoded_music(music, duration=0.5)
    assert changed.shape[1] == 12_000 and np.abs(changed).max() < 0.25


def _imports(log: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in log.splitlines() if line.startswith("import time:")}


@pytest.mark.slow
def test_a_command_line_render_loads_neither_the_job_pipeline_nor_scipy_nor_cryptography(tmp_path, settings):
    # given two photos
    out = tmp_path / "v.mp4"
    # when render_video runs as a user runs it, with Python reporting every import
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "manage.py"), "render_video", str(EXAMPLES / "cap-red-front.png"),
         str(EXAMPLES / "juice-bottle-apple-on-white.jpg"), "-o", str(out), "--duration", "2", "--music", "none",
         "--no-progress"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "SHOWREEL_VAR_DIR": str(settings.VAR_DIR)},
    )
    # then the video is made and reported (the process leaves without the interpreter's teardown: nothing lost)
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.stat().st_size > 0
    assert done.stdout.splitlines()[0] == str(out) and "rendered in" in done.stdout
    # without the job pipeline, the Admin API client, SciPy or the token encryption's library ever loaded
    imported = _imports(done.stderr)
    assert "videos.composer.shots" in imported  # the log does cover the composing
    assert not {name for name in imported if name.split(".")[0] in {"scipy", "cryptography"}}
    assert not {name for name in imported
                if name.startswith(("videos.jobs.services", "videos.jobs.pipeline", "shopify_app.admin_api"))}


@pytest.mark.slow
def test_bench_render_whole_mode_reports_the_whole_command_against_the_floor(tmp_path, monkeypatch, settings):
    # given a tiny case: two small photos, 2 s (the children use the tests' VAR_DIR: its music bed is made once)
    monkeypatch.setenv("SHOWREEL_VAR_DIR", str(settings.VAR_DIR))
    photos = [product_photo(tmp_path / f"p{i}.jpg", size=(200, 160), color=(30 * i, 90, 200)) for i in range(2)]
    stdout = StringIO()
    # when benchmarked in whole-command mode
    call_command("bench_render", "--whole", "--runs", "1", "--duration", "2", "--keep", str(tmp_path / "out"),
                 "--photos", *map(str, photos), stdout=stdout)
    # then the last line gives the whole command, the floor and their ratio, with the other figures
    last = stdout.getvalue().strip().splitlines()[-1]
    match = re.fullmatch(r"whole_s=(\S+) floor_s=(\S+) whole_ratio=(\S+) render_s=(\S+) ratio=(\S+) peak_rss_mb=(\d+)",
                         last)
    assert match, last
    whole_s, floor_s, whole_ratio, render_s, ratio = map(float, match.groups()[:5])
    assert whole_s > 0 and render_s > 0 and floor_s > 0
    assert whole_ratio == pytest.approx(whole_s / floor_s, rel=0.05)  # the printed seconds are rounded
    assert ratio == pytest.approx(render_s / floor_s, rel=0.05)
    # and the command's own video is there, as long as the in-process render's
    assert (tmp_path / "out" / "whole.mp4").stat().st_size > 0


def test_the_bench_compares_a_render_with_a_reference_frame_by_frame(tmp_path):
    from django.core.management.base import CommandError

    from videos.backends.local import LocalBackend
    from videos.management.commands.bench_render import ssim_between

    # Given renders of two photos (one twice) and a longer render of the first
    red = product_photo(tmp_path / "red.png", size=(160, 160), color=(200, 30, 30))
    blue = product_photo(tmp_path / "blue.png", size=(160, 160), color=(30, 30, 200), box=(0.1, 0.5, 0.5, 0.9))
    videos = {}
    for name, photo, seconds in (("a", red, 0.5), ("again", red, 0.5), ("other", blue, 0.5), ("longer", red, 0.6)):
        videos[name] = tmp_path / f"{name}.mp4"
        LocalBackend().render(spec_of([still(photo, duration=seconds)], size=(96, 96)), videos[name])
    # When each is compared with the first
    same_mean, same_min = ssim_between(videos["again"], videos["a"])
    other_mean, other_min = ssim_between(videos["other"], videos["a"])
    # Then the same case scores as the same picture, another picture far lower
    assert same_min >= 0.99 and same_mean >= same_min
    assert other_mean < 0.9 and other_min <= other_mean
    # and videos of different lengths are refused, not half compared
    with pytest.raises(CommandError, match="number of frames"):
        ssim_between(videos["longer"], videos["a"])
    # and so is a reference the run would overwrite with its own render before comparing
    kept = tmp_path / "kept"
    with pytest.raises(CommandError, match="copy it first"):
        call_command("bench_render", "--keep", str(kept), "--reference", str(kept / "render.mp4"), stdout=StringIO())


def test_a_large_webp_decodes_as_pillow_decodes_it_turned_and_reduced(tmp_path):
    # given a 6.2 MP opaque WebP (over the size decoded one at a time) turned a quarter by EXIF
    from PIL import ImageOps

    from videos.media.images import preview_photo
    from videos.media.large import LARGE_PIXELS

    source = product_photo(tmp_path / "p.png", size=(2600, 2400), box=(0.3, 0.2, 0.6, 0.9))
    picture = Image.open(source)
    exif = picture.getexif()
    exif[0x0112] = 6
    path = tmp_path / "big.webp"
    picture.save(path, quality=90, method=0, exif=exif.tobytes())
    assert LARGE_PIXELS < 2600 * 2400
    # when decoded whole, reduced for drawing and previewed
    whole = load_photo(path)
    reduced = load_photo(path, draft_scale=0.3)
    small, size = preview_photo(path, 256)
    # then the pixels are Pillow's own decode, turned as EXIF says
    expected = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"), np.int16)
    assert whole.mode == "RGB" and whole.size == (2400, 2600)
    assert np.abs(np.asarray(whole, np.int16) - expected).max() <= 2
    # and the reductions keep the asked resolution and the same picture
    assert reduced.size == (720, 780) and size == (2400, 2600) and max(small.size) == 256
    area = np.asarray(whole.resize(reduced.size, Image.Resampling.BOX), np.int16)
    assert np.abs(np.asarray(reduced, np.int16) - area).mean() < 2


def test_a_large_photo_is_prepared_before_the_first_frame_is_encoded(tmp_path):
    # given a spec whose last shot is a 7 MP photo (decoding it next to x264 would take too much memory)
    from videos.media.probe import validate_spec
    from videos.render.compositor import PhotoShot, build_compositor

    small = product_photo(tmp_path / "small.jpg", size=(320, 240))
    large = product_photo(tmp_path / "large.jpg", size=(3200, 2200), fmt="JPEG", quality=80)
    spec = spec_of([still(small, start=0.0, duration=1.0), still(large, start=1.0, duration=1.0)])
    # when the compositor is built for a render that starts encoding at once
    compositor = build_compositor(spec, validate_spec(spec), wait=False)
    try:
        # then the large photo's plate is already there (the small one may still be on its way)
        shot = [shot for shot in compositor.shots if isinstance(shot, PhotoShot)][1]
        assert not isinstance(shot._plate, Future) or shot._plate.done()
        assert shot.plate.source is not None
    finally:
        compositor.close()


def test_a_render_kept_to_one_core_is_serial_with_one_x264_thread_whatever_the_settings(tmp_path, settings):
    from videos.backends.local import LocalBackend

    settings.VIDEO_X264_THREADS, settings.VIDEO_RENDER_ARRANGEMENT = 0, "compose_thread"
    spec = spec_of([still(product_photo(tmp_path / "p.png"), duration=0.5)], size=(128, 128))

    kept = LocalBackend().render(spec, tmp_path / "one.mp4", cores=1)
    free = LocalBackend().render(spec, tmp_path / "any.mp4")

    assert (kept.details["arrangement"], kept.details["x264_threads"]) == ("serial", 1)
    assert (free.details["arrangement"], free.details["x264_threads"]) == ("compose_thread", 0)
    assert kept.duration_s == free.duration_s == 0.5


class _CountingCompositor:
    """Draws each frame's number into its first luma pixel; every third frame equals the one before."""

    width, height = 64, 64

    def compose(self, index: int, out, *, reuse: bool = True) -> bool:  # noqa: ANN001
        if reuse and index % 3 == 2:
            return False
        out.y[0, 0] = index % 256
        return True


def test_frames_are_drawn_into_again_only_once_the_encoder_is_done_with_them() -> None:
    from videos.render.pipeline import _IN_FLIGHT, QUEUE_FRAMES, SERIAL_BATCH, _frames

    # Given a long render whose frames the encoder reads as late as the queue allows (or a serial batch)
    late = max(QUEUE_FRAMES + 1, SERIAL_BATCH - 1)
    handed: list = []
    seen: set[int] = set()
    # When the frames are handed out
    for index, frame in enumerate(_frames(_CountingCompositor(), 300)):
        handed.append((frame, int(np.frombuffer(frame.planes[0], np.uint8)[0])))
        seen.add(id(frame))
        if index >= late:
            frame_then, drawn_then = handed[index - late]
            # Then a frame still waiting for the encoder holds what was drawn into it
            assert int(np.frombuffer(frame_then.planes[0], np.uint8)[0]) == drawn_then
    # And a few frames are drawn into in turn, not one allocated per frame
    assert len(seen) <= _IN_FLIGHT + 3
    assert [value for _frame, value in handed[:6]] == [0, 1, 1, 3, 4, 4]
