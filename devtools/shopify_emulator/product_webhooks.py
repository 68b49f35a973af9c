"""products/update as Shopify sends it: every change to a product (a merchant's edit here, or an app's
`productUpdate` / `productDeleteMedia` / `fileDelete`, this app's own video included) queues one delivery of
the product as it is then. Tests hand the queue to the app (`deliver_webhooks`); the payload is the REST
product resource with `media` (API versions from 2024-07 on).
https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-products/update
https://shopify.dev/changelog/media-included-in-product-webhooks
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devtools.shopify_emulator.server import ShopifyEmulator
    from devtools.shopify_emulator.state import EmuShop, Media, Product

log = logging.getLogger(__name__)

TOPIC = "products/update"
_UNSET: Any = object()


def _image(media: Media, product: Product, position: int) -> dict[str, Any]:
    return {"id": media.number, "product_id": product.id, "position": position, "alt": media.alt or None,
            "width": media.width, "height": media.height, "src": media.image_url, "variant_ids": [],
            "admin_graphql_api_id": f"gid://shopify/ProductImage/{media.number}",
            "created_at": media.created_at, "updated_at": media.created_at}


def _media(media: Media, product: Product, position: int) -> dict[str, Any]:
    preview = None
    if media.kind == "IMAGE":
        preview = {"width": media.width, "height": media.height, "src": media.image_url, "status": "READY"}
    return {"id": media.number, "product_id": product.id, "position": position, "alt": media.alt or None,
            "status": media.status, "media_content_type": media.kind, "preview_image": preview, "variant_ids": [],
            "admin_graphql_api_id": media.id, "created_at": media.created_at, "updated_at": media.created_at}


def product_payload(shop: EmuShop, product: Product) -> dict[str, Any]:
    """The product as a products/update body describes it (one default variant, as the emulator's products have)."""
    media = [shop.media[m] for m in product.media_ids if m in shop.media]
    images = [m for m in media if m.kind == "IMAGE"]
    variant_gid = f"gid://shopify/ProductVariant/{product.id}"
    variant = {
        "admin_graphql_api_id": variant_gid, "id": product.id, "product_id": product.id, "title": "Default Title",
        "price": product.price, "compare_at_price": product.compare_at, "position": 1, "inventory_policy": "deny",
        "inventory_quantity": product.inventory, "old_inventory_quantity": product.inventory,
        "inventory_item_id": product.id, "sku": "", "barcode": None, "taxable": True, "option1": "Default Title",
        "option2": None, "option3": None, "image_id": None, "created_at": product.created_at,
        "updated_at": product.updated_at,
    }
    return {
        "admin_graphql_api_id": product.gid, "id": product.id, "title": product.title,
        "body_html": product.description_html, "vendor": product.vendor, "product_type": product.product_type,
        "handle": product.handle, "status": product.status.lower(), "tags": ", ".join(product.tags),
        "created_at": product.created_at, "updated_at": product.updated_at, "published_at": product.created_at,
        "template_suffix": None, "published_scope": "web",
        "variants": [variant],
        "options": [{"name": "Title", "position": 1, "values": ["Default Title"]}],
        "images": [_image(m, product, i) for i, m in enumerate(images, 1)],
        "image": _image(images[0], product, 1) if images else None,
        "media": [_media(m, product, i) for i, m in enumerate(media, 1)],
        "variant_gids": [{"admin_graphql_api_id": variant_gid, "updated_at": product.updated_at}],
        "has_variants_that_requires_components": False,
        "category": None,
    }


def edit_product(emulator: ShopifyEmulator, domain: str, product_gid: str, *, title: str | None = None,
                 price: str | None = None, compare_at: str | None = _UNSET, inventory: int | None = None,
                 tags: list[str] | None = None, description_html: str | None = None,
                 photos: list[str] | None = None) -> None:
    """A merchant's edit in the admin (one save, one products/update). `photos` replaces the product's photos
    by these image URLs, in this order (a URL the product already shows keeps its media id); videos stay."""
    from devtools.shopify_emulator.state import Media, iso

    store = emulator.store
    with store.lock:
        shop = store.shop(domain)
        product = shop.product(product_gid)
        if product is None:
            raise KeyError(f"{domain} has no product {product_gid}")
        for name, value in (("title", title), ("price", price), ("inventory", inventory), ("tags", tags),
                            ("description_html", description_html)):
            if value is not None:
                setattr(product, name, value)
        if compare_at is not _UNSET:
            product.compare_at = compare_at
        if photos is not None:
            current = {shop.media[m].image_url: m for m in product.media_ids
                       if m in shop.media and shop.media[m].kind == "IMAGE"}
            kept_videos = [m for m in product.media_ids if m in shop.media and shop.media[m].kind != "IMAGE"]
            new_ids = []
            for url in photos:
                if url in current:
                    new_ids.append(current.pop(url))
                    continue
                media = Media(id=f"gid://shopify/MediaImage/{store.next_id()}", kind="IMAGE", alt=product.title,
                              filename=url.rsplit("/", 1)[-1], image_url=url, width=64, height=64,
                              created_at=iso(store.clock()))
                shop.media[media.id] = media
                new_ids.append(media.id)
            for media_id in current.values():
                shop.media.pop(media_id, None)
            product.media_ids = new_ids + kept_videos
        store.product_changed(shop, product)


def pending(emulator: ShopifyEmulator) -> list[tuple[str, str, dict[str, Any]]]:
    """The queued deliveries (topic, shop domain, payload), oldest first, left in the queue."""
    with emulator.store.lock:
        return list(emulator.store.outbox)


def deliver_webhooks(emulator: ShopifyEmulator, send: Callable[[bytes, dict[str, str]], int]) -> list[int]:
    """Send every queued delivery, oldest first, signed as Shopify signs them; returns the answers' status
    codes. `send(body, headers)` posts one (a test client, or httpx to the app's /webhooks/shopify)."""
    with emulator.store.lock:
        queued, emulator.store.outbox[:] = list(emulator.store.outbox), []
    return [send(*emulator.webhook(topic, domain, payload)) for topic, domain, payload in queued]


def start_delivery(emulator: ShopifyEmulator, url: str, *, every_s: float = 1.0) -> threading.Event:
    """Local runs: post the queued deliveries to the app's webhook URL every `every_s` seconds, as Shopify
    would (a delivery the app does not answer with 2xx is logged and dropped). Set the returned event to stop."""
    import httpx

    def send(body: bytes, headers: dict[str, str]) -> int:
        try:
            status = httpx.post(url, content=body, headers=headers, timeout=10).status_code
        except httpx.HTTPError as exc:
            log.warning("emulator: webhook to %s failed: %s", url, exc)
            return 0
        if status >= 300:
            log.warning("emulator: webhook to %s answered %d", url, status)
        return status

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            deliver_webhooks(emulator, send)

    threading.Thread(target=loop, name="shopify-emulator-webhooks", daemon=True).start()
    return stop
