"""The emulator's own `/_emulator/*` endpoints: a dev session token, fault injection and inspection, for
local runs and for tests that drive the emulator from another process. Each returns (status, JSON payload)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shopify_app.domains import InvalidShopDomain, validate_shop_domain

if TYPE_CHECKING:
    from devtools.shopify_emulator.server import ShopifyEmulator

Reply = tuple[int, Any]


def dev_session_token(emulator: ShopifyEmulator, query: dict[str, list[str]]) -> Reply:
    if not emulator.dev_session:
        return 403, {"error": "dev sessions are off (SHOPIFY_DEV_SESSION=1; never in production)"}
    try:
        shop = validate_shop_domain((query.get("shop") or [""])[0])
    except InvalidShopDomain as exc:
        return 400, {"error": str(exc)}
    return 200, {"token": emulator.session_token(shop), "expires_in": 60}


def add_fault(emulator: ShopifyEmulator, body: bytes) -> Reply:
    try:
        options = json.loads(body or b"{}")
        kind = options.pop("kind")
        emulator.inject(kind, **options)
    except (ValueError, KeyError, TypeError) as exc:
        return 400, {"error": f"bad fault: {exc}"}
    return 201, {"pending": len(emulator.faults.pending())}


def clear_faults(emulator: ShopifyEmulator) -> Reply:
    emulator.faults.clear()
    return 200, {"pending": 0}


def inspect_products(emulator: ShopifyEmulator, shop: str) -> Reply:
    return 200, {"products": emulator.products(shop)}


def uninstall(emulator: ShopifyEmulator, shop: str, body: bytes) -> Reply:
    options = json.loads(body or b"{}") if body else {}
    emulator.uninstall(shop, webhook_url=options.get("webhook_url"))
    return 200, {"uninstalled": shop}


def health(emulator: ShopifyEmulator) -> Reply:
    return 200, {"ok": True, "base_url": emulator.base_url}
