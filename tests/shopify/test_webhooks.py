"""`/webhooks/shopify`: HMAC first, one delivery per id, and what each topic does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shopify_app.models import Shop, WebhookDelivery
from shopify_app.signals import shop_redacted, shop_uninstalled

pytestmark = pytest.mark.django_db
SHOP = "shop-a.myshopify.com"
URL = "/webhooks/shopify"


@pytest.fixture
def received():
    """Signals sent during the test, as (signal name, kwargs)."""
    calls: list[tuple[str, dict]] = []
    receivers = {
        shop_uninstalled: lambda sender, **kw: calls.append(("uninstalled", kw)),
        shop_redacted: lambda sender, **kw: calls.append(("redacted", kw)),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, weak=False)
    yield calls
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def post(client, body: bytes, headers: dict[str, str]):
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def test_url_is_the_one_in_shopify_app_toml():
    assert reverse("shopify-webhooks") == URL


def test_uninstall_erases_tokens_and_tells_the_app(client, install, shopify_emulator, received):
    install(SHOP, expiring=True)
    response = post(client, *shopify_emulator.webhook("app/uninstalled", SHOP, {"myshopify_domain": SHOP}))

    assert response.status_code == 200
    shop = Shop.objects.get(domain=SHOP)
    assert not shop.is_installed and shop.uninstalled_at
    assert shop.access_token_ciphertext == "" and shop.refresh_token_ciphertext == ""
    assert [(name, kw["shop_domain"]) for name, kw in received] == [("uninstalled", SHOP)]


def test_replayed_delivery_is_a_no_op(client, install, shopify_emulator, received):
    install(SHOP)
    body, headers = shopify_emulator.webhook("app/uninstalled", SHOP, {}, webhook_id="delivery-1")
    assert post(client, body, headers).status_code == 200
    install(SHOP)  # reinstalled in between: a replay must not uninstall again

    replay = post(client, body, headers)

    assert replay.status_code == 200 and b"already handled" in replay.content
    assert Shop.objects.get(domain=SHOP).is_installed
    assert len(received) == 1 and WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize("hmac_header", [None, "", "bm90IHRoZSBobWFj", "unXxOs41nqtk5v6Btqh9qz9Dh6mprKtn5eLN4XfJwSY="])
def test_bad_or_missing_hmac_is_401_before_parsing(client, install, shopify_emulator, hmac_header, received):
    install(SHOP)
    _, headers = shopify_emulator.webhook("app/uninstalled", SHOP, {})
    headers.pop("X-Shopify-Hmac-Sha256")
    if hmac_header is not None:
        headers["X-Shopify-Hmac-Sha256"] = hmac_header
    response = post(client, b"{not json", headers)  # unparseable: a 400 would mean it was parsed first

    assert response.status_code == 401
    assert Shop.objects.get(domain=SHOP).is_installed and not received and not WebhookDelivery.objects.exists()


def test_body_changed_after_signing_is_401(client, install, shopify_emulator):
    install(SHOP)
    body, headers = shopify_emulator.webhook("app/uninstalled", SHOP, {"a": 1})
    assert post(client, body.replace(b"1", b"2"), headers).status_code == 401


def test_unprefixed_header_names_are_accepted(client, install, shopify_emulator):
    install(SHOP)
    body, headers = shopify_emulator.webhook("app/uninstalled", SHOP, {})
    headers = {k.replace("X-Shopify-", "Shopify-"): v for k, v in headers.items()}
    assert post(client, body, headers).status_code == 200
    assert not Shop.objects.get(domain=SHOP).is_installed


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [("X-Shopify-Shop-Domain", "evil.com", b"shop domain"), ("X-Shopify-Webhook-Id", "", b"webhook id")],
)
def test_signed_but_malformed_deliveries_are_400(client, shopify_emulator, header, value, reason):
    body, headers = shopify_emulator.webhook("app/uninstalled", SHOP, {})
    headers[header] = value
    if header == "X-Shopify-Webhook-Id":
        headers["X-Shopify-Event-Id"] = ""
    response = post(client, body, headers)
    assert response.status_code == 400 and reason in response.content


def test_scopes_update_records_the_current_scopes(client, install, shopify_emulator):
    install(SHOP)
    payload = {"id": 1, "previous": ["read_products"], "current": ["read_products", "write_products"]}
    assert post(client, *shopify_emulator.webhook("app/scopes_update", SHOP, payload)).status_code == 200
    assert Shop.objects.get(domain=SHOP).scope_list == ["read_products", "write_products"]


def test_scopes_update_without_current_is_400_and_not_recorded(client, install, shopify_emulator):
    install(SHOP)
    assert post(client, *shopify_emulator.webhook("app/scopes_update", SHOP, {"previous": []})).status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_shop_redact_erases_everything(client, install, shopify_emulator, received):
    install(SHOP)
    payload = {"shop_id": 954889, "shop_domain": SHOP}
    assert post(client, *shopify_emulator.webhook("shop/redact", SHOP, payload)).status_code == 200
    assert not Shop.objects.filter(domain=SHOP).exists()
    assert [(name, kw["shop_domain"], kw["shop"].domain) for name, kw in received] == [("redacted", SHOP, SHOP)]


def test_shop_redact_for_an_unknown_shop_still_signals(client, shopify_emulator, received):
    assert post(client, *shopify_emulator.webhook("shop/redact", SHOP, {"shop_domain": SHOP})).status_code == 200
    assert [(name, kw["shop"]) for name, kw in received] == [("redacted", None)]


@pytest.mark.parametrize("topic", ["customers/data_request", "customers/redact"])
def test_customer_compliance_topics_are_acknowledged(client, install, shopify_emulator, topic, received):
    install(SHOP)
    payload = {"shop_domain": SHOP, "customer": {"id": 1, "email": "a@example.com"}, "orders_requested": [1]}
    assert post(client, *shopify_emulator.webhook(topic, SHOP, payload)).status_code == 200
    assert Shop.objects.get(domain=SHOP).is_installed and not received
    assert WebhookDelivery.objects.get().topic == topic


def test_failing_receiver_rolls_back_so_shopify_retries(client, install, shopify_emulator):
    install(SHOP)

    def broken(sender, **kwargs):
        raise RuntimeError("storage is down")

    shop_uninstalled.connect(broken, weak=False)
    client.raise_request_exception = False
    try:
        body, headers = shopify_emulator.webhook("app/uninstalled", SHOP, {}, webhook_id="delivery-2")
        assert post(client, body, headers).status_code == 500
    finally:
        shop_uninstalled.disconnect(broken)
    assert Shop.objects.get(domain=SHOP).is_installed and not WebhookDelivery.objects.exists()
    assert post(client, body, headers).status_code == 200  # Shopify's retry goes through
    assert not Shop.objects.get(domain=SHOP).is_installed
