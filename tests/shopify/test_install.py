"""Installing: the authorization-code grant, the token exchange on first load, refresh, rotation, secrecy."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from shopify_app import crypto, services
from shopify_app.admin_api import oauth
from shopify_app.admin_api.errors import OAuthError, ShopUninstalledError
from shopify_app.admin_api.operations import list_products
from shopify_app.models import Shop

pytestmark = pytest.mark.django_db
SHOP_A, SHOP_B = "shop-a.myshopify.com", "shop-b.myshopify.com"


def start_install(client, shop: str) -> str:
    """/auth/install -> the emulator's authorize URL (with our signed state)."""
    response = client.get(reverse("shopify-auth-install"), {"shop": shop})
    assert response.status_code == 302
    return response["Location"]


def approve(authorize_url: str, **overrides: str) -> str:
    """The merchant approves on the (emulated) grant screen; returns the callback path+query."""
    if overrides:
        parts = urlsplit(authorize_url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()} | overrides
        authorize_url = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"
    response = httpx.get(authorize_url, follow_redirects=False)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    return f"{location.path}?{location.query}"


def test_install_redirects_to_the_grant_screen_with_a_shop_bound_state(client, shopify_emulator, settings):
    location = urlsplit(start_install(client, "shop-a"))  # typed by a person: normalised
    query = parse_qs(location.query)
    assert location.path == f"/shops/{SHOP_A}/admin/oauth/authorize"
    assert query["client_id"] == [settings.SHOPIFY_API_KEY]
    assert query["scope"] == ["read_products,write_products,write_files"]
    assert query["redirect_uri"] == ["http://testserver/auth/callback"]
    assert query["state"][0] and "shopify_oauth_nonce" in client.cookies


@pytest.mark.parametrize("shop", ["evil.com", "shop-a.myshopify.com.evil.com", ""])
def test_install_refuses_bad_shop_before_any_request(client, shopify_emulator, shop):
    response = client.get(reverse("shopify-auth-install"), {"shop": shop})
    assert response.status_code == 400
    assert not shopify_emulator.store.shops  # nothing reached "Shopify"


