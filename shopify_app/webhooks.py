"""`/webhooks/shopify`: one endpoint for every topic Showreel subscribes to (shopify.app.toml).

The HMAC is checked on the raw body before anything is parsed (401 otherwise, an App Store requirement);
each delivery is recorded under its webhook id in the same transaction as its effects, so a replay is a
no-op and a failed handler is retried by Shopify. https://shopify.dev/docs/apps/build/webhooks/subscribe/https
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shopify_app import services
from shopify_app.domains import InvalidShopDomain, validate_shop_domain
from shopify_app.models import Shop, WebhookDelivery
from shopify_app.selectors import installed_shop
from shopify_app.signals import product_updated
from shopify_app.signatures import SignatureError, verify_webhook_hmac

log = logging.getLogger(__name__)


def _header(request: HttpRequest, name: str) -> str:
    # Newer deliveries drop the X- prefix (e.g. `shopify-hmac-sha256`); accept both.
    return request.headers.get(f"X-Shopify-{name}") or request.headers.get(f"Shopify-{name}") or ""


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _uninstalled(shop: str, payload: dict[str, Any]) -> None:
    services.mark_uninstalled(shop)


def _scopes_update(shop: str, payload: dict[str, Any]) -> None:
    current = payload.get("current")
    if not isinstance(current, list):
        raise ValueError("app/scopes_update payload has no 'current' list")
    services.update_scopes(shop, [str(s) for s in current])


def _customers_data_request(shop: str, payload: dict[str, Any]) -> None:
    # Showreel stores no customer data (only products' media and the shop's token), so there is nothing to
    # report; the request is acknowledged and recorded.
    log.info("shopify: customers/data_request for %s: no customer data held", shop)


def _customers_redact(shop: str, payload: dict[str, Any]) -> None:
    log.info("shopify: customers/redact for %s: no customer data held", shop)


def _shop_redact(shop: str, payload: dict[str, Any]) -> None:
    services.redact_shop(shop)


def _products_update(shop: str, payload: dict[str, Any]) -> None:
    # Whether the product's video is still current is the videos' business (a receiver of the signal).
    # Attaching this app's own video fires products/update too; the receiver tells that apart.
    found = installed_shop(shop)
    if found is not None:
        product_updated.send(sender=Shop, shop=found, shop_domain=shop, payload=payload)


HANDLERS: dict[str, Callable[[str, dict[str, Any]], None]] = {
    "app/uninstalled": _uninstalled,
    "app/scopes_update": _scopes_update,
    "customers/data_request": _customers_data_request,
    "customers/redact": _customers_redact,
    "shop/redact": _shop_redact,
    "products/update": _products_update,
}


@csrf_exempt
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    body = request.body  # raw bytes: the HMAC is over exactly these
    try:
        verify_webhook_hmac(body, _header(request, "Hmac-Sha256"), settings.SHOPIFY_API_SECRET)
    except SignatureError:
        return _text("invalid webhook signature", 401)
    topic = _header(request, "Topic")
    try:
        shop = validate_shop_domain(_header(request, "Shop-Domain"))
    except InvalidShopDomain:
        return _text("missing or invalid shop domain header", 400)
    delivery_id = _header(request, "Webhook-Id") or _header(request, "Event-Id")
    if not delivery_id:
        return _text("missing webhook id header", 400)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _text("body is not JSON", 400)
    if not isinstance(payload, dict):
        return _text("body is not a JSON object", 400)

    handler = HANDLERS.get(topic)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(webhook_id=delivery_id[:255], topic=topic[:100], shop_domain=shop)
        except IntegrityError:
            log.info("shopify: webhook %s (%s) for %s already handled", delivery_id, topic, shop)
            return _text("already handled", 200)
        if handler is None:
            log.warning("shopify: ignoring webhook topic %r for %s", topic, shop)
        else:
            try:
                handler(shop, payload)
            except ValueError as exc:
                transaction.set_rollback(True)
                return _text(f"bad payload: {exc}", 400)
    return _text("ok", 200)
