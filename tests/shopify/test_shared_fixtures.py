"""The suite-wide fixtures (tests/conftest.py) give a working installed shop."""

from __future__ import annotations

from shopify_app import services
from shopify_app.admin_api.operations import list_products


def test_shopify_shop_is_installed_and_its_token_works(shopify_shop, shopify_emulator, shopify_transport):
    assert shopify_shop.is_installed
    page = list_products(services.admin_client(shopify_shop, transport=shopify_transport), first=4)
    assert {p.title for p in page.products} == {p["title"] for p in shopify_emulator.products(shopify_shop.domain)}
