"""The placeholder pages the admin opens: HMAC-verified, framed only by this shop's admin."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from shopify_app.embedded import dev_session_enabled, frame_ancestors

pytestmark = pytest.mark.django_db
SHOP = "shop-a.myshopify.com"


def page(client, emulator, name: str, params=(), **kwargs):
    query = urlencode(emulator.signed_query(SHOP, list(params), **kwargs))
    return client.get(f"{reverse(name)}?{query}")


def test_generate_page_names_the_product_and_sets_the_csp(client, install, shopify_emulator):
    install(SHOP)
    product = shopify_emulator.products(SHOP)[0]["id"]
    response = page(client, shopify_emulator, "shopify-app-generate", [("id", product)])
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        f"frame-ancestors https://{SHOP} https://admin.shopify.com {shopify_emulator.base_url}")
    assert "X-Frame-Options" not in response
    assert product in response.content.decode() and 'name="shopify-api-key"' in response.content.decode()


def test_bulk_page_lists_the_selection_in_order(client, install, shopify_emulator):
    install(SHOP)
    ids = [p["id"] for p in shopify_emulator.products(SHOP)][:3][::-1]
    response = page(client, shopify_emulator, "shopify-app-bulk", [("ids[]", i) for i in ids])
    assert response.status_code == 200
    html = response.content.decode()
    assert [html.index(i) for i in ids] == sorted(html.index(i) for i in ids)


@pytest.mark.parametrize(
    ("name", "params"),
    [("shopify-app-generate", []), ("shopify-app-bulk", []), ("shopify-app-generate", [("id", "1; DROP")]),
     ("shopify-app-bulk", [("ids[]", "gid://shopify/Order/1")])],
)
def test_pages_without_the_right_products_are_400(client, install, shopify_emulator, name, params):
    install(SHOP)
    assert page(client, shopify_emulator, name, params).status_code == 400


def test_tampered_link_is_401(client, install, shopify_emulator):
    install(SHOP)
    query = shopify_emulator.signed_query(SHOP, [("id", "gid://shopify/Product/1")])
    query = [(k, "gid://shopify/Product/2" if k == "id" else v) for k, v in query]
    response = client.get(f"{reverse('shopify-app-generate')}?{urlencode(query)}")
    assert response.status_code == 401
    assert response["Content-Security-Policy"] == f"frame-ancestors https://admin.shopify.com {shopify_emulator.base_url}"


def test_unsigned_link_is_401(client, install):
    install(SHOP)
    assert client.get(reverse("shopify-app-home"), {"shop": SHOP}).status_code == 401


@pytest.mark.parametrize("shop", ["evil.com", "shop-a.myshopify.com.evil.com", ""])
def test_bad_shop_is_400(client, shop):
    assert client.get(reverse("shopify-app-home"), {"shop": shop, "hmac": "x"}).status_code == 400


def test_id_token_for_another_shop_is_refused(client, shopify_emulator):
    query = shopify_emulator.signed_query(SHOP, [], id_token=False)
    query.insert(0, ("id_token", shopify_emulator.session_token("shop-b.myshopify.com")))
    query = [(k, v) for k, v in query if k != "hmac"]
    from shopify_app.signatures import query_hmac

    query.append(("hmac", query_hmac(query, shopify_emulator.api_secret)))
    response = client.get(f"{reverse('shopify-app-home')}?{urlencode(query)}")
    assert response.status_code == 401 and b"another shop" in response.content


def test_dev_session_shortcut_is_on_only_when_asked_and_never_in_production(settings, client, install, shopify_emulator):
    install(SHOP)
    settings.SHOPIFY_DEV_SESSION = False
    assert not dev_session_enabled()
    assert b"showreel-dev-session-url" not in page(client, shopify_emulator, "shopify-app-home").content
    settings.SHOPIFY_DEV_SESSION = True
    assert dev_session_enabled()
    assert b"showreel-dev-session-url" in page(client, shopify_emulator, "shopify-app-home").content
    settings.SHOWREEL_ENV = "production"
    assert not dev_session_enabled()


def test_production_frame_ancestors_are_the_shop_and_the_admin_only(settings):
    settings.SHOPIFY_ADMIN_BASE = None
    assert frame_ancestors(SHOP) == f"frame-ancestors https://{SHOP} https://admin.shopify.com"
    assert frame_ancestors(None) == "frame-ancestors https://admin.shopify.com"
