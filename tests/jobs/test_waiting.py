"""A worker does not sit beside Shopify while it processes a video: the job is parked (no lease, no slot),
looked at again by a watcher, and finished exactly once; the sweep takes over a parked job nobody watches.
Nor does it sit beside the upload of what it rendered: its process's watcher publishes that."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.jobs.fixtures import qcluster, videos_on
from videos.jobs import files, pipeline, services, waiting
from videos.jobs.dispatch import in_flight, sweep, videos_this_week
from videos.jobs.models import TERMINAL, JobStatus, VideoJob
from videos.jobs.pipeline import HANDED_OFF, WAITING, run_job
from videos.jobs.tasks import run_job_task

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


# --- publishing handed off to the watcher -------------------------------------------------------------
# Transactional tests: the watcher thread must see the rows the test's thread wrote.
def wait_until(done: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def status_of(job: VideoJob) -> str:
    return VideoJob.objects.get(pk=job.pk).status


@pytest.fixture
def held_looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The watcher's looks wait until the returned event is set (set at the end in any case)."""
    let_look = threading.Event()
    real = pipeline.look_again

    def held(job_id: Any) -> str:
        let_look.wait(timeout=60)
        return real(job_id)

    monkeypatch.setattr(pipeline, "look_again", held)
    yield let_look
    let_look.set()
    wait_until(lambda: waiting.publishing_count() == 0)


@pytest.fixture
def dead_watcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Callable[[str], str]]]]:
    """The process dies after parking: its watcher never looks. The looks it would have made are returned
    (any left are made at the end, so this process's hand-off is free again)."""
    dropped: list[tuple[str, Callable[[str], str]]] = []
    monkeypatch.setattr(waiting, "watch", lambda job_id, look_in_s, look: dropped.append((str(job_id), look)) or True)
    yield dropped
    while dropped:
        job_id, look = dropped.pop()
        look(job_id)


@pytest.mark.django_db(transaction=True)
def test_a_worker_hands_publishing_to_its_watcher_and_the_shops_next_job_takes_the_slot(
        shopify_shop, shopify_emulator, tiny_product, settings, held_looks):
    # Given one slot per shop and two jobs
    settings.SHOWREEL_JOBS_PER_SHOP = 1
    product = tiny_product()
    first = services.create_job(shopify_shop, product, FAST)
    second = services.create_job(shopify_shop, tiny_product(), FAST)

    # When a worker runs the first one
    assert run_job_task(str(first.pk)) == HANDED_OFF

    # Then it returned once the render was done, before uploading: nobody's lease, still rendering at the
    # render's end, nothing on the product; its slot went to the next job, but it still counts this week
    first.refresh_from_db()
    assert (first.status, first.progress, first.lease_owner, first.attempts) == (JobStatus.RENDERING, 70, "", 0)
    assert first.media_check_at is not None and files.exists(first.video_file) and not first.staged_resource_url
    assert videos_on(shopify_emulator, product) == []
    assert list(in_flight(shopify_shop.pk).values_list("pk", flat=True)) == [second.pk]
    assert VideoJob.objects.get(pk=second.pk).enqueued_at is not None
    assert videos_this_week(shopify_shop.pk) == 2

    # When the watcher looks
    held_looks.set()
    wait_until(lambda: status_of(first) in TERMINAL)

    # Then it published the job: READY once, one video on the product, one charge
    first.refresh_from_db()
    assert (first.status, first.published, first.media_check_at, first.attempts) == (JobStatus.READY, True, None, 1)
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [first.media_id]
    assert list(first.credit_entries.values_list("kind", flat=True)) == ["freeze", "charge"]


