"""The whole app with real workers: jobs created through the API, run by `manage.py qcluster` (2 workers,
the ORM broker on SQLite or Redis when REDIS_URL is set) against the emulated store."""

from __future__ import annotations

import time

import pytest

from tests.jobs.fixtures import TEST_SHOP, qcluster, reinstall, videos_on
from videos.jobs.models import RUNNING, TERMINAL, VideoJob

BATCH = 20


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_product_and_a_batch_of_20_end_ready_with_one_video_each(client, shopify_shop, shopify_emulator,
                                                                     tiny_product, credits_for, settings, tmp_path):
    # Shopify Plus-sized GraphQL budget: throttling has its own tests; here 21 jobs should not wait on it.
    shop = reinstall(shopify_emulator, bucket_max=20000, restore_rate=1000)
    credits_for(shop, 100)
    cap = settings.SHOWREEL_JOBS_PER_SHOP
    sample = next(p["id"] for p in shopify_emulator.products(TEST_SHOP) if p["title"] == "Red Baseball Cap")
    tiny = [tiny_product(count=1) for _ in range(BATCH)]
    auth = {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}
    one = client.post("/api/jobs", {"product_id": sample, "duration": 3}, content_type="application/json", headers=auth)
    batch = client.post("/api/batches", {"product_ids": tiny, "duration": 2, "music": "none"},
                        content_type="application/json", headers=auth)
    assert (one.status_code, batch.status_code) == (201, 201)

    most_running = 0
    with qcluster(settings, tmp_path / "qcluster.log", Q_WORKERS="2", LOG_LEVEL="INFO") as cluster:
        deadline = time.monotonic() + 240
        while VideoJob.objects.exclude(status__in=TERMINAL).exists():
            assert cluster.alive(), cluster.output(tail=3000)
            assert time.monotonic() < deadline, cluster.output(tail=3000)
            # A job parked while Shopify processes its video (media_check_at) uses no worker and no slot.
            using_a_worker = VideoJob.objects.filter(status__in=RUNNING, media_check_at__isnull=True)
            most_running = max(most_running, using_a_worker.count())
            time.sleep(0.2)

    jobs = list(VideoJob.objects.all())
    assert {j.status for j in jobs} == {"ready"}, [(j.product_title, j.error_message) for j in jobs if j.status != "ready"]
    for product in [sample, *tiny]:
        assert len(videos_on(shopify_emulator, product)) == 1
    assert most_running <= cap  # never more jobs on workers than the shop's concurrency cap at once
    summary = client.get(f"/api/batches/{batch.json()['id']}", headers=auth).json()
    assert (summary["progress"], summary["counts"]["ready"]) == (100, BATCH)
    credits = client.get("/api/credits", headers=auth).json()
    assert (credits["available"], credits["frozen"]) == (100 - BATCH - 1, 0)
