"""What a video shows of its product, and how that differs from the product now (pure functions, no I/O).

The fingerprint is read from the job that made the video: the product facts it fetched (`inputs`: title,
price, compare-at price, currency, vendor, the photos with their media ids) and what its spec put on screen
(which text roles, which photos). A products/update payload is read into the same terms, so a change the
video does not show (inventory, tags, SEO, description, this app's own video being attached) is no change.

Payload shape: the REST product resource that products/update carries; `media` (with media GIDs) is in the
payload from API version 2024-07 on. https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-products/update
https://shopify.dev/changelog/media-included-in-product-webhooks
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.dateparse import parse_datetime

from videos.composer.brand import BrandSettings
from videos.composer.errors import ComposeError
from videos.composer.i18n import format_price
from videos.jobs.fetch import MAX_PHOTOS  # a photo further down the gallery than this is never used


@dataclass(frozen=True)
class ProductNow:
    """The product as a products/update delivery describes it."""

    product_id: str
    title: str
    vendor: str
    price: Decimal | None
    compare_at: Decimal | None
    photo_ids: list[str] | None  # image media GIDs in gallery order (None: the payload has no `media`)
    photo_urls: list[str]
    video_ids: set[str]
    updated_at: datetime | None


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any
    text: str  # in the merchant's words: "price changed from $48.00 to $39.00"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after, "text": self.text}


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _url_key(url: str | None) -> str:
    """A CDN URL without its query (Shopify adds `?v=<timestamp>` versions)."""
    parts = urlsplit(url or "")
    return f"{parts.netloc}{parts.path}"


def product_now(payload: dict[str, Any]) -> ProductNow:
    """Read a products/update payload; ValueError when it names no product."""
    gid = payload.get("admin_graphql_api_id")
    if not (isinstance(gid, str) and gid.startswith("gid://shopify/Product/")):
        number = payload.get("id")
        if not isinstance(number, int) and not (isinstance(number, str) and number.isdigit()):
            raise ValueError("products/update payload names no product (no id)")
        gid = f"gid://shopify/Product/{number}"
    variants = [v for v in payload.get("variants") or [] if isinstance(v, dict)]
    prices = [p for p in (_amount(v.get("price")) for v in variants) if p is not None]
    price = min(prices) if prices else None
    # As the Admin API's minVariantCompareAtPrice: the lowest over all variants, a variant not on sale counting
    # as 0, and no compare-at price at all when it is not above the price (videos/jobs/fetch.py reads that).
    compare_values = [_amount(v.get("compare_at_price")) or Decimal(0) for v in variants]
    compare_at = min(compare_values) if compare_values else None
    if compare_at is not None and (price is None or compare_at <= price):
        compare_at = None
    media = payload.get("media")
    photo_ids: list[str] | None = None
    video_ids: set[str] = set()
    photo_urls: list[str] = []
    if isinstance(media, list):
        items = sorted((m for m in media if isinstance(m, dict)), key=lambda m: m.get("position") or 0)
        images = [m for m in items if str(m.get("media_content_type", "")).upper() == "IMAGE"]
        photo_ids = [str(m.get("admin_graphql_api_id") or "") for m in images]
        photo_urls = [_url_key((m.get("preview_image") or {}).get("src")) for m in images]
        video_ids = {str(m.get("admin_graphql_api_id")) for m in items
                     if str(m.get("media_content_type", "")).upper() == "VIDEO" and m.get("admin_graphql_api_id")}
    else:
        images = sorted((i for i in payload.get("images") or [] if isinstance(i, dict)), key=lambda i: i.get("position") or 0)
        photo_urls = [_url_key(i.get("src")) for i in images]
    updated = payload.get("updated_at")
    return ProductNow(
        product_id=gid,
        title=" ".join(str(payload.get("title") or "").split()),
        vendor=str(payload.get("vendor") or "").strip(),
        price=price,
        compare_at=compare_at,
        photo_ids=photo_ids,
        photo_urls=photo_urls,
        video_ids=video_ids,
        updated_at=parse_datetime(updated) if isinstance(updated, str) else None,
    )


def fingerprint(inputs: dict[str, Any] | None, spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the job's video shows of its product (None when the job has not fetched the product yet).

    `photos` is the gallery up to the last photo the video uses ([media id, URL] pairs, in order), and
    `photos_complete` says whether the video used the gallery's last photo, so a photo added after it would
    appear in a new video."""
    if not inputs:
        return None
    roles: set[str] = set()
    texts: list[str] = []
    used_files: set[str] = set()
    for track in (spec or {}).get("tracks") or []:
        for segment in track.get("segments") or []:
            if segment.get("type") == "text":
                roles.add(str(segment.get("role") or "caption"))
                texts.append(str(segment.get("text") or ""))
            elif segment.get("type") == "image" and segment.get("source"):
                used_files.add(Path(str(segment["source"])).name)
    images = [i for i in inputs.get("images") or [] if isinstance(i, dict)]
    photos: list[list[str]] | None = [[str(i.get("id") or ""), _url_key(i.get("url"))] for i in images]
    complete = True
    if spec is not None:
        used = [n for n, image in enumerate(images) if Path(str(image.get("file", ""))).name in used_files]
        if used:
            photos = photos[: used[-1] + 1]
            complete = used[-1] == len(images) - 1
    if not images or not all(i.get("id") or i.get("url") for i in images):
        photos = None  # a job from before photos were recorded by id: their changes cannot be told
    shown_all = spec is None  # not composed yet: everything may be shown
    options = ((spec or {}).get("metadata") or {}).get("options") or {}
    vendor = str(inputs.get("vendor") or "").strip()
    return {
        "title": inputs.get("title") if shown_all or "title" in roles else None,
        "price": inputs.get("price"),
        "price_shown": shown_all or bool(roles & {"price", "badge"}),  # the badge's percent comes from the price
        "compare_at": inputs.get("compare_at_price"),
        # A badge shows whenever the product is on sale and the options ask for one.
        "compare_at_shown": shown_all or "badge" in roles or bool(options.get("show_badge", False)),
        "currency": inputs.get("currency") or "USD",
        "vendor": vendor if vendor and any(vendor.lower() in t.lower() for t in texts) else None,
        "photos": photos,
        "photos_complete": complete and len(images) < MAX_PHOTOS,
    }


