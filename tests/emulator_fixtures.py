"""pytest fixtures around the emulator, shared by the whole suite (imported in tests/conftest.py).

- `shopify_emulator`: a fresh emulated Shopify per test (one server per session, state reset), with
  settings.SHOPIFY_ADMIN_BASE pointing at it. Python API: `.install(shop)`, `.inject("429", times=2)`,
  `.product_media(shop, product_gid)`, `.webhook(topic, shop, payload)`, `.session_token(shop)`, `.store`.
- `shopify_shop`: an installed `Shop` row (DB) whose token the emulator accepts.
- `shopify_transport`: an Admin API transport that records its waits in `.sleeps` instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from django.conf import settings

from devtools.shopify_emulator.server import ShopifyEmulator

TEST_SHOP = "showreel-test.myshopify.com"


@pytest.fixture(scope="session")
def shopify_emulator_server() -> Iterator[ShopifyEmulator]:
    emulator = ShopifyEmulator(
        api_key=settings.SHOPIFY_API_KEY,
        api_secret=settings.SHOPIFY_API_SECRET,
        app_url="http://testserver",
        scopes=settings.SHOPIFY_SCOPES,
        dev_session=True,
    ).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def shopify_emulator(shopify_emulator_server: ShopifyEmulator, settings) -> Iterator[ShopifyEmulator]:  # noqa: ANN001
    emulator = shopify_emulator_server
    emulator.reset()
    emulator.api_key, emulator.api_secret = settings.SHOPIFY_API_KEY, settings.SHOPIFY_API_SECRET
    settings.SHOPIFY_ADMIN_BASE = emulator.base_url
    settings.SHOPIFY_APP_URL = emulator.app_url  # Django's test client is "http://testserver"
    yield emulator
    emulator.faults.clear()


@pytest.fixture
def shopify_shop(db, shopify_emulator: ShopifyEmulator):  # noqa: ANN001, ANN201
    from shopify_app import services
    from shopify_app.admin_api.oauth import TokenGrant
    from videos.jobs.models import ShopSettings

    answer = shopify_emulator.install(TEST_SHOP)
    shop = services.store_grant(TEST_SHOP, TokenGrant(access_token=answer["access_token"], scopes=answer["scope"].split(",")))
    # New shops publish by hand; the shared test shop follows its videos onto the product, as most tests expect.
    ShopSettings.objects.update_or_create(shop=shop, defaults={"auto_publish": True})
    return shop


@pytest.fixture
def shopify_transport():  # noqa: ANN201
    from shopify_app.admin_api.transport import RetryPolicy, Transport

    sleeps: list[float] = []
    transport = Transport(http=httpx.Client(timeout=5.0), policy=RetryPolicy(), sleep=sleeps.append, rand=lambda: 0.5)
    transport.sleeps = sleeps  # type: ignore[attr-defined]
    yield transport
    transport.http.close()
