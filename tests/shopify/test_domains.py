"""Shop-domain validation with the vectors from shopify_python_api and shopify-api-ruby."""

from __future__ import annotations

import pytest

from shopify_app.admin_api import endpoints
from shopify_app.domains import InvalidShopDomain, sanitize_shop_input, validate_shop_domain

# shopify_python_api test/utils/shop_url_test.py, plus shopify-api-ruby's shop_validator_test.rb negatives.
BAD = [
    "myshop.com", "myshopify.com", "shopify.com", "two words", "store.myshopify.com.evil.com", "/foo/bar",
    "/foo.myshopify.io.evil.ru", "%0a123.myshopify.io ", "foo.bar.myshopify.io",
    "attacker.com/.myshopify.com", "shop.myshopify.com@evil.com", "myshopify.com.evil.com", "test-shop.notmyshopify.com",
    # and ours: one-letter names, ports, leading/trailing dashes
    "a.myshopify.com", "my-shop.myshopify.com:443", "-shop.myshopify.com", "shop-.myshopify.com",
    "", None, 42,
]
GOOD_TYPED = ["my-shop", "my-shop.myshopify.com", "http://my-shop.myshopify.com", "https://my-shop.myshopify.com"]


@pytest.mark.parametrize("value", BAD)
def test_bad_domains_are_refused_by_both_the_strict_and_the_lenient_check(value):
    with pytest.raises(InvalidShopDomain):
        validate_shop_domain(value)
    with pytest.raises(InvalidShopDomain):
        sanitize_shop_input(value)


@pytest.mark.parametrize("value", GOOD_TYPED)
def test_what_a_person_types_is_normalised(value):
    assert sanitize_shop_input(value) == "my-shop.myshopify.com"


def test_strict_check_refuses_a_trailing_newline_that_dollar_anchors_would_let_through():
    with pytest.raises(InvalidShopDomain):
        validate_shop_domain("my-shop.myshopify.com\n")


def test_strict_check_lowercases_but_accepts_nothing_but_the_bare_domain():
    assert validate_shop_domain("My-Shop.MyShopify.com") == "my-shop.myshopify.com"
    for value in GOOD_TYPED:
        if value != "my-shop.myshopify.com":
            with pytest.raises(InvalidShopDomain):
                validate_shop_domain(value)


@pytest.mark.parametrize("value", ["store.myshopify.com.evil.com", "attacker.com/.myshopify.com"])
def test_no_url_is_ever_built_for_a_bad_domain(value, settings):
    settings.SHOPIFY_ADMIN_BASE = None
    with pytest.raises(InvalidShopDomain):
        endpoints.graphql_url(value)
    with pytest.raises(InvalidShopDomain):
        endpoints.oauth_token_url(value)


def test_urls_point_at_the_shop_or_at_the_emulator(settings):
    settings.SHOPIFY_ADMIN_BASE = None
    assert endpoints.graphql_url("my-shop.myshopify.com") == "https://my-shop.myshopify.com/admin/api/2026-07/graphql.json"
    settings.SHOPIFY_ADMIN_BASE = "http://127.0.0.1:9"
    assert endpoints.graphql_url("my-shop.myshopify.com") == "http://127.0.0.1:9/shops/my-shop.myshopify.com/admin/api/2026-07/graphql.json"
