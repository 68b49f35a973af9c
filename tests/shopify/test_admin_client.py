"""The Admin GraphQL client's retry rules, against the emulator's real cost bucket and injected faults."""

from __future__ import annotations

import httpx
import pytest

from devtools.shopify_emulator import FakeClock
from shopify_app.admin_api.client import THROTTLE_MARGIN_S, AdminClient, ShopSession
from shopify_app.admin_api.errors import (
    NotFoundError,
    ShopifyError,
    ShopifyUnavailableError,
    ShopUninstalledError,
    ThrottledError,
)
from shopify_app.admin_api.operations import get_product, get_shop_plan, list_products
from shopify_app.admin_api.transport import RetryPolicy, Transport

SHOP = "shop-a.myshopify.com"


@pytest.fixture
def admin(shopify_emulator, shopify_transport) -> AdminClient:
    token = shopify_emulator.install(SHOP)["access_token"]
    return AdminClient(ShopSession(SHOP, token), transport=shopify_transport)



@pytest.fixture
def clocked(shopify_emulator, shopify_transport):
    """Emulator on a fake clock that the client's sleeps advance: waiting really refills the bucket, instantly."""

    def _setup(**bucket) -> AdminClient:
        clock = FakeClock()
        shopify_emulator.reset(clock=clock, **bucket)
        shopify_transport.sleep = lambda s: (shopify_transport.sleeps.append(s), clock.advance(s))
        return AdminClient(ShopSession(SHOP, shopify_emulator.install(SHOP)["access_token"]), transport=shopify_transport)

    return _setup


def test_throttled_query_waits_for_the_restore_rate_then_succeeds(clocked, shopify_transport):
    admin = clocked(bucket_max=30, restore_rate=2)
    list_products(admin, first=2)
    cost = admin.last_cost["requestedQueryCost"]
    left = admin.last_cost["throttleStatus"]["currentlyAvailable"]
    assert left < cost and shopify_transport.sleeps == []  # the bucket can't pay for a second one

    page = list_products(admin, first=2)  # THROTTLED, then waited out

    assert page.products
    assert shopify_transport.sleeps == [pytest.approx((cost - left) / 2 + THROTTLE_MARGIN_S)]  # restoreRate 2/s


def test_injected_throttle_is_waited_out_using_throttle_status(clocked, shopify_emulator, shopify_transport):
    admin = clocked()
    shopify_emulator.inject("throttle")
    assert get_shop_plan(admin).plan == "Development"
    # drained bucket (0 available), cost c, restore 50/s -> c/50 seconds
    assert shopify_transport.sleeps == [pytest.approx(admin.last_cost["requestedQueryCost"] / 50 + THROTTLE_MARGIN_S)]


def test_endless_throttling_gives_up_with_a_retryable_error(admin, shopify_emulator, shopify_transport):
    shopify_emulator.inject("throttle", times=20)
    with pytest.raises(ThrottledError) as caught:
        get_shop_plan(admin)
    assert caught.value.retryable and len(shopify_transport.sleeps) == RetryPolicy().max_throttle_waits


def test_query_costlier_than_the_bucket_is_refused_without_waiting(shopify_emulator, shopify_transport):
    shopify_emulator.reset(bucket_max=20)
    admin = AdminClient(ShopSession(SHOP, shopify_emulator.install(SHOP)["access_token"]), transport=shopify_transport)
    with pytest.raises(ShopifyError) as caught:
        list_products(admin, first=100)
    assert caught.value.code == "MAX_COST_EXCEEDED" and shopify_transport.sleeps == []


def test_429_honours_retry_after(admin, shopify_emulator, shopify_transport):
    shopify_emulator.inject("429", retry_after="2.5")
    assert get_shop_plan(admin).shop_name
    assert shopify_transport.sleeps == [2.5]


def test_429_without_retry_after_backs_off(admin, shopify_emulator, shopify_transport):
    shopify_emulator.inject("429", retry_after=None)
    assert get_shop_plan(admin).shop_name
    assert shopify_transport.sleeps == [0.375]  # base 0.5 s, jitter 0.5 -> 0.25 + 0.125


@pytest.mark.parametrize("status", [502, 503, 504])
def test_5xx_is_retried_with_growing_backoff(admin, shopify_emulator, shopify_transport, status):
    shopify_emulator.inject("5xx", status=status, times=3)
    assert get_shop_plan(admin).shop_name
    assert shopify_transport.sleeps == [0.375, 0.75, 1.5]


