"""Admin API operations Showreel needs, as plain functions over an `AdminClient`.

Each one runs a document from shopify_app/graphql/ (the doc link for its shapes is in that file) and maps
the answer to small dataclasses, raising the typed errors from `errors.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shopify_app.admin_api.client import AdminClient
from shopify_app.admin_api.errors import NotFoundError, ShopifyError, ShopifyUserError

PRODUCT_GID = "gid://shopify/Product/"
# Shopify's size limit for a hosted product video
# (https://shopify.dev/docs/apps/build/online-store/product-media).
MAX_VIDEO_BYTES = 1024**3


@dataclass(frozen=True)
class MediaItem:
    id: str
    kind: str  # MediaContentType: IMAGE, VIDEO, EXTERNAL_VIDEO, MODEL_3D
    status: str
    alt: str = ""
    image_url: str | None = None
    width: int | None = None
    height: int | None = None
    preview_url: str | None = None
    video_sources: list[dict[str, Any]] = field(default_factory=list)
    duration_ms: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    filename: str = ""  # a Video's original file name (what it was uploaded as)


@dataclass(frozen=True)
class ShopifyProduct:
    """A product as the Admin API describes it (the composer's own `Product` is made from it)."""

    id: str
    title: str
    handle: str
    description: str
    vendor: str
    product_type: str
    tags: list[str]
    status: str
    price: Decimal | None
    compare_at_price: Decimal | None
    currency: str | None
    featured_media_id: str | None
    media: list[MediaItem]

    @property
    def images(self) -> list[MediaItem]:
        return [m for m in self.media if m.kind == "IMAGE" and m.image_url]

    @property
    def photos_featured_first(self) -> list[MediaItem]:
        """The photos in the order a video shows them: the featured one, then the rest as the admin orders them."""
        return sorted(self.images, key=lambda m: m.id != self.featured_media_id)


@dataclass(frozen=True)
class ProductSummary:
    id: str
    title: str
    handle: str
    vendor: str
    status: str
    price: Decimal | None
    currency: str | None
    preview_url: str | None
    media_count: int


@dataclass(frozen=True)
class ProductPage:
    products: list[ProductSummary]
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True)
class StagedTarget:
    url: str
    resource_url: str
    parameters: list[tuple[str, str]]


@dataclass(frozen=True)
class ShopPlan:
    shop_name: str
    currency: str
    plan: str
    partner_development: bool
    shopify_plus: bool
    app_subscriptions: list[dict[str, Any]]


def product_gid(product_id: str | int) -> str:
    """`gid://shopify/Product/N` from N, "N" or the gid itself; anything else is refused."""
    text = str(product_id)
    number = text.removeprefix(PRODUCT_GID)
    if not number.isdigit():
        raise NotFoundError(f"not a product id: {text[:80]!r}")
    return PRODUCT_GID + number


def _money(node: dict | None, key: str) -> tuple[Decimal | None, str | None]:
    money = (node or {}).get(key) or {}
    try:
        amount = Decimal(str(money["amount"]))
    except (KeyError, InvalidOperation):
        return None, None
    return amount, money.get("currencyCode")


def _media(node: dict[str, Any]) -> MediaItem:
    image = node.get("image") or {}
    preview = ((node.get("preview") or {}).get("image") or {}).get("url")
    sources = node.get("sources") or []
    best = max(sources, key=lambda s: s.get("width") or 0, default={})
    return MediaItem(
        id=node["id"],
        kind=node.get("mediaContentType") or "",
        status=node.get("status") or "",
        alt=node.get("alt") or image.get("altText") or "",
        image_url=image.get("url"),
        width=image.get("width") or best.get("width"),
        height=image.get("height") or best.get("height"),
        preview_url=preview,
        video_sources=sources,
        duration_ms=node.get("duration"),
        errors=node.get("mediaErrors") or [],
        filename=node.get("filename") or "",
    )


def get_product(client: AdminClient, product_id: str | int, *, media_first: int = 50) -> ShopifyProduct:
    # media_first: fewer media items cost fewer points of the shop's GraphQL budget.
    gid = product_gid(product_id)
    node = client.run("product", {"id": gid, "mediaFirst": media_first}).get("product")
    if node is None:
        raise NotFoundError(f"product {gid} not found on {client.session.shop}")
    price, currency = _money(node.get("priceRangeV2"), "minVariantPrice")
    compare_at, _ = _money(node.get("compareAtPriceRange"), "minVariantCompareAtPrice")
    if compare_at is not None and (price is None or compare_at <= price):
        compare_at = None  # Shopify reports 0.0 when no variant is on sale
    return ShopifyProduct(
        id=node["id"],
        title=node["title"],
        handle=node.get("handle") or "",
        description=node.get("description") or "",
        vendor=node.get("vendor") or "",
        product_type=node.get("productType") or "",
        tags=list(node.get("tags") or []),
        status=node.get("status") or "",
        price=price,
        compare_at_price=compare_at,
        currency=currency,
        featured_media_id=(node.get("featuredMedia") or {}).get("id"),
        media=[_media(m) for m in (node.get("media") or {}).get("nodes", [])],
    )


