"""A job from creation to READY on the emulated store, and every way it can fail: each one ends `ready` with
exactly one video on the product, or `failed` with a plain message and the credit released."""

from __future__ import annotations

import httpx
import pytest

from shopify_app.admin_api.transport import RetryPolicy, Transport
from tests.jobs.fixtures import TEST_SHOP, delete_product, photo_bytes, reinstall, videos_on
from videos.jobs import faults, files, services
from videos.jobs.credits import account_for
from videos.jobs.errors import ServiceError
from videos.jobs.models import CreditEntry, JobStatus, VideoJob
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

FAST = {"duration": 2, "music": "none"}


def make_job(shop, product, **options):  # noqa: ANN001, ANN003, ANN201
    return services.create_job(shop, product, {**FAST, **options})


def finished(job: VideoJob) -> VideoJob:
    job.refresh_from_db()
    assert job.status in (JobStatus.READY, JobStatus.FAILED, JobStatus.CANCELLED)
    assert job.lease_owner == ""
    return job


def test_one_product_becomes_one_ready_video_and_costs_one_credit(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    before = account_for(shopify_shop).available
    job = make_job(shopify_shop, product)

    assert run_job(job.pk) == JobStatus.READY

    job = finished(job)
    assert (job.status, job.progress, job.published, job.error_code) == (JobStatus.READY, 100, True, "")
    assert job.product_title.startswith("Tiny Mug")
    assert set(job.timings) == {"fetching", "composing", "rendering", "uploading", "attaching", "processing"}
    assert files.exists(job.video_file) and files.exists(job.poster_file)
    [video] = videos_on(shopify_emulator, product)
    assert (video["id"], video["status"], video["filename"]) == (job.media_id, "READY", f"showreel-{job.pk}.mp4")
    account = account_for(shopify_shop)
    assert (account.available, account.frozen) == (before - 1, 0)
    assert list(job.credit_entries.values_list("kind", flat=True)) == ["freeze", "charge"]
    assert not files.work_dir(job.pk).exists()


def test_running_a_finished_job_again_changes_nothing(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    job = make_job(shopify_shop, product)
    run_job(job.pk)

    assert run_job(job.pk).startswith("skipped")

    assert len(videos_on(shopify_emulator, product)) == 1
    assert CreditEntry.objects.filter(job=job, kind="charge").count() == 1


def test_a_second_delivery_while_the_first_runs_is_refused(shopify_shop, tiny_product):
    from videos.jobs import lease

    job = make_job(shopify_shop, tiny_product())
    assert lease.claim(job.pk, "worker-a") is not None

    assert run_job(job.pk).startswith("skipped")
    assert VideoJob.objects.get(pk=job.pk).lease_owner == "worker-a"


def test_regenerating_replaces_the_old_video_only_once_the_new_one_is_ready(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    old = make_job(shopify_shop, product)
    run_job(old.pk)
    old = finished(old)
    new = make_job(shopify_shop, product, template="bold")
    seen_while_processing: list[list[str]] = []
    faults.on("processing", lambda: seen_while_processing.append([v["id"] for v in videos_on(shopify_emulator, product)]))

    run_job(new.pk)

    new, old = finished(new), finished(old)
    assert seen_while_processing == [[old.media_id, new.media_id]]  # the old one stayed until the new was READY
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [new.media_id]
    assert new.replaced_media_ids == [old.media_id]
    assert old.published is False and new.published is True
    with pytest.raises(ServiceError) as refused:  # putting the replaced video back is refused, not half-done
        services.publish_job(old)
    assert refused.value.status == 409 and "newer video" in refused.value.message


def test_the_apps_own_earlier_video_is_never_used_as_a_clip(shopify_shop, shopify_emulator, tiny_product):
    # Given a product that already carries this app's READY video
    product = tiny_product()
    first = make_job(shopify_shop, product)
    run_job(first.pk)
    assert [v["status"] for v in videos_on(shopify_emulator, product)] == ["READY"]
    second = make_job(shopify_shop, product)
    # When a new video is made for it
    assert run_job(second.pk) == JobStatus.READY
    # Then only the photos were inputs: our own video (told by its upload name) was not taken as a clip
    second = finished(second)
    assert second.inputs["videos"] == [] and len(second.inputs["images"]) == 2


def test_shopify_still_processing_past_the_limit_fails_with_a_plain_message(shopify_shop, shopify_emulator,
                                                                            tiny_product, settings):
    shopify_emulator.store.processing_polls = 1000
    settings.SHOWREEL_MEDIA_TIMEOUT_S = 0
    job = make_job(shopify_shop, tiny_product())

    assert run_job(job.pk) == JobStatus.FAILED

    job = finished(job)
    assert (job.error_code, job.credit_state) == ("media_timeout", "released")
    assert job.error_message.startswith("Shopify was still processing the video")


def test_an_older_job_finishing_last_steps_aside_for_the_newer_video(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    older = make_job(shopify_shop, product)
    newer = make_job(shopify_shop, product)
    run_job(newer.pk)

    run_job(older.pk)

    older, newer = finished(older), finished(newer)
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [newer.media_id]
    assert older.status == JobStatus.READY and older.published is False and newer.published is True


@pytest.fixture
def faulty_transport(shopify_emulator, shopify_shop):  # noqa: ANN201
    """Every Admin API call and staged upload first meets a fault (5xx, THROTTLED or 429 in turn), then
    succeeds on the client's retry. Waits advance the emulator's clock instead of sleeping."""
    from devtools.shopify_emulator.state import FakeClock

    clock = FakeClock()
    reinstall(shopify_emulator, clock=clock)
    kinds = ["5xx", "throttle", "429"]
    state = {"requests": 0, "faults": 0}

    def before_request(request: httpx.Request) -> None:
        path = request.url.path
        target = "upload" if path.startswith("/staged-uploads/") else "graphql" if path.endswith("graphql.json") else None
        state["requests"] += 1
        if target and state["requests"] % 2 == 1:  # odd requests meet a fault, the retry goes through
            kind = kinds[state["faults"] % 3] if target == "graphql" else "5xx"
            shopify_emulator.inject(kind, target=target, retry_after="0", status=503)
            state["faults"] += 1

    transport = Transport(http=httpx.Client(timeout=5.0, event_hooks={"request": [before_request]}),
                          policy=RetryPolicy(), sleep=clock.advance, rand=lambda: 0.5)
    transport.state = state  # type: ignore[attr-defined]
    yield transport
    transport.http.close()


def test_throttling_and_5xx_at_every_call_still_end_ready_with_one_video(shopify_emulator, faulty_transport,
                                                                           tiny_product):
    from shopify_app.models import Shop

    shop = Shop.objects.get(domain=TEST_SHOP)
    product = tiny_product()
    job = make_job(shop, product)

    assert run_job(job.pk, transport=faulty_transport) == JobStatus.READY

    state = faulty_transport.state  # product, staged target, upload, attach, polls, videos: each met a fault
    assert state["faults"] >= 6 and state["requests"] == 2 * state["faults"]
    assert len(videos_on(shopify_emulator, product)) == 1
    assert finished(job).published


def test_shopify_down_beyond_the_retries_fails_clearly_and_releases_the_credit(shopify_shop, shopify_emulator,
                                                                                 tiny_product, shopify_transport):
    job = make_job(shopify_shop, tiny_product())
    before = account_for(shopify_shop)
    shopify_emulator.inject("5xx", times=100, status=502)

    run_job(job.pk, transport=shopify_transport)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "shopify_unavailable")
    assert "Try again" in job.error_message
    assert account_for(shopify_shop).available == before.available + 1


def test_a_deleted_product_fails_with_a_clear_message(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    job = make_job(shopify_shop, product)
    delete_product(shopify_emulator, product)

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "product_not_found")
    assert job.error_message == "This product no longer exists in your store (it may have been deleted)."
    assert job.credit_state == "released"


def test_a_product_deleted_mid_job_fails_and_leaves_nothing_behind(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    job = make_job(shopify_shop, product)
    faults.on("rendering", lambda: delete_product(shopify_emulator, product))

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "product_not_found")
    assert not [m for m in shopify_emulator.store.shop(TEST_SHOP).media.values() if m.kind == "VIDEO"]


def test_a_product_without_photos_fails_before_any_rendering(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product(count=0)
    job = make_job(shopify_shop, product)

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "no_media")
    assert "no photos" in job.error_message and not job.video_file


def test_a_corrupt_photo_from_the_cdn_fails_naming_the_photo(shopify_shop, shopify_emulator, fake_cdn, tiny_product):
    from tests.jobs.fixtures import add_product

    good = fake_cdn.add("good.png", photo_bytes(1))
    bad = fake_cdn.add("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 40)
    product = add_product(shopify_emulator, "Broken Lamp", [good, bad])
    job = make_job(shopify_shop, product)

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "media_unreadable")
    assert "001-photo.png" in job.error_message and "/" not in job.error_message.split(":", 1)[1]
    assert account_for(shopify_shop).frozen == 0


def test_a_photo_over_the_size_limit_is_refused(shopify_shop, shopify_emulator, fake_cdn, settings):
    from tests.jobs.fixtures import add_product

    settings.SHOWREEL_MAX_IMAGE_BYTES = 2000
    product = add_product(shopify_emulator, "Huge Poster", [fake_cdn.add("huge.png", photo_bytes(2, size=400))])
    job = make_job(shopify_shop, product)

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "media_too_large")
    assert job.error_message.startswith("A photo is") and "over the 0.0 MB limit" in job.error_message


def test_shopify_failing_to_process_the_video_surfaces_its_media_errors(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    shopify_emulator.shop(TEST_SHOP).video_limit = 0
    job = make_job(shopify_shop, product)

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "media_failed")
    assert job.error_message == "Shopify could not process the video: The store's video limit is reached."
    assert videos_on(shopify_emulator, product) == []
    assert job.credit_state == "released"


def test_uninstalling_mid_job_stops_it_and_releases_the_credit(shopify_shop, shopify_emulator, tiny_product):
    from shopify_app import services as shopify_services

    product = tiny_product()
    job = make_job(shopify_shop, product)
    waiting = make_job(shopify_shop, tiny_product())

    def uninstall() -> None:
        shopify_emulator.uninstall(TEST_SHOP)
        shopify_services.mark_uninstalled(TEST_SHOP)

    faults.on("rendering", uninstall)

    assert run_job(job.pk) == JobStatus.CANCELLED

    job, waiting = finished(job), finished(waiting)
    for stopped in (job, waiting):
        assert (stopped.status, stopped.error_code, stopped.credit_state) == (JobStatus.FAILED, "shop_uninstalled", "released")
    assert videos_on(shopify_emulator, product) == []
    assert account_for(shopify_shop).frozen == 0


def test_cancelling_while_uploading_stops_the_job_and_removes_nothing_else(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    job = make_job(shopify_shop, product)
    faults.on("attaching", lambda: services.cancel_job(VideoJob.objects.get(pk=job.pk)))

    assert run_job(job.pk) == JobStatus.CANCELLED

    job = finished(job)
    assert job.status == JobStatus.CANCELLED and job.credit_state == "released"
    assert videos_on(shopify_emulator, product) == []  # the media it had just attached was taken off again


def test_a_video_already_ready_on_the_product_cannot_be_cancelled(shopify_shop, tiny_product):
    job = make_job(shopify_shop, tiny_product())
    refused: list[ServiceError] = []

    def cancel() -> None:
        try:
            services.cancel_job(VideoJob.objects.get(pk=job.pk))
        except ServiceError as exc:
            refused.append(exc)

    faults.on("replacing", cancel)
    run_job(job.pk)

    assert finished(job).status == JobStatus.READY
    assert refused and refused[0].status == 409 and "already on the product" in refused[0].message


def test_retrying_a_failed_job_starts_over_and_charges_once(shopify_shop, shopify_emulator, fake_cdn):
    from tests.jobs.fixtures import add_product

    url = fake_cdn.add("later.png", b"not an image at all", "image/png")
    product = add_product(shopify_emulator, "Fixed Later", [url])
    job = make_job(shopify_shop, product)
    run_job(job.pk)
    assert finished(job).error_code == "media_unreadable"
    fake_cdn.add("later.png", photo_bytes(4))  # the merchant replaced the photo

    job = services.retry_job(job)
    assert (job.status, job.credit_state, job.error_code) == (JobStatus.QUEUED, "frozen", "")
    run_job(job.pk)

    job = finished(job)
    assert job.status == JobStatus.READY
    assert list(job.credit_entries.values_list("kind", flat=True)) == ["freeze", "release", "freeze", "charge"]
    assert len(videos_on(shopify_emulator, product)) == 1


def test_without_auto_publish_the_video_waits_for_publish(shopify_shop, shopify_emulator, tiny_product):
    from videos.jobs.preferences import update_settings

    update_settings(shopify_shop, {"auto_publish": False})
    product = tiny_product()
    job = make_job(shopify_shop, product)
    run_job(job.pk)
    job = finished(job)
    assert (job.status, job.published, job.progress) == (JobStatus.READY, False, 100)
    assert videos_on(shopify_emulator, product) == []

    job = services.publish_job(job)
    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.published) == (JobStatus.READY, True)
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [job.media_id]
    assert job.credit_entries.filter(kind="charge").count() == 1
    assert "fetching" in job.timings and "uploading" in job.timings


def test_an_edit_is_a_new_job_with_the_instruction_on_top(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    source = make_job(shopify_shop, product, template="luxe")
    run_job(source.pk)

    edit = services.edit_job(finished(source), "make it vertical, no price")
    run_job(edit.pk)

    edit = finished(edit)
    assert edit.parent_id == source.pk and edit.status == JobStatus.READY
    assert edit.interpretation["understood"] and not edit.interpretation["unrecognised"]
    options = edit.spec["metadata"]["options"]
    assert (options["aspect"], options["template"], options["show_price"]) == ("9:16", "luxe", False)
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [edit.media_id]


def test_a_job_whose_worker_kept_dying_is_failed_not_retried_forever(shopify_shop, tiny_product, settings):
    job = make_job(shopify_shop, tiny_product())
    VideoJob.objects.filter(pk=job.pk).update(attempts=settings.SHOWREEL_JOB_MAX_ATTEMPTS, status=JobStatus.RENDERING)

    run_job(job.pk)

    job = finished(job)
    assert (job.status, job.error_code, job.credit_state) == (JobStatus.FAILED, "too_many_attempts", "released")
