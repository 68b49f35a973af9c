"""Photos: formats, EXIF orientation, transparency on the background colour, fits that never stretch,
and the product finder the composer relies on."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.render.helpers import EXAMPLES, composed_frames, cutout_png, product_photo, spec_of, still
from videos.media.errors import MediaError
from videos.media.images import border_color, has_transparency, open_photo, preview_photo, product_bbox
from videos.render.plates import choose_mode, prepare_photo


def test_transparent_png_lands_on_the_canvas_background_not_black(tmp_path):
    png = cutout_png(tmp_path / "cutout.png")
    spec = spec_of([still(png)], background="#3366CC")
    frame = composed_frames(spec, [0])[0].astype(int)
    corner = frame[:20, :20].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - (0x33, 0x66, 0xCC)).max() < 4
    assert np.abs(frame[128, 128] - (30, 160, 60)).max() < 6  # the disc itself
    # no dark fringe around the disc: nothing darker than both the disc and the background
    assert frame.sum(axis=2).min() > min(30 + 160 + 60, 0x33 + 0x66 + 0xCC) - 30


def test_segment_fill_colour_wins_for_transparent_photos(tmp_path):
    png = cutout_png(tmp_path / "cutout.png", size=(100, 300))  # tall: contained on a colour
    frame = composed_frames(spec_of([still(png, fill="#FF8800")]), [0])[0].astype(int)
    assert np.abs(frame[128, 5] - (255, 136, 0)).max() < 4


def test_exif_orientation_is_honoured(tmp_path):
    # stored landscape: red left half, blue right half; EXIF 6 = "rotate 90 degrees clockwise to view"
    arr = np.zeros((100, 200, 3), np.uint8)
    arr[:, :100] = (220, 20, 20)
    arr[:, 100:] = (20, 20, 220)
    image = Image.fromarray(arr)
    exif = image.getexif()
    exif[0x0112] = 6
    path = tmp_path / "rotated.jpg"
    image.save(path, exif=exif.tobytes(), quality=95)
    photo = open_photo(path)
    assert photo.size == (100, 200)
    pixels = np.asarray(photo)[..., :3].astype(int)
    assert pixels[20, 50, 0] > 150 and pixels[180, 50, 2] > 150  # red on top, blue at the bottom
    frame = composed_frames(spec_of([still(path, fit="contain_color", fill="#FFFFFF")]), [0])[0].astype(int)
    assert frame[40, 128, 0] > 150 and frame[215, 128, 2] > 150


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_every_supported_format_opens_as_rgba(tmp_path, fmt):
    path = product_photo(tmp_path / f"p.{fmt.lower()}", fmt=fmt)
    photo = open_photo(path)
    assert photo.mode == "RGBA" and photo.size == (320, 240)


def test_animated_gif_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (40, 40), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    pixel = open_photo(path).getpixel((20, 20))
    assert pixel[0] > 200 and pixel[1] < 60


def test_product_bbox_finds_cutouts_and_products_on_plain_backgrounds(tmp_path):
    on_white = open_photo(product_photo(tmp_path / "w.jpg", box=(0.2, 0.25, 0.5, 0.75), fmt="JPEG", quality=80))
    x0, y0, x1, y1 = product_bbox(on_white)
    assert (x0, y0, x1, y1) == pytest.approx((0.2, 0.25, 0.5, 0.75), abs=0.03)
    cutout = open_photo(cutout_png(tmp_path / "c.png"))
    assert has_transparency(cutout) and not has_transparency(on_white)
    assert product_bbox(cutout) == pytest.approx((0.2, 0.2, 0.8, 0.8), abs=0.03)
    lifestyle = open_photo(EXAMPLES / "jeans-woman-ripped-lifestyle.jpg")
    assert product_bbox(lifestyle) == (0.0, 0.0, 1.0, 1.0)
    assert border_color(on_white) == pytest.approx((255, 255, 255), abs=3)


@pytest.mark.parametrize("name", ["slipon-blue-side.png", "cap-red-front.png"])
def test_a_cutouts_box_comes_from_its_alpha_as_from_the_whole_photo(name):
    # Given a cut-out photo (an RGBA PNG, and a palette PNG with a transparent colour, opened as RGBA)
    photo = open_photo(EXAMPLES / name)
    assert has_transparency(photo)
    # When its box is found (knowing it is transparent, or finding out)
    box = product_bbox(photo, transparent=True)
    # Then it is where the alpha of a shrunk copy of the whole photo says: the alpha channel alone, shrunk,
    # has the same pixels as that copy's alpha (premultiplied colours do not change alpha)
    small = photo.resize((256, round(256 * photo.height / photo.width)), Image.Resampling.BILINEAR, reducing_gap=2.0)
    solid = np.asarray(small)[..., 3] >= 32
    rows, cols = np.flatnonzero(solid.any(axis=1)), np.flatnonzero(solid.any(axis=0))
    h, w = solid.shape
    assert box == (cols[0] / w, rows[0] / h, (cols[-1] + 1) / w, (rows[-1] + 1) / h)
    assert product_bbox(photo) == box
    assert 0.0 < box[0] < box[2] < 1.0 and 0.0 < box[1] < box[3] < 1.0  # a product, not the whole frame


def test_auto_fit_covers_close_aspects_and_contains_far_ones():
    product = (0.3, 0.3, 0.7, 0.7)
    assert choose_mode("auto", (1200, 1000), (1080, 1080), product, False) == "cover"
    assert choose_mode("auto", (1950, 550), (1080, 1080), product, False) == "contain_blur"
    assert choose_mode("auto", (1950, 550), (1080, 1080), product, True) == "contain_color"
    assert choose_mode("contain_blur", (500, 500), (1080, 1080), product, True) == "contain_color"
    # a product that a cover crop would cut is contained instead
    assert choose_mode("auto", (1300, 1080), (1080, 1080), (0.0, 0.3, 1.0, 0.7), False) == "contain_blur"


def test_contain_blur_never_stretches_and_fills_with_a_blurred_copy(tmp_path):
    # a wide banner with a circle: after fitting, the circle must still be round
    arr = np.full((200, 800, 3), (40, 90, 160), np.uint8)
    yy, xx = np.mgrid[0:200, 0:800]
    arr[(xx - 400) ** 2 + (yy - 100) ** 2 <= 60**2] = (250, 250, 250)
    arr[:, :100] = (200, 40, 40)  # something for the blur to pick up
    path = tmp_path / "banner.png"
    Image.fromarray(arr).save(path)
    plate = prepare_photo(open_photo(path), (512, 512), fit="auto")
    assert plate.mode == "contain_blur"
    frame = composed_frames(spec_of([still(path)], size=(512, 512)), [0])[0].astype(int)
    band = frame[192:320]  # the contained banner: 512 x 128
    ys, xs = np.nonzero(band.min(axis=2) > 200)
    assert (ys.max() - ys.min()) == pytest.approx(xs.max() - xs.min(), abs=3)
    assert (xs.max() - xs.min()) == pytest.approx(120 * 0.64, abs=4)
    top = frame[:100]
    assert top.std(axis=(0, 1)).max() > 5  # the blurred copy, not a flat colour
    assert np.abs(top.mean(axis=(0, 1)) - (40, 90, 160)).max() < 60


def test_a_preview_is_small_keeps_the_full_size_and_finds_the_same_product(tmp_path):
    # Given a 2400x1600 studio JPEG and the same photo turned a quarter by EXIF
    big = product_photo(tmp_path / "big.jpg", size=(2400, 1600), box=(0.3, 0.2, 0.6, 0.9), fmt="JPEG", quality=90)
    image = Image.open(big)
    exif = image.getexif()
    exif[0x0112] = 6
    turned = tmp_path / "turned.jpg"
    image.save(turned, exif=exif.tobytes(), quality=90)
    # When previewed at 512 px
    small, size = preview_photo(big, 512)
    small_turned, size_turned = preview_photo(turned, 512)
    # Then the copies are at most 512 px, RGBA, and report the full size as shown
    assert small.mode == "RGBA" and max(small.size) == 512 and size == (2400, 1600)
    assert max(small_turned.size) == 512 and small_turned.width < small_turned.height and size_turned == (1600, 2400)
    # and the product is where a full decode finds it
    assert product_bbox(small) == pytest.approx(product_bbox(open_photo(big)), abs=0.01)


def test_a_preview_refuses_what_a_full_decode_refuses(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(product_photo(tmp_path / "ok.jpg", fmt="JPEG").read_bytes()[:300])
    with pytest.raises(MediaError, match="corrupt or truncated"):
        preview_photo(broken, 512)
    with pytest.raises(MediaError, match="decompression bomb"):
        preview_photo(product_photo(tmp_path / "wide.png", size=(400, 300), fmt="PNG"), 512, max_pixels=1000)


def _studio_shot(path, background=(255, 255, 255), size=240):
    """A blue disc with a background-coloured square logo inside, anti-aliased, saved as a JPEG."""
    from PIL import ImageDraw

    big = Image.new("RGB", (size * 4, size * 4), background)
    draw = ImageDraw.Draw(big)
    draw.ellipse((size * 0.8, size * 0.8, size * 3.2, size * 3.2), fill=(40, 90, 220))
    draw.rectangle((size * 1.7, size * 1.7, size * 2.3, size * 2.3), fill=background)
    big.resize((size, size), Image.Resampling.LANCZOS).save(path, quality=85)
    return path


@pytest.mark.parametrize("background", [(255, 255, 255), (214, 190, 60)])
def test_a_studio_shot_is_cut_out_with_a_soft_clean_edge_and_its_inside_kept(tmp_path, background):
    from videos.media.cutout import cut_out

    # given a JPEG of a blue disc on a plain colour, with a background-coloured logo inside the disc
    photo = open_photo(_studio_shot(tmp_path / "studio.jpg", background))
    # when it is cut out
    rgba = np.asarray(cut_out(photo)).astype(int)
    alpha = rgba[..., 3]
    # then the background is transparent, the disc and the logo inside it opaque
    assert alpha[:20, :20].max() == 0 and alpha[-20:, -20:].max() == 0
    assert alpha[120, 120] == 255 and alpha[120, 70] == 255  # the logo, the disc
    # and the edge is soft: partly transparent pixels all round the disc
    partial = (alpha > 10) & (alpha < 245)
    assert partial.sum() > 200
    # and carries no fringe of the old background: the edge pixels' colour is the disc's, not a mix
    ring = (alpha > 60) & (alpha < 245) & (np.hypot(*(np.mgrid[0:240, 0:240] - 120)) > 40)
    assert ring.sum() > 100
    assert np.percentile(np.abs(rgba[ring][:, :3] - (40, 90, 220)).max(axis=1), 95) <= 64  # a 50:50 mix: 107


def test_a_busy_photo_is_not_cut_out():
    from videos.media.cutout import cut_out

    assert cut_out(open_photo(EXAMPLES / "jeans-woman-ripped-lifestyle.jpg")) is None


def test_a_studio_shot_on_a_colour_fill_lies_on_that_fill_like_a_transparent_png(tmp_path):
    # given a JPEG shot on white, shown on a dark colour
    path = _studio_shot(tmp_path / "studio.jpg")
    spec = spec_of([still(path, fit="contain_color", fill="#1C1C1C")])
    frame = composed_frames(spec, [0])[0].astype(int)
    # then its white is gone (the fill shows), its inside logo stays white, the disc is the disc
    assert np.abs(frame[5, 5] - 0x1C).max() <= 3
    assert frame[128, 128].min() >= 235
    assert np.abs(frame[128, 70] - (40, 90, 220)).max() <= 12


def test_a_soft_shadow_under_a_studio_shot_becomes_a_translucent_shadow_but_a_pale_label_stays(tmp_path):
    import cv2

    from videos.media.cutout import cut_out

    # given a green bottle on white, a pale grey label across its whole width, and a soft grey shadow below
    arr = np.full((300, 300, 3), 255, np.uint8)
    shadow = np.zeros((300, 300), np.float32)
    cv2.ellipse(shadow, (150, 262), (80, 14), 0, 0, 360, 1.0, -1)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 6) * 0.35
    arr = (arr * (1 - shadow[..., None])).astype(np.uint8)
    arr[40:240, 110:190] = (40, 150, 60)
    arr[110:170, 110:190] = (232, 232, 232)  # the label: pale, neutral, reaching the bottle's edges
    path = tmp_path / "bottle.jpg"
    Image.fromarray(arr).save(path, quality=92)
    # when it is cut out
    rgba = np.asarray(cut_out(open_photo(path))).astype(int)
    # then the label is opaque and pale, the shadow translucent black, the background clear
    assert rgba[140, 150, 3] == 255 and rgba[140, 150, :3].min() > 200
    assert 40 <= rgba[262, 150, 3] <= 140 and rgba[262, 150, :3].max() < 30
    assert rgba[10, 10, 3] == 0


def test_a_white_product_on_white_stays_whole_where_its_outline_has_a_small_break(tmp_path):
    import cv2

    from videos.media.cutout import cut_out

    # given a white disc with a grey outline broken by a 3 px gap, on white
    arr = np.full((240, 240, 3), 255, np.uint8)
    cv2.circle(arr, (120, 120), 70, (150, 150, 150), 3)
    arr[118:121, 185:195] = 255  # the break in the outline
    arr[110:130, 100:140] = (40, 90, 220)  # a print on the disc
    path = tmp_path / "white.png"
    Image.fromarray(arr).save(path)
    # when it is cut out
    alpha = np.asarray(cut_out(open_photo(path)))[..., 3]
    # then the white inside the disc stays opaque, the background outside goes
    assert alpha[120, 160] == 255 and alpha[80, 120] == 255
    assert alpha[10, 10] == 0 and alpha[120, 200] == 0