def test_good_flow_stores_an_encrypted_token(client, shopify_emulator, shopify_transport):
    callback = approve(start_install(client, SHOP_A))
    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == f"{shopify_emulator.base_url}/shops/{SHOP_A}/admin/apps/{shopify_emulator.api_key}/"
    shop = Shop.objects.get(domain=SHOP_A)
    assert shop.is_installed and shop.scope_list == ["read_products", "write_products", "write_files"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token_ciphertext FROM shopify_app_shop WHERE domain = %s", [SHOP_A])
        stored = cursor.fetchone()[0]
    assert shop.access_token.startswith("shpat_") and shop.access_token not in stored
    # and the decrypted token is the one Shopify issued: it works
    assert list_products(services.admin_client(shop, transport=shopify_transport), first=1).products


def test_callback_with_tampered_hmac_is_refused(client, shopify_emulator):
    callback = approve(start_install(client, SHOP_A)).replace("code=", "code=0")
    assert client.get(callback).status_code == 401
    assert not Shop.objects.exists()


def test_callback_with_a_state_we_did_not_issue_is_refused(client, shopify_emulator):
    callback = approve(start_install(client, SHOP_A), state="forged")
    response = client.get(callback)
    assert response.status_code == 403 and b"invalid state" in response.content
    assert not Shop.objects.exists()


def test_callback_with_another_shops_state_is_refused(client, shopify_emulator):
    state_for_b = parse_qs(urlsplit(start_install(client, SHOP_B)).query)["state"][0]
    callback = approve(start_install(client, SHOP_A), state=state_for_b)
    response = client.get(callback)
    assert response.status_code == 403 and b"another shop" in response.content


def test_callback_in_another_browser_is_refused(client, shopify_emulator):
    from django.test import Client

    callback = approve(start_install(client, SHOP_A))
    assert Client().get(callback).status_code == 403  # no nonce cookie


def test_callback_after_the_state_expired_is_refused(client, shopify_emulator, settings):
    authorize = start_install(client, SHOP_A)
    settings.SHOPIFY_OAUTH_STATE_MAX_AGE_S = -1
    response = client.get(approve(authorize))
    assert response.status_code == 403 and b"took too long" in response.content


def test_callback_for_a_bad_shop_is_refused(client, shopify_emulator):
    assert client.get(reverse("shopify-auth-callback"), {"shop": "evil.com", "code": "x", "hmac": "y"}).status_code == 400


def test_a_code_works_once(client, shopify_emulator):
    code = parse_qs(urlsplit(approve(start_install(client, SHOP_A))).query)["code"][0]
    assert oauth.exchange_code(SHOP_A, code).access_token
    with pytest.raises(OAuthError) as caught:
        oauth.exchange_code(SHOP_A, code)
    assert caught.value.code == "invalid_grant" and not caught.value.retryable


def test_finished_install_cannot_be_replayed(client, shopify_emulator):
    callback = approve(start_install(client, SHOP_A))
    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 403  # the nonce cookie is gone


def test_first_load_exchanges_the_session_token(client, shopify_emulator):
    query = urlencode(shopify_emulator.signed_query(SHOP_A))
    response = client.get(f"{reverse('shopify-app-home')}?{query}")

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith(f"frame-ancestors https://{SHOP_A} https://admin.shopify.com")
    shop = Shop.objects.get(domain=SHOP_A)
    assert shop.is_installed and shop.refresh_token and shop.access_token_expires_at
    token = shop.access_token
    # the next load uses the stored token: no second exchange
    client.get(f"{reverse('shopify-app-home')}?{urlencode(shopify_emulator.signed_query(SHOP_A))}")
    assert Shop.objects.get(domain=SHOP_A).access_token == token


def test_first_load_without_id_token_starts_the_code_grant(client, shopify_emulator):
    query = urlencode(shopify_emulator.signed_query(SHOP_A, id_token=False))
    response = client.get(f"{reverse('shopify-app-home')}?{query}")
    assert response.status_code == 302 and response["Location"] == f"/auth/install?shop={SHOP_A}"


def test_failed_token_exchange_is_502_and_installs_nothing(client, shopify_emulator):
    shopify_emulator.inject("5xx", target="oauth", status=500)
    response = client.get(f"{reverse('shopify-app-home')}?{urlencode(shopify_emulator.signed_query(SHOP_A))}")
    assert response.status_code == 502
    assert not Shop.objects.exists()


def test_expiring_token_is_refreshed_before_it_lapses(install, shopify_emulator, shopify_transport):
    shop = install(SHOP_A, expiring=True)
    old_token, old_refresh = shop.access_token, shop.refresh_token
    Shop.objects.filter(pk=shop.pk).update(access_token_expires_at=timezone.now() + timedelta(seconds=60))

    client = services.admin_client(Shop.objects.get(pk=shop.pk), transport=shopify_transport)

    refreshed = Shop.objects.get(pk=shop.pk)
    assert refreshed.access_token != old_token and refreshed.refresh_token != old_refresh
    assert refreshed.access_token_expires_at > timezone.now() + timedelta(minutes=50)
    assert list_products(client, first=1).products
    assert old_refresh not in shopify_emulator.store.refresh_tokens  # refresh tokens rotate


def test_token_far_from_expiry_is_not_refreshed(install, shopify_transport):
    shop = install(SHOP_A, expiring=True)
    Shop.objects.filter(pk=shop.pk).update(access_token_expires_at=timezone.now() + timedelta(hours=1))
    token = shop.access_token
    services.admin_client(Shop.objects.get(pk=shop.pk), transport=shopify_transport)
    assert Shop.objects.get(pk=shop.pk).access_token == token


def test_refused_refresh_forgets_the_tokens(install, shopify_emulator, shopify_transport):
    shop = install(SHOP_A, expiring=True)
    Shop.objects.filter(pk=shop.pk).update(access_token_expires_at=timezone.now() + timedelta(seconds=10))
    shopify_emulator.store.refresh_tokens.clear()  # e.g. the refresh token lapsed
    with pytest.raises(ShopUninstalledError, match="open the app again"):
        services.admin_client(Shop.objects.get(pk=shop.pk), transport=shopify_transport)
    assert not Shop.objects.get(pk=shop.pk).is_installed


def test_rotate_tokens_re_encrypts_with_the_new_key(install, settings, capsys):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    shop = install(SHOP_A, expiring=True)
    plaintext, before = shop.access_token, shop.access_token_ciphertext

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_tokens")
    assert "1 shop" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone now
    rotated = Shop.objects.get(pk=shop.pk)
    assert rotated.access_token_ciphertext != before
    assert rotated.access_token == plaintext and rotated.refresh_token


def test_without_the_old_key_tokens_cannot_be_read(install, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    shop = install(SHOP_A)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        _ = Shop.objects.get(pk=shop.pk).access_token


def test_tokens_never_reach_logs_or_reprs(client, shopify_emulator, shopify_transport, caplog):
    caplog.set_level(logging.DEBUG)
    session_token_query = shopify_emulator.signed_query(SHOP_A)
    client.get(f"{reverse('shopify-app-home')}?{urlencode(session_token_query)}")  # token exchange
    shop = Shop.objects.get(domain=SHOP_A)
    Shop.objects.filter(pk=shop.pk).update(access_token_expires_at=timezone.now())
    admin = services.admin_client(Shop.objects.get(pk=shop.pk), transport=shopify_transport)  # refresh
    list_products(admin, first=1)
    shop = Shop.objects.get(pk=shop.pk)
    secrets_ = [shop.access_token, shop.refresh_token, dict(session_token_query)["id_token"]]

    shown = caplog.text + repr(shop) + str(shop) + repr(admin) + repr(admin.session)
    assert shop.domain in shown
    assert caplog.records  # the flow did log
    for secret in secrets_:
        assert secret and secret not in shown
