"""Photo choice and motion: the hero first, near-duplicates dropped, motion that suits each photo, clips."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageEnhance

from tests.composer.helpers import EXAMPLE_PHOTOS, check_spec
from videos.composer import ComposeError, ComposeOptions, Product, ProductImage, ProductVideo, compose
from videos.composer.shots import analyse_photo, drop_near_duplicates, photo_look
from videos.composer.templates import TEMPLATES


def _variant(src: Path, dest: Path) -> Path:
    """The same shot, resized, re-lit a little, cropped by 2 % and re-saved as JPEG."""
    img = Image.open(src).convert("RGB")
    w, h = img.size
    img = img.crop((int(w * 0.02), int(h * 0.02), w, h)).resize((w // 3, h // 3))
    ImageEnhance.Brightness(img).enhance(1.08).save(dest, quality=70)
    return dest


def test_near_duplicates_are_dropped_and_distinct_photos_kept(tmp_path: Path, photo_pool: list[Path]) -> None:
    # Given a lifestyle photo, a re-saved smaller copy of it, and two different photos
    original = EXAMPLE_PHOTOS / "jeans-woman-ripped-lifestyle.jpg"
    copy = _variant(original, tmp_path / "copy.jpg")
    photos = [analyse_photo(ProductImage(p)) for p in (original, EXAMPLE_PHOTOS / "cap-red-front.png", copy, photo_pool[5])]
    # When near-duplicates are dropped
    kept, dropped = drop_near_duplicates(photos)
    # Then only the copy goes, pointing at the photo it repeats
    assert [p.path.name for p in kept] == ["jeans-woman-ripped-lifestyle.jpg", "cap-red-front.png", photo_pool[5].name]
    assert [(d.path.name, k.path.name) for d, k in dropped] == [("copy.jpg", "jeans-woman-ripped-lifestyle.jpg")]


def test_different_angles_of_one_product_are_all_kept() -> None:
    names = ["slipon-blue-side.png", "slipon-blue-top.png", "slipon-blue-pair-angle.png", "cap-red-front.png", "cap-red-three-quarter.png"]
    kept, dropped = drop_near_duplicates([analyse_photo(ProductImage(EXAMPLE_PHOTOS / n)) for n in names])
    assert len(kept) == 5 and dropped == []


def test_composed_video_leaves_out_the_duplicate_and_says_so(tmp_path: Path) -> None:
    hero = EXAMPLE_PHOTOS / "jeans-woman-ripped-lifestyle.jpg"
    product = Product("Jeans", images=[ProductImage(hero), ProductImage(_variant(hero, tmp_path / "dup.jpg")),
                                       ProductImage(EXAMPLE_PHOTOS / "cap-red-front.png")])
    spec = compose(product, options=ComposeOptions(duration=8))
    assert [Path(s.source).name for s in spec.segments_of("video")] == ["jeans-woman-ripped-lifestyle.jpg", "cap-red-front.png"]
    assert any("dup.jpg" in note for note in spec.metadata["notes"])


def test_hero_shot_is_the_featured_photo_and_comes_first() -> None:
    product = Product.load(Path(__file__).resolve().parents[2] / "examples" / "products" / "sneakers.json")
    spec = compose(product)
    first = spec.segments_of("video")[0]
    assert Path(first.source).name == "slipon-blue-pair-angle.png"
    assert first.alt == "Blue slip-on sneakers, pair at an angle"


@pytest.mark.parametrize(
    ("photo", "aspect", "motion", "fit"),
    [
        ("slipon-blue-side.png", "1:1", "zoom_in", "contain_color"),  # cut-out: zoom into the product
        ("juice-bottle-apple-on-white.jpg", "9:16", "zoom_in", "contain_color"),  # studio shot on white
        ("juice-bottles-row-banner.jpg", "1:1", "zoom_in", "contain_blur"),  # 3.5:1 banner: shown whole
        ("juice-bottles-row-banner.jpg", "16:9", "pan_left", "cover"),  # a little wider than 16:9: pan across
        ("jeans-woman-ripped-lifestyle.jpg", "1:1", "zoom_in", "contain_blur"),  # portrait in a square: whole
        ("jeans-woman-ripped-lifestyle.jpg", "4:5", "zoom_in", "auto"),  # portrait in a 4:5 frame: gentle push
    ],
)
def test_motion_suits_the_photo(photo: str, aspect: str, motion: str, fit: str) -> None:
    from videos.spec import ASPECTS

    info = analyse_photo(ProductImage(EXAMPLE_PHOTOS / photo))
    width, height = ASPECTS[aspect]
    look = photo_look(info, width / height, TEMPLATES["clean"], 0, backdrop="#EEEEEE")
    assert (look.motion.kind, look.fit) == (motion, fit)


def test_a_portrait_gets_a_gentler_push_than_a_cutout_and_studio_shots_lie_on_the_same_backdrop() -> None:
    template = TEMPLATES["clean"]
    portrait = photo_look(analyse_photo(ProductImage(EXAMPLE_PHOTOS / "jeans-woman-ripped-lifestyle.jpg")), 1.0, template, 0, backdrop="#EEEEEE")
    cutout = photo_look(analyse_photo(ProductImage(EXAMPLE_PHOTOS / "cap-red-front.png")), 1.0, template, 0, backdrop="#EEEEEE")
    studio = photo_look(analyse_photo(ProductImage(EXAMPLE_PHOTOS / "juice-bottle-apple-on-white.jpg")), 1.0, template, 0, backdrop="#EEEEEE")
    assert portrait.motion.strength < cutout.motion.strength
    assert cutout.motion.focus == "auto"  # the product's centre
    assert portrait.motion.focus == "auto" and portrait.fit == "contain_blur"  # the whole photo's, where it lies
    assert cutout.fill == "#EEEEEE"  # the template's backdrop behind a transparent cut-out
    assert studio.fill == "#EEEEEE"  # the renderer cuts a studio shot out: the same backdrop as a cut-out
    assert studio.fit == cutout.fit == "contain_color"


def test_clips_are_trimmed_to_a_few_seconds_and_never_read_past_their_end(tiny_clip: Path) -> None:
    product = Product("Clip", images=[ProductImage(EXAMPLE_PHOTOS / "cap-red-front.png")], videos=[ProductVideo(tiny_clip)])
    spec = compose(product, options=ComposeOptions(duration=12, max_clip_s=2.5, template="clean"))
    check_spec(spec, 12)
    clip = next(s for s in spec.segments_of("video") if s.type == "clip")
    assert clip.duration <= 2.5 + 1e-6
    assert clip.trim_start + clip.duration <= 3.0 + 1e-6
    assert clip.keep_audio is False  # the music plays instead


def test_a_photo_that_is_not_an_image_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    with pytest.raises(ComposeError, match="notes.png"):
        compose(Product("Bad", images=[ProductImage(bad)]))


def test_a_missing_photo_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ComposeError, match="file not found"):
        compose(Product("Gone", images=[ProductImage(tmp_path / "gone.jpg")]))


def test_more_photos_than_the_duration_fits_are_cut_to_what_fits(photo_pool: list[Path]) -> None:
    product = Product("Many", images=[ProductImage(p) for p in photo_pool])
    spec = compose(product, options=ComposeOptions(duration=5, template="bold"))
    check_spec(spec, 5)
    assert len(spec.segments_of("video")) < len(photo_pool)
    assert any("fits" in note for note in spec.metadata["notes"])