def _money(value: Any, currency: str) -> str:
    amount = _amount(value)
    if amount is None:
        return "none"
    try:
        return format_price(amount, currency, BrandSettings().locale)
    except ComposeError:  # an unknown currency code: the amount and the code as they are
        return f"{amount} {currency}"


def differences(shown: dict[str, Any], now: ProductNow) -> list[Change]:
    """What the video shows that the product no longer is, in the merchant's words (empty: up to date)."""
    changes: list[Change] = []
    currency = shown.get("currency") or "USD"
    if shown.get("title") is not None and " ".join(str(shown["title"]).split()) != now.title:
        changes.append(Change("title", shown["title"], now.title,
                              f"title changed from \u201c{shown['title']}\u201d to \u201c{now.title}\u201d"))
    if shown.get("price_shown") and _amount(shown.get("price")) != now.price:
        after = str(now.price) if now.price is not None else None
        changes.append(Change("price", shown.get("price"), after, f"price changed from "
                              f"{_money(shown.get('price'), currency)} to {_money(after, currency)}"))
    before_compare = _amount(shown.get("compare_at"))
    if shown.get("compare_at_shown") and before_compare != now.compare_at:
        after = str(now.compare_at) if now.compare_at is not None else None
        if before_compare is None:
            text = f"compare-at price {_money(after, currency)} added"
        elif now.compare_at is None:
            text = f"compare-at price {_money(shown['compare_at'], currency)} removed"
        else:
            text = f"compare-at price changed from {_money(shown['compare_at'], currency)} to {_money(after, currency)}"
        changes.append(Change("compare_at", shown.get("compare_at"), after, text))
    if shown.get("vendor") is not None and shown["vendor"] != now.vendor:
        changes.append(Change("vendor", shown["vendor"], now.vendor,
                              f"vendor changed from \u201c{shown['vendor']}\u201d to \u201c{now.vendor}\u201d"))
    photo_change = _photo_change(shown, now)
    if photo_change is not None:
        changes.append(photo_change)
    return changes


def _photo_change(shown: dict[str, Any], now: ProductNow) -> Change | None:
    photos = shown.get("photos")
    if not photos:
        return None
    by_id = now.photo_ids is not None and all(p[0] for p in photos)
    before = [p[0] for p in photos] if by_id else [p[1] for p in photos]
    current = (now.photo_ids if by_id else now.photo_urls)[:MAX_PHOTOS]
    window = current[: len(before)]
    if shown.get("photos_complete"):
        window = current
    if window == before:
        return None
    removed = [p for p in before if p not in window]
    added = [p for p in window if p not in before]
    if removed and added:
        text = "a photo was replaced" if len(removed) == len(added) == 1 else "photos were replaced"
    elif removed:
        text = "a photo was removed" if len(removed) == 1 else f"{len(removed)} photos were removed"
    elif added:
        text = "a photo was added" if len(added) == 1 else f"{len(added)} photos were added"
    else:
        text = "photos were reordered"
    return Change("photos", before, window, text)
