"""Template previews of the merchant's own product: each template's title card, rendered from the product's
featured photo, so the template cards show this product rather than the sample sneakers.

`template_preview(product, template, aspect)` -> the path of a JPEG still, cached on disk under a key of
everything that shapes it (template, aspect, size, the photo's bytes, the title and brand, the composer's
version), or None when the product has no photo (the caller shows the template's sample still then).
The frame comes straight from the compositor (no encode); the photo must already be downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from videos.composer.brand import BrandSettings, brand_dict
from videos.composer.compose import COMPOSER_VERSION
from videos.composer.product import Product
from videos.composer.stills import template_still_spec
from videos.spec import ASPECTS

PREVIEW_SIDE = 360
# Bump when the look of previews changes without the composer's version changing.
PREVIEW_VERSION = 1


def preview_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "template-previews"


def owner_preview_dir(owner: int | str) -> Path:
    """One owner's (a shop's) cached photos and previews, so they can be erased together."""
    return preview_dir() / str(owner)


def template_preview(product: Product, template: str, aspect: str = "1:1", *, brand: BrandSettings | None = None,
                     side: int = PREVIEW_SIDE, cache_dir: Path | None = None) -> Path | None:
    """The cached JPEG still of `template` for this product (rendered on first use), or None without a
    photo. Raises ComposeError for an unknown template or aspect, or a photo that cannot be read."""
    if not product.images:
        return None
    from videos.composer.templates import get_template

    template = get_template(template).name
    if aspect not in ASPECTS:
        from videos.composer.errors import ComposeError

        raise ComposeError("aspect", f"unknown aspect {aspect!r}; choose one of {', '.join(ASPECTS)}")
    brand = brand or BrandSettings()
    hero = replace(product, images=product.images[:1], videos=[])
    folder = cache_dir or preview_dir()
    target = folder / f"{template}-{aspect.replace(':', 'x')}-{_key(hero, template, aspect, brand, side)}.jpg"
    if target.is_file():
        return target
    from PIL import Image

    from videos.render.pipeline import poster_frame
    from videos.render.still import render_frame, shrink

    spec = shrink(template_still_spec(template, hero, aspect=aspect, brand=brand), side)
    rgb = render_frame(spec, poster_frame(spec))
    folder.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.part")
    Image.fromarray(rgb).save(temp, "JPEG", quality=85, optimize=True)
    os.replace(temp, target)  # whole or absent, even with two requests at once
    return target


def _key(product: Product, template: str, aspect: str, brand: BrandSettings, side: int) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({
        "v": [COMPOSER_VERSION, PREVIEW_VERSION], "template": template, "aspect": aspect, "side": side,
        "title": product.title, "price": str(product.price), "compare": str(product.compare_at_price),
        "currency": product.currency, "brand": brand_dict(brand),
    }, sort_keys=True, default=str).encode())
    for image in product.images:
        with open(image.path, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:20]