@pytest.mark.django_db(transaction=True)
def test_with_a_hand_off_pending_the_next_worker_run_publishes_inline(shopify_shop, shopify_emulator, tiny_product,
                                                                      settings, held_looks):
    # Given Shopify processing videos at once, and a worker that handed one job's publishing off
    settings.SHOWREEL_JOBS_PER_SHOP = 3
    shopify_emulator.store.processing_polls = 0
    products = [tiny_product() for _ in range(3)]
    first, second, third = (services.create_job(shopify_shop, p, FAST) for p in products)
    assert run_job_task(str(first.pk)) == HANDED_OFF

    # When the next job is run while that publishing is pending
    outcome = run_job_task(str(second.pk))

    # Then that worker publishes it itself
    assert outcome == JobStatus.READY
    assert [v["id"] for v in videos_on(shopify_emulator, products[1])] == [VideoJob.objects.get(pk=second.pk).media_id]
    assert videos_on(shopify_emulator, products[0]) == []

    # When the watcher has published the first, the next worker run hands off again
    held_looks.set()
    wait_until(lambda: status_of(first) == JobStatus.READY and waiting.publishing_count() == 0)
    assert run_job_task(str(third.pk)) == HANDED_OFF
    wait_until(lambda: status_of(third) == JobStatus.READY)
    assert len(videos_on(shopify_emulator, products[2])) == 1


@pytest.mark.django_db(transaction=True)
def test_a_hand_off_whose_process_died_is_published_once_by_the_worker_the_sweep_sends(
        shopify_shop, shopify_emulator, tiny_product, dead_watcher):
    # Given a worker that handed a job's publishing off, then its process died
    shopify_emulator.store.processing_polls = 0
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    assert run_job_task(str(job.pk)) == HANDED_OFF
    rendered = VideoJob.objects.get(pk=job.pk).timings
    assert sweep()["requeued"] == 0  # its look is not overdue yet

    # When its look is overdue, the sweep hands it to the broker, and a worker runs it
    VideoJob.objects.filter(pk=job.pk).update(media_check_at=timezone.now() - timedelta(seconds=waiting.overdue_after_s() + 1))
    assert sweep()["requeued"] == 1
    outcome = run_job_task(str(job.pk))  # this process's hand-off is still the dead watcher's: inline

    # Then it resumed at the upload (no second render) and ended READY with exactly one video and one charge
    job.refresh_from_db()
    assert (outcome, job.status, job.media_check_at) == (JobStatus.READY, JobStatus.READY, None)
    assert job.timings["rendering"] == rendered["rendering"]
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [job.media_id]
    assert list(job.credit_entries.values_list("kind", flat=True)) == ["freeze", "charge"]

    # and the dead watcher's look, were it ever made, publishes nothing
    job_id, look = dead_watcher.pop()
    assert look(job_id).startswith("skipped")
    assert len(videos_on(shopify_emulator, product)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_leaving_worker_process_waits_a_bounded_time_for_its_handed_off_upload():
    # Given this process's hand-off reserved, and its publishing ending a moment later on another thread
    assert waiting.take_publishing()
    threading.Timer(0.3, waiting.give_back_publishing).start()
    # When the process leaves, then it waits for that publishing to end
    started = time.monotonic()
    assert waiting.wait_for_publishing(timeout_s=5.0)
    assert 0.25 <= time.monotonic() - started < 5.0
    # And a publishing that does not end holds it no longer than the bound
    assert waiting.take_publishing()
    try:
        started = time.monotonic()
        assert not waiting.wait_for_publishing(timeout_s=0.2)
        assert time.monotonic() - started < 1.0
    finally:
        waiting.give_back_publishing()
    assert waiting.publishing_count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_watcher_that_died_mid_upload_has_its_job_handed_to_the_broker_once(
        shopify_shop, shopify_emulator, tiny_product, dead_watcher):
    # Given a handed-off job whose watcher claimed it and then died with the upload half done (its lease
    # expired, its look long overdue)
    job = services.create_job(shopify_shop, tiny_product(), FAST)
    assert run_job_task(str(job.pk)) == HANDED_OFF
    long_ago = timezone.now() - timedelta(seconds=waiting.overdue_after_s() + 60)
    VideoJob.objects.filter(pk=job.pk).update(lease_owner="gone:1:watcher", lease_expires_at=long_ago,
                                              media_check_at=long_ago, status=JobStatus.UPLOADING)
    # When the sweep runs, then the job goes to the broker once, not once per reason
    assert sweep()["requeued"] == 1
