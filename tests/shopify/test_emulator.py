"""The emulator's own contract: auth, validation, control and inspection endpoints, dev session tokens."""

from __future__ import annotations

import httpx
import pytest

from shopify_app.session_tokens import decode_session_token

SHOP = "shop-a.myshopify.com"


def graphql(emulator, token: str | None, query: str, shop: str = SHOP) -> httpx.Response:
    headers = {"X-Shopify-Access-Token": token} if token else {}
    return httpx.post(f"{emulator.base_url}/shops/{shop}/admin/api/2026-07/graphql.json", json={"query": query}, headers=headers)


def test_unknown_missing_and_erased_tokens_are_401(shopify_emulator):
    token = shopify_emulator.install(SHOP)["access_token"]
    assert graphql(shopify_emulator, token, "{ shop { name } }").status_code == 200
    assert graphql(shopify_emulator, None, "{ shop { name } }").status_code == 401
    assert graphql(shopify_emulator, "shpat_nope", "{ shop { name } }").status_code == 401
    assert graphql(shopify_emulator, token, "{ shop { name } }", shop="shop-b.myshopify.com").status_code == 401
    shopify_emulator.uninstall(SHOP)
    assert graphql(shopify_emulator, token, "{ shop { name } }").status_code == 401


def test_invalid_documents_get_shopify_like_errors(shopify_emulator):
    token = shopify_emulator.install(SHOP)["access_token"]
    body = graphql(shopify_emulator, token, "{ shop { nope } }").json()
    assert "data" not in body and "Cannot query field 'nope' on type 'Shop'" in body["errors"][0]["message"]


def test_valid_but_unimplemented_fields_are_named(shopify_emulator):
    token = shopify_emulator.install(SHOP)["access_token"]
    body = graphql(shopify_emulator, token, "{ orders(first: 1) { nodes { id } } }").json()
    assert body["errors"][0]["extensions"]["code"] == "NOT_IMPLEMENTED" and "orders" in body["errors"][0]["message"]


def test_cost_is_reported_with_the_bucket(shopify_emulator):
    token = shopify_emulator.install(SHOP)["access_token"]
    cost = graphql(shopify_emulator, token, "{ products(first: 10) { nodes { id title featuredMedia { id } } } }").json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * 2  # connection 2 + first x (node 1 + featuredMedia 1)
    assert cost["throttleStatus"]["maximumAvailable"] == 1000.0 and cost["throttleStatus"]["restoreRate"] == 50.0


def test_faults_can_be_injected_over_http(shopify_emulator):
    token = shopify_emulator.install(SHOP)["access_token"]
    assert httpx.post(f"{shopify_emulator.base_url}/_emulator/faults", json={"kind": "5xx", "status": 502, "times": 2}).status_code == 201
    assert [graphql(shopify_emulator, token, "{ shop { name } }").status_code for _ in range(3)] == [502, 502, 200]
    assert httpx.post(f"{shopify_emulator.base_url}/_emulator/faults", json={"kind": "bogus"}).status_code == 400


def test_inspection_lists_products_and_media(shopify_emulator):
    products = httpx.get(f"{shopify_emulator.base_url}/_emulator/shops/{SHOP}/products").json()["products"]
    assert {p["title"] for p in products} == {"Blue Slip-On Sneakers", "Red Baseball Cap", "Cold-Pressed Apple Juice", "Ripped Jeans"}
    assert all(m["kind"] == "IMAGE" and m["status"] == "READY" for p in products for m in p["media"])


def test_cdn_serves_only_sample_files(shopify_emulator):
    assert httpx.get(f"{shopify_emulator.base_url}/cdn/shop/files/cap-red-front.png").status_code == 200
    assert httpx.get(f"{shopify_emulator.base_url}/cdn/shop/files/..%2F..%2Fmanage.py").status_code == 404
    assert httpx.get(f"{shopify_emulator.base_url}/cdn/shop/files/SOURCES.md").status_code == 404


def test_dev_session_token_endpoint(shopify_emulator):
    url = f"{shopify_emulator.base_url}/_emulator/session-token"
    token = httpx.get(url, params={"shop": SHOP}).json()["token"]
    assert decode_session_token(token, api_key=shopify_emulator.api_key, secret=shopify_emulator.api_secret).shop == SHOP
    assert httpx.get(url, params={"shop": "evil.com"}).status_code == 400
    shopify_emulator.dev_session = False
    try:
        assert httpx.get(url, params={"shop": SHOP}).status_code == 403
    finally:
        shopify_emulator.dev_session = True


def test_token_exchange_refuses_forged_subject_tokens(shopify_emulator, settings):
    url = f"{shopify_emulator.base_url}/shops/{SHOP}/admin/oauth/access_token"
    base = {"client_id": settings.SHOPIFY_API_KEY, "client_secret": settings.SHOPIFY_API_SECRET,
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token"}
    other_shop = shopify_emulator.session_token("shop-b.myshopify.com")
    assert httpx.post(url, json=base | {"subject_token": other_shop}).json()["error"] == "invalid_subject_token"
    assert httpx.post(url, json=base | {"subject_token": "x.y.z"}).json()["error"] == "invalid_subject_token"
    assert httpx.post(url, json=base | {"client_secret": "no", "subject_token": other_shop}).status_code == 401
    good = httpx.post(url, json=base | {"subject_token": shopify_emulator.session_token(SHOP), "expiring": 1}).json()
    assert good["access_token"].startswith("shpat_") and good["refresh_token"] and good["expires_in"] == 3600


def test_the_stand_in_admin_frames_the_app_with_a_signed_link(shopify_emulator):
    product = shopify_emulator.products(SHOP)[0]["id"]
    html = httpx.get(f"{shopify_emulator.base_url}/shops/{SHOP}/admin/apps/{shopify_emulator.api_key}/app/generate",
                     params={"id": product}).text
    assert "<iframe src='http://testserver/app/generate?" in html and "hmac=" in html and "id_token=" in html


@pytest.mark.parametrize("path", ["/nowhere", "/shops/evil.com/admin/api/2026-07/graphql.json"])
def test_unknown_paths_and_shops_are_404(shopify_emulator, path):
    assert httpx.post(f"{shopify_emulator.base_url}{path}", json={}).status_code == 404
