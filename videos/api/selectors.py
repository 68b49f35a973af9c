"""Reads of the API that join Shopify's Admin API with the shop's jobs (shop-scoped: the shop's own token)."""

from __future__ import annotations

from typing import Any

from shopify_app import services as shopify_services
from shopify_app.admin_api import operations
from shopify_app.admin_api.errors import NotFoundError, ShopifyError
from shopify_app.models import Shop
from videos.jobs import selectors
from videos.jobs.errors import ServiceError
from videos.jobs.freshness import selectors as freshness

PRODUCTS_PER_PAGE = 25
# Media items read when checking a product for a new job: enough to see a photo, and each costs GraphQL points.
CHECK_MEDIA_FIRST = 30


def product_page(shop: Shop, *, query: str | None = None, after: str | None = None,
                 has_video: bool | None = None) -> dict[str, Any]:
    """A page of the shop's products (Admin API order) with each one's latest job and whether it has a video.
    `has_video` filters within the page, so a filtered page may hold fewer than PRODUCTS_PER_PAGE."""
    client = shopify_services.admin_client(shop)
    try:
        page = operations.list_products(client, first=PRODUCTS_PER_PAGE, after=after, query=query)
    except ShopifyError as exc:
        if after and not exc.retryable and exc.status is None:  # a GraphQL error about the cursor itself
            raise ServiceError("invalid_cursor", "That page of products is no longer available; start from the "
                               "first page.", fields={"after": ["unknown cursor"]}) from None
        raise
    ids = [p.id for p in page.products]
    latest = selectors.latest_jobs(shop, ids)
    with_video = selectors.products_with_video(shop, ids)
    stale = freshness.out_of_date(shop, ids)
    products = []
    for product in page.products:
        if has_video is not None and has_video != (product.id in with_video):
            continue
        job = latest.get(product.id)
        products.append({
            **_card(product),
            "has_video": product.id in with_video,
            "latest_job": {"id": job.pk, "status": job.status, "progress": job.progress} if job else None,
            "out_of_date": stale.get(product.id),
        })
    return {"products": products, "next_cursor": page.end_cursor if page.has_next_page else None}


def product_cards(shop: Shop, ids: list[str]) -> dict[str, Any]:
    """Several products by id in one Admin API query (the Bulk page's selection), and the ids it has none for."""
    found = operations.get_products(shopify_services.admin_client(shop), ids)
    return {"products": [{**_card(p), "media_count": p.media_count} for gid in ids if (p := found.get(gid))],
            "missing": [gid for gid in ids if gid not in found]}


def _card(product: operations.ProductSummary) -> dict[str, Any]:
    """What every product card shows (serializers.ProductCardFields)."""
    return {"id": product.id, "title": product.title, "thumbnail_url": product.preview_url,
            "price": str(product.price) if product.price is not None else None, "currency": product.currency}


def product(shop: Shop, product_id: str | int) -> operations.Product:
    """One of the shop's products; a 404 when it does not exist in this shop."""
    return operations.get_product(shopify_services.admin_client(shop), product_id)


def product_for_new_job(shop: Shop, product_id: str) -> operations.Product:
    """The product a new job is for, refused before any job or credit exists: 404 when the shop has no such
    product (deleted, or another shop's), 422 when it has nothing to make a video from. The same test the
    fetching stage applies later (a photo, or a processed video)."""
    try:
        found = operations.get_product(shopify_services.admin_client(shop), product_id, media_first=CHECK_MEDIA_FIRST)
    except NotFoundError:
        message = "This product does not exist in your store (it may have been deleted)."
        raise ServiceError("product_not_found", message, status=404, fields={"product_id": [message]}) from None
    if not found.images and not any(m.kind == "VIDEO" and m.status == "READY" for m in found.media):
        message = "This product has no photos to make a video from. Add a photo in Shopify and try again."
        raise ServiceError("no_media", message, status=422, fields={"product_id": [message]})
    return found