def _summary(node: dict[str, Any]) -> ProductSummary:
    price, currency = _money(node.get("priceRangeV2"), "minVariantPrice")
    preview = (((node.get("featuredMedia") or {}).get("preview") or {}).get("image") or {}).get("url")
    return ProductSummary(
        id=node["id"],
        title=node["title"],
        handle=node.get("handle") or "",
        vendor=node.get("vendor") or "",
        status=node.get("status") or "",
        price=price,
        currency=currency,
        preview_url=preview,
        media_count=((node.get("mediaCount") or {}).get("count")) or 0,
    )


def list_products(client: AdminClient, *, first: int = 25, after: str | None = None, query: str | None = None) -> ProductPage:
    if not 1 <= first <= 250:
        raise ValueError("first must be between 1 and 250 (Shopify's page size limit)")
    data = client.run("products", {"first": first, "after": after, "query": query or None})["products"]
    products = [_summary(node) for node in data["nodes"]]
    info = data["pageInfo"]
    return ProductPage(products, bool(info["hasNextPage"]), info.get("endCursor"))


MAX_NODES = 250  # ids per `nodes` query (Shopify's limit)


def get_products(client: AdminClient, product_ids: list[str | int]) -> dict[str, ProductSummary]:
    """Many products in one `nodes` query per 250 ids: {gid: summary}; unknown or deleted ones are left out."""
    gids = list(dict.fromkeys(product_gid(p) for p in product_ids))
    found: dict[str, ProductSummary] = {}
    for start in range(0, len(gids), MAX_NODES):
        data = client.run("product_nodes", {"ids": gids[start : start + MAX_NODES]})
        for node in data.get("nodes") or []:
            if node and node.get("__typename") == "Product":
                found[node["id"]] = _summary(node)
    return found


def create_video_upload(client: AdminClient, filename: str, file_size: int, mime_type: str = "video/mp4") -> StagedTarget:
    if not 0 < file_size <= MAX_VIDEO_BYTES:
        raise ShopifyUserError(f"video size {file_size} bytes is outside Shopify's 1 byte..1 GB range")
    payload = client.run(
        "staged_uploads_create",
        {
            "input": [
                {
                    "resource": "VIDEO",
                    "filename": filename,
                    "mimeType": mime_type,
                    "fileSize": str(file_size),  # UnsignedInt64 travels as a string; must be exact
                    "httpMethod": "POST",
                }
            ]
        },
    )["stagedUploadsCreate"]
    if payload.get("userErrors"):
        raise ShopifyUserError("stagedUploadsCreate refused", user_errors=payload["userErrors"])
    targets = payload.get("stagedTargets") or []
    if not targets or not targets[0].get("url") or not targets[0].get("resourceUrl"):
        raise ShopifyError("stagedUploadsCreate returned no target", retryable=True)
    target = targets[0]
    return StagedTarget(
        url=target["url"],
        resource_url=target["resourceUrl"],
        parameters=[(p["name"], p["value"]) for p in target.get("parameters") or []],
    )


def upload_to_target(client: AdminClient, target: StagedTarget, path: Path, mime_type: str = "video/mp4") -> None:
    """Multipart POST to the staged target: every parameter in the order given, then the file LAST as `file`.

    https://shopify.dev/docs/apps/build/online-store/product-media#step-2-upload-the-asset-to-the-staged-target
    httpx writes `data` fields before `files`, in order, which is exactly that layout."""
    with path.open("rb") as handle:
        response = client.transport.send(
            "POST",
            target.url,
            idempotent=False,
            what="staged upload",
            data=dict(target.parameters),  # names are unique in Shopify's targets; dicts keep their order
            files={"file": (path.name, handle, mime_type)},
        )
    if response.status_code >= 300:
        # The storage service answers with a short XML/plain error (e.g. EntityTooLarge); it never holds secrets.
        # It is kept for the logs; merchants read plain words (code UPLOAD_REFUSED). 401/403: the signed target
        # was refused (expired, say); a new target may be accepted.
        status = response.status_code
        raise ShopifyError(
            f"staged upload refused (HTTP {status}): {response.text[:300]}",
            status=status,
            retryable=status in (401, 403) or status >= 500,
            code="UPLOAD_REFUSED",
        )


