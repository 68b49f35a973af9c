"""A worker does not sit beside Shopify while it processes a video: the job is parked (no lease, no slot),
looked at again by a watcher, and finished exactly once; the sweep takes over a parked job nobody watches."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.jobs.fixtures import qcluster, videos_on
from videos.jobs import pipeline, services, waiting
from videos.jobs.dispatch import in_flight, sweep
from videos.jobs.models import TERMINAL, JobStatus, VideoJob
from videos.jobs.pipeline import WAITING, run_job

FAST = {"duration": 2, "music": "none"}


@pytest.mark.django_db
def test_a_worker_parks_a_processing_video_and_the_shops_next_job_takes_the_slot(shopify_shop, shopify_emulator,
                                                                                 tiny_product, settings):
    # Given one slot per shop, two jobs, and Shopify needing a few looks to process a video
    settings.SHOWREEL_JOBS_PER_SHOP = 1
    shopify_emulator.store.processing_polls = 4
    product = tiny_product()
    first = services.create_job(shopify_shop, product, FAST)
    second = services.create_job(shopify_shop, tiny_product(), FAST)
    assert list(in_flight(shopify_shop.pk).values_list("pk", flat=True)) == [first.pk]

    # When a worker runs the first one
    assert run_job(first.pk, wait_inline_s=0) == WAITING

    # Then it is parked: still processing, nobody's lease, its attempt given back, no credit charged yet,
    # and its slot went to the next job
    first.refresh_from_db()
    assert (first.status, first.lease_owner, first.attempts, first.credit_state) == (JobStatus.PROCESSING, "", 0, "frozen")
    assert first.media_check_at is not None and not files_left(first)
    assert [v["status"] for v in videos_on(shopify_emulator, product)] == ["PROCESSING"]
    assert list(in_flight(shopify_shop.pk).values_list("pk", flat=True)) == [second.pk]

    # When the watcher looks again until Shopify is done
    outcomes = [pipeline.look_again(first.pk) for _ in range(3)]

    # Then the job is READY once, with one video and one charge
    assert outcomes[-1] == JobStatus.READY and outcomes[:-1] == [WAITING] * (len(outcomes) - 1)
    first.refresh_from_db()
    assert (first.status, first.published, first.media_check_at, first.attempts) == (JobStatus.READY, True, None, 1)
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [first.media_id]
    assert list(first.credit_entries.values_list("kind", flat=True)) == ["freeze", "charge"]
    assert pipeline.look_again(first.pk).startswith("skipped")


def files_left(job: VideoJob) -> bool:
    from videos.jobs import files

    return files.work_dir(job.pk).exists()


@pytest.mark.django_db
def test_the_time_limit_counts_from_the_attach_across_looks(shopify_shop, shopify_emulator, tiny_product, settings):
    shopify_emulator.store.processing_polls = 1000
    settings.SHOWREEL_MEDIA_TIMEOUT_S = 600
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    assert run_job(job.pk, wait_inline_s=0) == WAITING
    VideoJob.objects.filter(pk=job.pk).update(attach_attempted_at=timezone.now() - timedelta(seconds=601))

    assert pipeline.look_again(job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert (job.error_code, job.credit_state, job.media_check_at) == ("media_timeout", "released", None)
    assert videos_on(shopify_emulator, product) == []  # the unfinished video was taken off the product


@pytest.mark.django_db
def test_the_sweep_hands_a_parked_job_nobody_watches_to_the_workers(shopify_shop, shopify_emulator, tiny_product):
    shopify_emulator.store.processing_polls = 1000
    job = services.create_job(shopify_shop, tiny_product(), FAST)
    assert run_job(job.pk, wait_inline_s=0) == WAITING
    assert sweep()["requeued"] == 0  # its look is not overdue: a watcher has it

    VideoJob.objects.filter(pk=job.pk).update(media_check_at=timezone.now() - timedelta(seconds=waiting.overdue_after_s() + 1))

    assert sweep()["requeued"] == 1
    job.refresh_from_db()
    assert job.media_check_at > timezone.now()  # handed over once, not again at every sweep
    assert sweep()["requeued"] == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_worker_renders_the_next_job_while_shopify_processes_the_first(shopify_shop, shopify_emulator,
                                                                            tiny_product, settings, tmp_path):
    # Given one worker, one slot, and Shopify taking a few seconds per video
    settings.SHOWREEL_JOBS_PER_SHOP = 1
    shopify_emulator.store.processing_polls = 6
    products = [tiny_product(), tiny_product()]
    first, second = (services.create_job(shopify_shop, p, FAST) for p in products)
    with qcluster(settings, tmp_path / "qcluster.log", Q_WORKERS="1", SHOWREEL_MEDIA_POLL_S="0.5") as cluster:
        deadline = time.monotonic() + 120
        while VideoJob.objects.exclude(status__in=TERMINAL).exists():
            assert cluster.alive() and time.monotonic() < deadline, cluster.output(tail=3000)
            time.sleep(0.2)

    # Then the worker started the second job while the first one's video was still processing, and each
    # product has its one video
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (JobStatus.READY, JobStatus.READY), (first.error_message, second.error_message)
    assert second.started_at < first.finished_at
    for job, product in zip((first, second), products, strict=True):
        assert [v["id"] for v in videos_on(shopify_emulator, product)] == [job.media_id]
        assert job.credit_entries.filter(kind="charge").count() == 1