def test_5xx_that_never_ends_gives_up_after_bounded_attempts(admin, shopify_emulator, shopify_transport):
    shopify_emulator.inject("5xx", status=503, times=10)
    with pytest.raises(ShopifyUnavailableError) as caught:
        get_shop_plan(admin)
    assert caught.value.retryable and caught.value.status == 503
    assert len(shopify_transport.sleeps) == RetryPolicy().max_attempts - 1


def test_jitter_stays_within_the_band():
    policy = RetryPolicy()
    assert [policy.backoff(3, r) for r in (0.0, 1.0)] == [1.0, 2.0]
    assert policy.backoff(10, 1.0) == policy.max_delay_s


def test_401_is_not_retried_and_means_uninstalled(admin, shopify_emulator, shopify_transport):
    shopify_emulator.inject("401")
    with pytest.raises(ShopUninstalledError) as caught:
        get_shop_plan(admin)
    assert not caught.value.retryable and shopify_transport.sleeps == []


def test_500_and_other_4xx_are_not_retried(admin, shopify_emulator, shopify_transport):
    shopify_emulator.inject("5xx", status=500)
    with pytest.raises(ShopifyError) as caught:
        get_shop_plan(admin)
    assert caught.value.status == 500 and shopify_transport.sleeps == []


def test_unknown_token_is_401(shopify_emulator, shopify_transport):
    shopify_emulator.shop(SHOP)
    admin = AdminClient(ShopSession(SHOP, "shpat_not_a_token"), transport=shopify_transport)
    with pytest.raises(ShopUninstalledError):
        list_products(admin)


def test_query_that_hangs_past_the_timeout_is_retried(shopify_emulator):
    token = shopify_emulator.install(SHOP)["access_token"]
    sleeps: list[float] = []
    transport = Transport(http=httpx.Client(timeout=1.0), sleep=sleeps.append, rand=lambda: 0.5)
    shopify_emulator.inject("hang", seconds=10)  # released at teardown
    assert list_products(AdminClient(ShopSession(SHOP, token), transport=transport), first=1).products
    assert sleeps == [0.375]


def test_mutation_that_times_out_is_not_repeated_blindly(shopify_emulator, tiny_mp4):
    from shopify_app.admin_api.operations import create_video_upload

    token = shopify_emulator.install(SHOP)["access_token"]
    transport = Transport(http=httpx.Client(timeout=1.0), sleep=lambda s: None)
    shopify_emulator.inject("hang", seconds=10)  # released at teardown
    with pytest.raises(ShopifyUnavailableError) as caught:
        create_video_upload(AdminClient(ShopSession(SHOP, token), transport=transport), "a.mp4", 10)
    assert caught.value.retryable


def test_graphql_errors_are_typed_and_not_retried(admin, shopify_transport):
    with pytest.raises(ShopifyError, match="Cannot query field 'nope'") as caught:
        admin.execute("query { shop { nope } }")
    assert not caught.value.retryable and shopify_transport.sleeps == []


def test_missing_product_is_not_found(admin):
    with pytest.raises(NotFoundError):
        get_product(admin, "gid://shopify/Product/999")
    with pytest.raises(NotFoundError):
        get_product(admin, "gid://shopify/Order/1")


def test_product_read_has_what_a_video_needs(admin, shopify_emulator):
    sneakers = next(p for p in shopify_emulator.products(SHOP) if p["title"] == "Blue Slip-On Sneakers")
    product = get_product(admin, sneakers["id"].rsplit("/", 1)[1])
    assert (product.title, product.vendor, product.currency) == ("Blue Slip-On Sneakers", "Showreel Sample Co.", "USD")
    assert (str(product.price), str(product.compare_at_price)) == ("48.00", "60.00")
    assert "canvas slip-ons" in product.description and "sneakers" in product.tags
    assert product.featured_media_id == product.media[0].id
    assert [m.image_url.rsplit("/", 1)[1] for m in product.images] == [
        "slipon-blue-side.png", "slipon-blue-top.png", "slipon-blue-pair-angle.png"]
    assert all(m.alt and m.width and m.height for m in product.images)
    image = httpx.get(product.images[0].image_url)
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_product_without_a_sale_has_no_compare_at_price(admin, shopify_emulator):
    cap = next(p for p in shopify_emulator.products(SHOP) if p["title"] == "Red Baseball Cap")
    assert get_product(admin, cap["id"]).compare_at_price is None
