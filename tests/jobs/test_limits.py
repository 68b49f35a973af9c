"""Credits (freeze, charge, release, monthly allowance, plans), the per-shop concurrency cap, Shopify's
weekly video limit, the sweep, and a shop leaving (uninstall / redact)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.jobs.fixtures import TEST_SHOP
from videos.composer.previews import owner_preview_dir
from videos.jobs import credits, dispatch, files, services
from videos.jobs.errors import ServiceError
from videos.jobs.models import CreditAccount, JobBatch, JobStatus, ShopSettings, VideoJob
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

FAST = {"duration": 2, "music": "none"}
PRODUCT = "gid://shopify/Product/{}"


def test_a_new_shop_starts_with_its_plans_allowance(shopify_shop, settings):
    settings.SHOWREEL_PLANS = {"free": 7}

    account = credits.account_for(shopify_shop)

    assert (account.available, account.frozen, account.total, account.plan, account.monthly_allowance) == (7, 0, 7, "free", 7)


def test_creating_a_job_freezes_a_credit_and_no_credits_means_no_job(shopify_shop, credits_for):
    credits_for(shopify_shop, 1)
    services.create_job(shopify_shop, PRODUCT.format(1), FAST)
    account = credits.account_for(shopify_shop)
    assert (account.available, account.frozen) == (0, 1)

    with pytest.raises(ServiceError) as refused:
        services.create_job(shopify_shop, PRODUCT.format(2), FAST)

    assert (refused.value.code, refused.value.status) == ("no_credits", 402)
    assert "no video credits left" in refused.value.message
    assert VideoJob.objects.count() == 1


def test_a_batch_bigger_than_the_credits_is_refused_whole(shopify_shop, credits_for):
    credits_for(shopify_shop, 3)

    with pytest.raises(ServiceError) as refused:
        services.create_batch(shopify_shop, [PRODUCT.format(n) for n in range(1, 6)], FAST)

    assert refused.value.status == 402 and "3 video credit(s) left" in refused.value.message
    assert not VideoJob.objects.exists() and not JobBatch.objects.exists()
    assert credits.account_for(shopify_shop).available == 3


def test_settling_a_credit_twice_moves_it_once(shopify_shop):
    job = services.create_job(shopify_shop, PRODUCT.format(1), FAST)
    before = credits.account_for(shopify_shop)

    assert credits.charge(job) is True
    assert credits.charge(job) is False
    assert credits.release(job) is False

    account = credits.account_for(shopify_shop)
    assert (account.available, account.frozen) == (before.available, before.frozen - 1)


def test_a_new_month_renews_the_allowance_once(shopify_shop, credits_for):
    account = credits_for(shopify_shop, 2)
    CreditAccount.objects.filter(pk=account.pk).update(period_start=account.period_start - timedelta(days=40))

    renewed = credits.account_for(shopify_shop)
    again = credits.account_for(shopify_shop)

    assert renewed.available == renewed.monthly_allowance == again.available
    assert renewed.entries.filter(kind="grant").count() == 2  # the first month and this one


def test_the_plan_is_read_from_shopify_and_an_upgrade_adds_the_difference(shopify_shop, shopify_emulator, settings):
    settings.SHOWREEL_PLANS = {"free": 10, "pro": 100}
    before = credits.account_for(shopify_shop)
    shopify_emulator.shop(TEST_SHOP).subscriptions = [{"id": "gid://shopify/AppSubscription/1", "name": "Pro",
                                                      "status": "ACTIVE", "test": True}]

    account = credits.refresh_plan(shopify_shop, force=True)

    assert (account.plan, account.monthly_allowance, account.available) == ("pro", 100, before.available + 90)
    assert credits.plan_name([{"name": "Pro", "status": "CANCELLED"}]) == "free"
    assert credits.plan_name([{"name": "Growth plan", "status": "ACTIVE"}]) == "free"  # unknown: the default


def test_no_more_than_the_concurrency_cap_is_handed_to_workers(shopify_shop, settings):
    settings.SHOWREEL_JOBS_PER_SHOP = 2

    batch = services.create_batch(shopify_shop, [PRODUCT.format(n) for n in range(1, 6)], FAST)

    jobs = list(batch.jobs.order_by("created_at", "pk"))
    assert [j.enqueued_at is not None for j in jobs] == [True, True, False, False, False]
    assert jobs[4].stage_label == "Waiting in line: 2 video(s) are made at a time per store"
    VideoJob.objects.filter(pk=jobs[0].pk).update(status=JobStatus.READY)
    assert dispatch.dispatch(shopify_shop.pk) == [jobs[2].pk]


def test_shopifys_weekly_video_limit_holds_jobs_back(shopify_shop, settings):
    settings.SHOWREEL_WEEKLY_VIDEO_LIMIT = 3
    settings.SHOWREEL_JOBS_PER_SHOP = 10
    old = services.create_job(shopify_shop, PRODUCT.format(1), FAST)
    VideoJob.objects.filter(pk=old.pk).update(status=JobStatus.READY, attach_attempted_at=timezone.now() - timedelta(days=2))
    gone = services.create_job(shopify_shop, PRODUCT.format(2), FAST)
    VideoJob.objects.filter(pk=gone.pk).update(status=JobStatus.READY, attach_attempted_at=timezone.now() - timedelta(days=8))

    first = services.create_job(shopify_shop, PRODUCT.format(3), FAST)
    second = services.create_job(shopify_shop, PRODUCT.format(4), FAST)
    third = services.create_job(shopify_shop, PRODUCT.format(5), FAST)

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert first.enqueued_at and second.enqueued_at and third.enqueued_at is None  # 1 this week + 2 running = 3
    assert "1,000" not in third.stage_label and "3 videos per store per week" in third.stage_label


def test_a_job_whose_publishing_was_handed_off_counts_against_the_weekly_limit(shopify_shop, settings):
    # Given a weekly limit of one video and a job parked after its render for a watcher to publish (no slot)
    settings.SHOWREEL_WEEKLY_VIDEO_LIMIT = 1
    settings.SHOWREEL_JOBS_PER_SHOP = 10
    handed_off = services.create_job(shopify_shop, PRODUCT.format(1), FAST)
    VideoJob.objects.filter(pk=handed_off.pk).update(status=JobStatus.RENDERING, progress=70, enqueued_at=None,
                                                     media_check_at=timezone.now())
    assert not dispatch.in_flight(shopify_shop.pk).exists()

    # When another job is made
    waiting = services.create_job(shopify_shop, PRODUCT.format(2), FAST)

    # Then the parked one still counts as a video about to be created: the new one waits for the week
    waiting.refresh_from_db()
    assert dispatch.videos_this_week(shopify_shop.pk) == 1
    assert waiting.enqueued_at is None and "1 videos per store per week" in waiting.stage_label


def test_the_sweep_requeues_dead_workers_jobs_and_lost_tasks(shopify_shop):
    dead = services.create_job(shopify_shop, PRODUCT.format(1), FAST)
    lost = services.create_job(shopify_shop, PRODUCT.format(2), FAST)
    long_ago = timezone.now() - timedelta(hours=1)
    VideoJob.objects.filter(pk=dead.pk).update(status=JobStatus.RENDERING, lease_owner="gone:1:x",
                                               lease_expires_at=long_ago)
    VideoJob.objects.filter(pk=lost.pk).update(enqueued_at=long_ago)

    assert dispatch.sweep() == {"requeued": 2, "dispatched": 0}

    dead.refresh_from_db(), lost.refresh_from_db()
    assert dead.lease_owner == "" and dead.enqueued_at > long_ago and lost.enqueued_at > long_ago
    assert dispatch.sweep() == {"requeued": 0, "dispatched": 0}
    out = io.StringIO()
    call_command("sweep_jobs", stdout=out)
    assert out.getvalue().strip() == "re-queued 0, dispatched 0"


def test_the_uninstall_webhook_stops_pending_jobs(client, shopify_shop, shopify_emulator):
    jobs = [services.create_job(shopify_shop, PRODUCT.format(n), FAST) for n in (1, 2)]
    VideoJob.objects.filter(pk=jobs[1].pk).update(status=JobStatus.READY)  # finished ones stay as they are
    body, headers = shopify_emulator.webhook("app/uninstalled", TEST_SHOP, {"myshopify_domain": TEST_SHOP})

    response = client.post("/webhooks/shopify", body, content_type="application/json",
                           headers={k: v for k, v in headers.items() if k != "Content-Type"})

    assert response.status_code == 200
    statuses = dict(VideoJob.objects.values_list("pk", "status"))
    assert statuses == {jobs[0].pk: JobStatus.FAILED, jobs[1].pk: JobStatus.READY}
    assert credits.account_for(shopify_shop).frozen == 1  # the READY job's credit was never charged here


def test_redact_erases_the_shops_jobs_and_files(shopify_shop, tiny_product, settings,
                                                django_capture_on_commit_callbacks):
    from shopify_app import services as shopify_services
    from tests.jobs.fixtures import photo_bytes
    from videos.jobs.preferences import save_logo

    job = services.create_job(shopify_shop, tiny_product(), FAST)
    run_job(job.pk)
    job.refresh_from_db()
    save_logo(shopify_shop, photo_bytes(9))
    stored = settings.MEDIA_ROOT / "showreel" / str(shopify_shop.pk)
    previews = owner_preview_dir(shopify_shop.pk)  # the template previews of its products, with their photos
    (previews / "photos").mkdir(parents=True)
    (previews / "photos" / "hero.jpg").write_bytes(photo_bytes(3))
    assert files.exists(job.video_file) and (stored / "logo").is_dir()

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion is committed
        shopify_services.redact_shop(TEST_SHOP)

    assert not stored.exists() and not previews.exists()
    assert not VideoJob.objects.exists() and not JobBatch.objects.exists()
    assert not CreditAccount.objects.exists() and not ShopSettings.objects.exists()
