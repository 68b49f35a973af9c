"""Template previews of one of the shop's products, for the Generate page's template cards: each template's
title card rendered from the product's own hero photo (videos.composer.previews), or the template's sample
still when the product has no photo or its preview cannot be made.

Per shop, under VAR_DIR/template-previews/<shop pk>/: `photos/` holds hero photos downloaded from Shopify's
CDN (named by a hash of the image URL, which changes when the photo does), and the stills themselves (named
by the composer from what shapes them). Repeat views read both from disk: no download, no render. The stills
reach the <img> (which cannot send the session token) through signed, expiring links, as stored files do
(videos.jobs.files.url)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.templatetags.static import static
from django.urls import reverse
from rest_framework.request import Request

from shopify_app import services as shopify_services
from shopify_app.admin_api import operations
from shopify_app.models import Shop
from videos.api.selectors import CHECK_MEDIA_FIRST
from videos.composer import BrandSettings, Product, ProductImage
from videos.composer.previews import owner_preview_dir, preview_dir, template_preview
from videos.composer.templates import TEMPLATES
from videos.jobs import cdn
from videos.jobs.make import shop_brand

log = logging.getLogger(__name__)

PREVIEW_URL_SALT = "videos.api.previews"


@dataclass(frozen=True)
class TemplatePreview:
    name: str
    still_url: str
    own_photos: bool  # False: the template's sample still


def sample_still_url(request: Request, name: str) -> str:
    """The template's still of the sample sneakers (static/showreel/templates/<name>.jpg)."""
    return request.build_absolute_uri(static(f"showreel/templates/{name}.jpg"))


def template_previews(shop: Shop, product_id: str, aspect: str, request: Request) -> list[TemplatePreview]:
    """Every template's preview of the product: one Admin API read, at most one download (the hero photo,
    unless already on disk), then each still rendered or read from the cache. A product that does not exist
    in this shop raises NotFoundError (a 404); a photo that cannot be downloaded or drawn falls back to the
    sample stills, logged."""
    found = operations.get_product(shopify_services.admin_client(shop), product_id, media_first=CHECK_MEDIA_FIRST)
    product = _composer_product(shop, found)
    folder, brand = owner_preview_dir(shop.pk), _brand(shop)
    previews = []
    for name in TEMPLATES:
        path = None
        if product is not None:
            try:
                path = template_preview(product, name, aspect, brand=brand, cache_dir=folder)
            except Exception:  # any failure shows the sample still instead: the page must not break
                log.exception("template preview: %s of %s on %s could not be drawn", name, found.id, shop.domain)
                product = None  # one bad photo fails every template alike; don't retry it per template
        own = path is not None
        url = preview_url(request, f"{shop.pk}/{path.name}") if own else sample_still_url(request, name)
        previews.append(TemplatePreview(name, url, own))
    return previews


def _composer_product(shop: Shop, found: operations.ShopifyProduct) -> Product | None:
    """The composer's product with the hero photo on disk (the featured image, else the first, as a job's
    video shows it), or None when the product has no photo or it cannot be downloaded."""
    photos = found.photos_featured_first
    if not photos:
        return None
    hero = photos[0]
    try:
        path = _hero_photo(shop, hero.image_url or "")
    except Exception:  # refused host, gone from the CDN, too large, timed out: the sample still is shown
        log.warning("template preview: the photo of %s on %s could not be downloaded", found.id, shop.domain,
                    exc_info=True)
        return None
    return Product(title=found.title, images=[ProductImage(path, hero.alt)], price=found.price,
                   compare_at_price=found.compare_at_price, currency=found.currency or "USD", vendor=found.vendor,
                   description=found.description, tags=tuple(found.tags))


def _hero_photo(shop: Shop, url: str) -> Path:
    """The photo at `url` on disk: downloaded once per shop through the CDN policy (allowed hosts, size cap,
    image types only), then read from the cache."""
    folder = owner_preview_dir(shop.pk) / "photos"
    stem = hashlib.sha256(url.encode()).hexdigest()[:32]
    cached = next((p for p in folder.glob(f"{stem}.*") if p.is_file()), None) if folder.is_dir() else None
    return cached or cdn.download(url, folder, stem, kind="image")


def _brand(shop: Shop) -> BrandSettings:
    """The shop's brand colours, as its videos use them. The logo is left out: a preview is the title card,
    which never shows it."""
    return shop_brand(shop.pk, logo_folder=None)


# --- the signed links the <img> tags use -----------------------------------------------------------
def preview_url(request: Request, name: str) -> str:
    token = signing.dumps(name, salt=PREVIEW_URL_SALT, compress=True)
    return request.build_absolute_uri(reverse("videos-api-template-preview", kwargs={"token": token}))


def preview_file(token: str) -> Path | None:
    """The still a signed link names, None when the link is bad or expired or the file is gone."""
    try:
        name = signing.loads(token, salt=PREVIEW_URL_SALT, max_age=settings.SHOWREEL_FILE_URL_MAX_AGE_S)
    except signing.BadSignature:
        return None
    root = preview_dir().resolve()
    path = (root / str(name)).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None

