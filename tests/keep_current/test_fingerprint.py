"""What counts as a change to what a video shows, and how it is worded for the merchant (pure functions)."""

from __future__ import annotations

from typing import Any

import pytest

from videos.jobs.freshness.fingerprint import differences, fingerprint, product_now

PHOTOS = [("gid://shopify/MediaImage/1", "https://cdn.shopify.com/a.png"),
          ("gid://shopify/MediaImage/2", "https://cdn.shopify.com/b.png"),
          ("gid://shopify/MediaImage/3", "https://cdn.shopify.com/c.png")]


def job_facts(*, used: int = 3, roles: tuple[str, ...] = ("title", "price", "badge"), compare_at: str | None = "60.00",
              vendor_text: str | None = None, show_badge: bool = True) -> dict[str, Any]:
    """The fingerprint of a job that fetched PHOTOS and showed the first `used` of them with these texts."""
    inputs = {"title": "Blue Sneakers", "vendor": "Acme", "price": "48.00", "compare_at_price": compare_at,
              "currency": "USD", "images": [{"file": f"/w/inputs/{n:03d}-photo.png", "id": gid, "url": url}
                                            for n, (gid, url) in enumerate(PHOTOS)]}
    texts = [{"type": "text", "role": role, "text": role} for role in roles]
    if vendor_text:
        texts.append({"type": "text", "role": "caption", "text": vendor_text})
    images = [{"type": "image", "source": f"/w/inputs/{n:03d}-photo.png"} for n in range(used)]
    spec = {"tracks": [{"kind": "video", "segments": images}, {"kind": "text", "segments": texts}],
            "metadata": {"options": {"show_badge": show_badge}}}
    return fingerprint(inputs, spec)


def payload(*, title: str = "Blue Sneakers", price: str = "48.00", compare_at: str | None = "60.00",
            photos: list[tuple[str, str]] = PHOTOS, vendor: str = "Acme", video: bool = False) -> dict[str, Any]:
    media = [{"admin_graphql_api_id": gid, "media_content_type": "IMAGE", "position": n,
              "preview_image": {"src": f"{url}?v=17"}} for n, (gid, url) in enumerate(photos, 1)]
    if video:
        media.append({"admin_graphql_api_id": "gid://shopify/Video/9", "media_content_type": "VIDEO",
                      "position": len(media) + 1, "preview_image": None})
    return {"admin_graphql_api_id": "gid://shopify/Product/7", "title": title, "vendor": vendor, "tags": "new",
            "variants": [{"price": price, "compare_at_price": compare_at, "inventory_quantity": 3}], "media": media}


def reasons(shown: dict[str, Any], delivery: dict[str, Any]) -> list[str]:
    return [change.text for change in differences(shown, product_now(delivery))]


@pytest.mark.parametrize(("delivery", "expected"), [
    (payload(video=True), []),
    (payload(price="39.00"), ["price changed from $48.00 to $39.00"]),
    (payload(compare_at=None), ["compare-at price $60.00 removed"]),
    (payload(compare_at="55.00"), ["compare-at price changed from $60.00 to $55.00"]),
    (payload(title="Blue Runners"), ["title changed from \u201cBlue Sneakers\u201d to \u201cBlue Runners\u201d"]),
    (payload(vendor="Other Co."), []),
    (payload(photos=[PHOTOS[1], PHOTOS[0], PHOTOS[2]]), ["photos were reordered"]),
    (payload(photos=[("gid://shopify/MediaImage/8", "https://cdn.shopify.com/new.png"), *PHOTOS[1:]]),
     ["a photo was replaced"]),
    (payload(photos=PHOTOS[:2]), ["a photo was removed"]),
    (payload(photos=[*PHOTOS, ("gid://shopify/MediaImage/8", "https://cdn.shopify.com/new.png")]),
     ["a photo was added"]),
])
def test_only_what_the_video_shows_counts(delivery, expected):
    assert reasons(job_facts(), delivery) == expected


def test_photos_past_the_last_one_used_and_hidden_texts_do_not_count():
    shown = job_facts(used=2, roles=("title",), show_badge=False)

    assert reasons(shown, payload(price="10.00", compare_at=None, photos=[*PHOTOS[:2], ("gid://x/9", "u")])) == []
    assert reasons(shown, payload(photos=PHOTOS[:1])) == ["a photo was removed"]


def test_the_vendor_counts_when_a_text_shows_it():
    assert reasons(job_facts(vendor_text="by Acme"), payload(vendor="Other Co.")) == [
        "vendor changed from \u201cAcme\u201d to \u201cOther Co.\u201d"]


def test_a_delivery_without_media_ids_is_compared_by_photo_url():
    delivery = payload(price="48.00")
    media = delivery.pop("media")  # an API version before 2024-07: images with URLs only
    delivery["images"] = [{"src": m["preview_image"]["src"], "position": len(media) + 1 - m["position"]} for m in media]

    assert reasons(job_facts(), delivery) == ["photos were reordered"]


def test_a_payload_that_names_no_product_is_refused():
    with pytest.raises(ValueError, match="no id"):
        product_now({"title": "x"})
