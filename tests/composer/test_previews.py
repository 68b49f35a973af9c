"""Template previews of the merchant's own product: rendered from its photo, cached, quick."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.composer.craft import PRODUCT_RGB, product_mask, synthetic_product
from videos.composer import Product
from videos.composer.errors import ComposeError
from videos.composer.previews import template_preview
from videos.composer.templates import TEMPLATES


@pytest.fixture
def product(tmp_path: Path) -> Product:
    return synthetic_product(tmp_path / "photos")


@pytest.mark.parametrize("aspect", ["1:1", "9:16"])
def test_each_template_previews_the_products_own_photo_and_caches_it(product, tmp_path, aspect):
    cache = tmp_path / "previews"
    for name in sorted(TEMPLATES):
        # given a product with photos, when a template's preview is asked for
        path = template_preview(product, name, aspect, cache_dir=cache)
        # then it is a still of the product's own photo (its blue bottle), at the aspect asked for
        with Image.open(path) as image:
            rgb = np.asarray(image.convert("RGB"))
        assert product_mask(rgb).mean() > 0.01, name
        assert (rgb.shape[1] == rgb.shape[0]) == (aspect == "1:1")
        # and asking again is served from the cache: the same file, not rendered again
        before = path.stat().st_mtime_ns
        started = time.perf_counter()
        assert template_preview(product, name, aspect, cache_dir=cache) == path
        assert path.stat().st_mtime_ns == before and time.perf_counter() - started < 0.5


def test_previews_differ_by_template_and_a_new_photo_makes_a_new_one(product, tmp_path):
    cache = tmp_path / "previews"
    clean, bold = (template_preview(product, n, cache_dir=cache) for n in ("clean", "bold"))
    assert clean != bold
    # when the featured photo's bytes change, the preview is a new file
    Image.new("RGB", (300, 300), PRODUCT_RGB).save(product.images[0].path.with_suffix(".png"))
    product.images[0].path.with_suffix(".png").replace(product.images[0].path)
    assert template_preview(product, "clean", cache_dir=cache) != clean


def test_a_product_without_photos_has_no_preview_and_bad_names_are_clear_errors(product, tmp_path):
    assert template_preview(Product(title="Nothing", price=Decimal("1")), "clean", cache_dir=tmp_path) is None
    with pytest.raises(ComposeError):
        template_preview(product, "fancy", cache_dir=tmp_path)
    with pytest.raises(ComposeError):
        template_preview(product, "clean", "2:1", cache_dir=tmp_path)
