"""The DRF session-token authentication, seen through the embedded JSON API."""

from __future__ import annotations

import time

import jwt
import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.exceptions import AuthenticationFailed

from shopify_app.authentication import SessionTokenAuthentication, ShopUser

SHOP_A, SHOP_B = "shop-a.myshopify.com", "shop-b.myshopify.com"

pytestmark = pytest.mark.django_db


def refused(response) -> bool:  # noqa: ANN001
    """A 401 in the API's error shape that asks for a bearer token."""
    return (response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
            and response["WWW-Authenticate"].startswith("Bearer"))


def test_valid_token_reaches_the_shops_data(client, install, bearer):
    install(SHOP_A)
    response = client.get(reverse("videos-api-settings"), headers=bearer(SHOP_A))
    assert response.status_code == 200 and response.json()["default_template"]


def test_no_token_is_401(client, install):
    install(SHOP_A)
    assert refused(client.get(reverse("videos-api-settings")))


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
def test_forged_tokens_are_401(client, rf, install, shopify_emulator, make_token, reason):
    install(SHOP_A)
    claims = jwt.decode(shopify_emulator.session_token(SHOP_A), options={"verify_signature": False})
    headers = {"Authorization": f"Bearer {make_token(claims)}"}

    assert refused(client.get(reverse("videos-api-settings"), headers=headers))
    with pytest.raises(AuthenticationFailed, match=reason):
        SessionTokenAuthentication().authenticate(rf.get("/", headers=headers))


def test_uninstalled_shop_is_refused(client, rf, install, bearer):
    shop = install(SHOP_A)
    shop.uninstalled_at = shop.installed_at
    shop.erase_tokens()
    shop.save()
    assert refused(client.get(reverse("videos-api-settings"), headers=bearer(SHOP_A)))
    with pytest.raises(AuthenticationFailed, match="not installed"):
        SessionTokenAuthentication().authenticate(rf.get("/", headers=bearer(SHOP_A)))


def test_never_installed_shop_is_refused(client, bearer):
    assert refused(client.get(reverse("videos-api-settings"), headers=bearer(SHOP_A)))


def test_a_shop_cannot_read_another_shops_product(client, install, bearer, shopify_emulator):
    install(SHOP_A)
    install(SHOP_B)
    b_product = shopify_emulator.products(SHOP_B)[0]["id"]
    a_product = shopify_emulator.products(SHOP_A)[0]["id"]
    b_number = int(b_product.rsplit("/", 1)[1])

    as_a = client.get(reverse("videos-api-product", args=[b_number]), headers=bearer(SHOP_A))
    as_b = client.get(reverse("videos-api-product", args=[b_number]), headers=bearer(SHOP_B))

    assert as_a.status_code == 404 and as_a.json()["error"]["code"] == "not_found"
    assert as_b.status_code == 200 and as_b.json()["id"] == b_product
    assert isinstance(as_b.json()["price"], str)  # money stays exact in JSON
    listed = client.get(reverse("videos-api-products"), headers=bearer(SHOP_A)).json()["products"]
    assert a_product in {p["id"] for p in listed} and b_product not in {p["id"] for p in listed}


def test_product_search(client, install, bearer):
    install(SHOP_A)
    found = client.get(reverse("videos-api-products"), {"query": "title:*cap*"}, headers=bearer(SHOP_A)).json()
    assert [p["title"] for p in found["products"]] == ["Red Baseball Cap"]


def test_revoked_token_upstream_answers_401(client, install, bearer, shopify_emulator):
    install(SHOP_A)
    shopify_emulator.store.revoke_access_tokens(SHOP_A)
    response = client.get(reverse("videos-api-products"), headers=bearer(SHOP_A))
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_authentication_class_sets_user_and_claims(rf, install, shopify_emulator):
    shop = install(SHOP_A)
    request = rf.get("/", headers={"Authorization": f"Bearer {shopify_emulator.session_token(SHOP_A)}"})
    user, claims = SessionTokenAuthentication().authenticate(request)
    assert isinstance(user, ShopUser) and user.is_authenticated and not user.is_anonymous
    assert user.shop.domain == SHOP_A and claims.shop == SHOP_A and user.shopify_user_id == "1"
    assert user.shop.scope_list == shop.scope_list == ["read_products", "write_products", "write_files"]
    assert repr(user) == f"<ShopUser {SHOP_A}>"


def test_other_authorization_schemes_are_left_alone(rf):
    assert SessionTokenAuthentication().authenticate(rf.get("/", headers={"Authorization": "Basic abc"})) is None
