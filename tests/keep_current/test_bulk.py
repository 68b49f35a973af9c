"""A CSV-style update of 200 products: one remake each, all queued and handed to the workers at the shop's
concurrency cap (none rendered here), and nothing at all while the setting is off."""

from __future__ import annotations

import copy
import uuid

import pytest

from devtools.shopify_emulator.product_webhooks import edit_product
from devtools.shopify_emulator.state import Media
from tests.jobs.fixtures import TEST_SHOP, add_product
from tests.keep_current.test_keep_current import after_quiet, made_video
from videos.jobs import preferences
from videos.jobs.dispatch import in_flight
from videos.jobs.freshness.services import start_due
from videos.jobs.models import CreditState, JobStatus, ProductFreshness, VideoJob

pytestmark = pytest.mark.django_db
PRODUCTS = 200


def given_videos(shop, emulator, source: VideoJob, count: int) -> list[str]:  # noqa: ANN001
    """`count` products, each with the source product's photos (new media ids) and a video this app made:
    the jobs are the source job's record copied (same spec and options), so nothing is rendered."""
    urls = [image["url"] for image in source.inputs["images"]]
    gids, jobs = [], []
    for n in range(count):
        gid = add_product(emulator, f"Bulk {n}", urls, price="48.00")
        store = emulator.store
        with store.lock:
            shop_state = store.shop(TEST_SHOP)
            product = shop_state.product(gid)
            job_id = uuid.uuid4()
            video = Media(id=f"gid://shopify/Video/{store.next_id()}", kind="VIDEO", alt="", filename=f"showreel-{job_id}.mp4")
            shop_state.media[video.id] = video
            product.media_ids.append(video.id)
            photo_ids = product.media_ids[:-1]
        inputs = copy.deepcopy(source.inputs)
        for image, media_id in zip(inputs["images"], photo_ids, strict=True):
            image["id"] = media_id
        jobs.append(VideoJob(id=job_id, shop=shop, product_id=gid, product_title=f"Bulk {n}", options=source.options,
                             instruction=source.instruction, status=JobStatus.READY, progress=100, inputs=inputs,
                             spec=source.spec, media_id=video.id, published=True, credit_state=CreditState.CHARGED))
        gids.append(gid)
    VideoJob.objects.bulk_create(jobs)
    return gids


@pytest.fixture
def bulk(shopify_shop, shopify_emulator, tiny_product, deliver, credits_for):  # noqa: ANN201
    source = made_video(shopify_shop, tiny_product(price="48.00", count=3), deliver)
    gids = given_videos(shopify_shop, shopify_emulator, source, PRODUCTS)
    credits_for(shopify_shop, PRODUCTS + 10)
    return gids


def csv_update(emulator, gids: list[str], deliver) -> None:  # noqa: ANN001
    for gid in gids:
        edit_product(emulator, TEST_SHOP, gid, price="39.00", inventory=4)
    assert set(deliver()) == {200}


def test_a_csv_update_of_200_products_queues_200_remakes_at_the_cap(shopify_shop, shopify_emulator, bulk, deliver,
                                                                    settings):
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})

    csv_update(shopify_emulator, bulk, deliver)

    # Each product's remake starts once its own edit has been quiet long enough (the sweep runs every minute)
    assert after_quiet()["started"] == PRODUCTS
    remakes = VideoJob.objects.filter(product_id__in=bulk, status=JobStatus.QUEUED)
    assert remakes.count() == PRODUCTS and remakes.values("product_id").distinct().count() == PRODUCTS
    assert in_flight(shopify_shop.pk).count() == settings.SHOWREEL_JOBS_PER_SHOP
    waiting = remakes.filter(enqueued_at__isnull=True)
    assert waiting.count() == PRODUCTS - settings.SHOWREEL_JOBS_PER_SHOP
    assert all(reason.startswith("Waiting in line") for reason in waiting.values_list("wait_reason", flat=True))
    assert start_due()["started"] == 0


def test_the_same_update_with_the_setting_off_starts_nothing(shopify_shop, shopify_emulator, bulk, deliver):
    csv_update(shopify_emulator, bulk, deliver)

    assert after_quiet()["started"] == 0
    assert not ProductFreshness.objects.exists()
    assert not VideoJob.objects.filter(product_id__in=bulk).exclude(status=JobStatus.READY).exists()