def attach_media(client: AdminClient, product_id: str | int, resource_url: str, *, alt: str = "", kind: str = "VIDEO") -> MediaItem:
    """Attach an uploaded file to the product (`productUpdate(product:{id}, media:[...])`); returns the new media."""
    gid = product_gid(product_id)
    payload = client.run(
        "product_attach_media",
        {
            "product": {"id": gid},
            "media": [{"originalSource": resource_url, "mediaContentType": kind, "alt": alt}],
            "count": 1,
        },
    )["productUpdate"]
    if payload is None:
        raise ShopifyError("productUpdate returned nothing", retryable=True)
    if payload.get("userErrors"):
        errors = payload["userErrors"]
        if any("not exist" in (e.get("message") or "").lower() for e in errors):
            raise NotFoundError(f"product {gid} not found on {client.session.shop}")
        raise ShopifyUserError("productUpdate refused the media", user_errors=errors)
    nodes = (((payload.get("product") or {}).get("media")) or {}).get("nodes") or []
    if not nodes:
        raise ShopifyError("productUpdate did not return the new media", retryable=False)
    return _media(nodes[-1])


def get_media(client: AdminClient, media_id: str) -> MediaItem:
    node = client.run("media_status", {"id": media_id}).get("node")
    if not node or "status" not in node:
        raise NotFoundError(f"media {media_id} not found on {client.session.shop}")
    return _media(node)


def product_videos(client: AdminClient, product_id: str | int) -> list[MediaItem]:
    """The product's videos with the file name each was uploaded as (NotFoundError: no such product)."""
    gid = product_gid(product_id)
    node = client.run("product_videos", {"id": gid}).get("product")
    if node is None:
        raise NotFoundError(f"product {gid} not found on {client.session.shop}")
    return [_media(m) for m in (node.get("media") or {}).get("nodes") or [] if m.get("mediaContentType") == "VIDEO"]


def wait_for_media(
    client: AdminClient,
    media_id: str,
    *,
    timeout_s: float = 600.0,
    interval_s: float = 2.0,
    first_interval_s: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_poll: Callable[[int], None] | None = None,
) -> MediaItem:
    """Poll until the media is READY (returned) or FAILED (`ShopifyUserError` with its mediaErrors); past
    `timeout_s` a retryable `ShopifyError` with code MEDIA_TIMEOUT. With `first_interval_s` the waits start
    there and double up to `interval_s` (short videos are often ready within a second). `on_poll(n)` runs
    after the n-th poll that found the media still processing."""
    deadline = clock() + timeout_s
    polls = 0
    while True:
        media = get_media(client, media_id)
        if media.status == "READY":
            return media
        if media.status == "FAILED":
            raise ShopifyUserError(f"Shopify could not process media {media_id}", media_errors=media.errors, code="MEDIA_FAILED")
        if clock() >= deadline:
            raise ShopifyError(f"media {media_id} still {media.status} after {timeout_s:g}s", retryable=True, code="MEDIA_TIMEOUT")
        polls += 1
        if on_poll is not None:
            on_poll(polls)
        first = interval_s if first_interval_s is None else first_interval_s
        sleep(min(interval_s, first * 2 ** (polls - 1)))


def delete_media(client: AdminClient, media_ids: list[str]) -> list[str]:
    """Delete media the app made (fileDelete; see file_delete.graphql for why not productDeleteMedia)."""
    payload = client.run("file_delete", {"ids": media_ids})["fileDelete"]
    if payload.get("userErrors"):
        errors = payload["userErrors"]
        if all(e.get("code") == "FILE_DOES_NOT_EXIST" for e in errors):
            raise NotFoundError(f"media not found on {client.session.shop}: {', '.join(media_ids)}")
        raise ShopifyUserError("fileDelete refused", user_errors=errors)
    return list(payload.get("deletedFileIds") or [])


def get_shop_plan(client: AdminClient) -> ShopPlan:
    data = client.run("shop_plan")
    shop = data["shop"]
    plan = shop.get("plan") or {}
    installation = data.get("currentAppInstallation") or {}
    return ShopPlan(
        shop_name=shop.get("name") or "",
        currency=shop.get("currencyCode") or "",
        plan=plan.get("publicDisplayName") or "",
        partner_development=bool(plan.get("partnerDevelopment")),
        shopify_plus=bool(plan.get("shopifyPlus")),
        app_subscriptions=list(installation.get("activeSubscriptions") or []),
    )
