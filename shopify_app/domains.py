"""Shop-domain validation: the only shop hosts the app will ever talk to or trust.

Shopify's rule (shopify_python_api `shopify/utils/shop_url.py`, shopify.dev "Verify a shop domain"):
`^[a-z0-9][a-z0-9-]*[a-z0-9]\\.myshopify\\.com$` after lower-casing. Anything else is refused before any request.
"""

from __future__ import annotations

import re

from shopify.utils.shop_url import sanitize_shop_domain

# fullmatch (not `$`, which also matches before a trailing newline).
SHOP_DOMAIN_RE = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com")


class InvalidShopDomain(ValueError):
    """The value is not a `*.myshopify.com` shop domain."""

    def __init__(self, value: object) -> None:
        super().__init__(f"not a valid shop domain: {str(value)[:100]!r} (expected <name>.myshopify.com)")


def validate_shop_domain(value: object) -> str:
    """The lower-cased shop domain, or `InvalidShopDomain`.

    Strict: for values Shopify itself sends (query `shop`, webhook header, session-token `dest`)."""
    if not isinstance(value, str):
        raise InvalidShopDomain(value)
    domain = value.lower()
    if not SHOP_DOMAIN_RE.fullmatch(domain):
        raise InvalidShopDomain(value)
    return domain


def sanitize_shop_input(value: object) -> str:
    """A shop domain from what a person typed ("my-shop", "https://my-shop.myshopify.com/").

    Uses ShopifyAPI's own sanitizer (it adds the suffix and strips a scheme or path), then the strict rule."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidShopDomain(value)
    cleaned = sanitize_shop_domain(value.strip())
    if cleaned is None:
        raise InvalidShopDomain(value)
    return validate_shop_domain(cleaned)
