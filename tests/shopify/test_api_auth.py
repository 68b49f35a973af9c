"""The DRF session-token authentication, seen through the embedded JSON API."""

from __future__ import annotations

import time

import jwt
import pytest
from django.conf import settings
from django.urls import reverse

from shopify_app.authentication import SessionTokenAuthentication, ShopUser

SHOP_A, SHOP_B = "shop-a.myshopify.com", "shop-b.myshopify.com"

pytestmark = pytest.mark.django_db


def test_valid_token_resolves_the_shop(client, install, bearer):
    install(SHOP_A)
    response = client.get(reverse("shopify-api-session"), headers=bearer(SHOP_A))
    assert response.status_code == 200
    assert response.json()["shop"] == SHOP_A and response.json()["shopify_user_id"] == "1"
    assert response.json()["scopes"] == ["read_products", "write_products", "write_files"]


def test_no_token_is_401(client, install):
    install(SHOP_A)
    response = client.get(reverse("shopify-api-session"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda p: jwt.encode(p, "wrong secret, long enough for HS256 keys", algorithm="HS256"), "Signature verification failed"),
        (lambda p: jwt.encode(p, None, algorithm="none"), "alg value is not allowed"),
        (lambda p: jwt.encode(p | {"exp": int(time.time()) - 60}, settings.SHOPIFY_API_SECRET, algorithm="HS256"), "expired"),
        (lambda p: jwt.encode(p | {"aud": "other"}, settings.SHOPIFY_API_SECRET, algorithm="HS256"), "Audience"),
        (lambda p: jwt.encode(p | {"dest": f"https://{SHOP_B}"}, settings.SHOPIFY_API_SECRET, algorithm="HS256"), "do not match"),
    ],
)
def test_forged_tokens_are_401(client, install, shopify_emulator, make_token, reason):
    install(SHOP_A)
    claims = jwt.decode(shopify_emulator.session_token(SHOP_A), options={"verify_signature": False})
    response = client.get(reverse("shopify-api-session"), headers={"Authorization": f"Bearer {make_token(claims)}"})
    assert response.status_code == 401
    assert reason in response.json()["detail"]


def test_uninstalled_shop_is_refused(client, install, bearer):
    shop = install(SHOP_A)
    shop.uninstalled_at = shop.installed_at
    shop.erase_tokens()
    shop.save()
    response = client.get(reverse("shopify-api-session"), headers=bearer(SHOP_A))
    assert response.status_code == 401
    assert "not installed" in response.json()["detail"]


def test_never_installed_shop_is_refused(client, bearer):
    assert client.get(reverse("shopify-api-session"), headers=bearer(SHOP_A)).status_code == 401


def test_a_shop_cannot_read_another_shops_product(client, install, bearer, shopify_emulator):
    install(SHOP_A)
    install(SHOP_B)
    b_product = shopify_emulator.products(SHOP_B)[0]["id"]
    a_product = shopify_emulator.products(SHOP_A)[0]["id"]
    b_number = int(b_product.rsplit("/", 1)[1])

    as_a = client.get(reverse("shopify-api-product", args=[b_number]), headers=bearer(SHOP_A))
    as_b = client.get(reverse("shopify-api-product", args=[b_number]), headers=bearer(SHOP_B))

    assert as_a.status_code == 404
    assert as_b.status_code == 200 and as_b.json()["id"] == b_product
    assert isinstance(as_b.json()["price"], str)  # money stays exact in JSON
    listed = client.get(reverse("shopify-api-products"), headers=bearer(SHOP_A)).json()["products"]
    assert a_product in {p["id"] for p in listed} and b_product not in {p["id"] for p in listed}


def test_product_list_paginates_with_cursor(client, install, bearer):
    install(SHOP_A)
    url = reverse("shopify-api-products")
    first = client.get(url, {"first": 3}, headers=bearer(SHOP_A)).json()
    rest = client.get(url, {"first": 3, "after": first["end_cursor"]}, headers=bearer(SHOP_A)).json()
    assert len(first["products"]) == 3 and first["has_next_page"]
    assert len(rest["products"]) == 1 and not rest["has_next_page"]
    assert not {p["id"] for p in first["products"]} & {p["id"] for p in rest["products"]}


def test_product_search(client, install, bearer):
    install(SHOP_A)
    found = client.get(reverse("shopify-api-products"), {"q": "title:*cap*"}, headers=bearer(SHOP_A)).json()["products"]
    assert [p["title"] for p in found] == ["Red Baseball Cap"]


@pytest.mark.parametrize("first", ["0", "101", "ten"])
def test_bad_page_size_is_400(client, install, bearer, first):
    install(SHOP_A)
    response = client.get(reverse("shopify-api-products"), {"first": first}, headers=bearer(SHOP_A))
    assert response.status_code == 400


def test_revoked_token_upstream_answers_401(client, install, bearer, shopify_emulator):
    install(SHOP_A)
    shopify_emulator.store.revoke_access_tokens(SHOP_A)
    response = client.get(reverse("shopify-api-products"), headers=bearer(SHOP_A))
    assert response.status_code == 401


def test_authentication_class_sets_user_and_claims(rf, install, shopify_emulator):
    install(SHOP_A)
    request = rf.get("/", headers={"Authorization": f"Bearer {shopify_emulator.session_token(SHOP_A)}"})
    user, claims = SessionTokenAuthentication().authenticate(request)
    assert isinstance(user, ShopUser) and user.is_authenticated and not user.is_anonymous
    assert user.shop.domain == SHOP_A and claims.shop == SHOP_A
    assert repr(user) == f"<ShopUser {SHOP_A}>"


def test_other_authorization_schemes_are_left_alone(rf):
    assert SessionTokenAuthentication().authenticate(rf.get("/", headers={"Authorization": "Basic abc"})) is None
