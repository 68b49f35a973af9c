"""Keep-current fixtures: the jobs fixtures (tiny renders, fake CDN, products in the emulator), a sub-second
quiet period, and the emulator's products/update deliveries handed to the app's webhook endpoint."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.shopify_emulator.product_webhooks import deliver_webhooks
from tests.jobs.fixtures import credits_for, fake_cdn, fake_cdn_server, jobs_settings, tiny_product  # noqa: F401

QUIET_S = 0.3
WEBHOOKS = "/webhooks/shopify"


@pytest.fixture(autouse=True)
def quiet_period(settings: Any) -> float:  # noqa: ANN001
    settings.SHOWREEL_KEEP_CURRENT_QUIET_S = QUIET_S
    return QUIET_S


@pytest.fixture
def deliver(client: Any, shopify_emulator: Any):  # noqa: ANN201
    """Send the emulator's queued webhooks to the app (as Shopify would); returns the status codes."""

    def send(body: bytes, headers: dict[str, str]) -> int:
        return client.post(WEBHOOKS, data=body, content_type="application/json", headers=headers).status_code

    return lambda: deliver_webhooks(shopify_emulator, send)


@pytest.fixture
def api(client: Any, shopify_shop: Any, shopify_emulator: Any):  # noqa: ANN201
    """`api.get/post/put(path, body)` as the shop's embedded UI (a fresh session token each call)."""
    from tests.jobs.fixtures import TEST_SHOP

    def headers() -> dict[str, str]:
        return {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}

    class Api:
        def get(self, path: str) -> Any:
            return client.get(f"/api/{path}", headers=headers())

        def post(self, path: str, body: dict | None = None) -> Any:
            return client.post(f"/api/{path}", body or {}, content_type="application/json", headers=headers())

        def put(self, path: str, body: dict) -> Any:
            return client.put(f"/api/{path}", body, content_type="application/json", headers=headers())

    return Api()
