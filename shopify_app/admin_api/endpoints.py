"""Where a shop's Admin endpoints live: https://{shop} in production, the emulator in dev and tests."""

from __future__ import annotations

from django.conf import settings

from shopify_app.domains import validate_shop_domain


def shop_origin(shop: str) -> str:
    """The origin standing in for `https://{shop}` (SHOPIFY_ADMIN_BASE routes every shop to the emulator)."""
    shop = validate_shop_domain(shop)  # refused here, before any request can be built
    base = settings.SHOPIFY_ADMIN_BASE
    return f"{base}/shops/{shop}" if base else f"https://{shop}"


def graphql_url(shop: str) -> str:
    return f"{shop_origin(shop)}/admin/api/{settings.SHOPIFY_API_VERSION}/graphql.json"


def oauth_token_url(shop: str) -> str:
    return f"{shop_origin(shop)}/admin/oauth/access_token"


def oauth_authorize_url(shop: str) -> str:
    return f"{shop_origin(shop)}/admin/oauth/authorize"


def embedded_app_url(shop: str) -> str:
    """Where the merchant lands after an install: the app inside the admin (or the emulator's stand-in)."""
    if settings.SHOPIFY_ADMIN_BASE:
        return f"{shop_origin(shop)}/admin/apps/{settings.SHOPIFY_API_KEY}/"
    store = validate_shop_domain(shop).removesuffix(".myshopify.com")
    return f"https://admin.shopify.com/store/{store}/apps/{settings.SHOPIFY_API_KEY}"
