"""Shopify being slow or flaky while a job publishes: a `productUpdate` that lands after the client gave up,
one whose answer is lost after Shopify applied it, a stray 401, a refused staged upload. Each ends with
exactly one video on the product and one credit charged, or a failure in plain words."""

from __future__ import annotations

import time

import pytest

from shopify_app.models import Shop
from tests.jobs.fixtures import TEST_SHOP, videos_on
from videos.jobs import faults, services
from videos.jobs.models import JobStatus, VideoJob
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

FAST = {"duration": 2, "music": "none"}
HANG_S = 4.0


def ready_with_one_video(job: VideoJob, emulator, product: str) -> VideoJob:  # noqa: ANN001
    job.refresh_from_db()
    assert (job.status, job.error_code, job.lease_owner) == (JobStatus.READY, "", "")
    assert [v["id"] for v in videos_on(emulator, product)] == [job.media_id]
    assert [v["filename"] for v in videos_on(emulator, product)] == [f"showreel-{job.pk}.mp4"]
    assert list(job.credit_entries.values_list("kind", flat=True)) == ["freeze", "charge"]
    return job


def test_an_attach_that_lands_after_the_client_timed_out_leaves_one_video(shopify_shop, shopify_emulator,
                                                                           tiny_product, settings):
    # Given a client that gives up after 2 s and a productUpdate that Shopify applies after 4 s anyway
    settings.SHOPIFY_HTTP_TIMEOUT_S = 2.0
    settings.SHOWREEL_ATTACH_SETTLE_S = HANG_S + 3
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    hung_at: list[float] = []

    def slow_attach() -> None:  # the job is `uploading`: its next GraphQL call is the attach
        shopify_emulator.inject("hang", target="graphql", seconds=HANG_S)
        hung_at.append(time.monotonic())

    faults.on("uploading", slow_attach)

    # When the job runs (its attach times out and the stage is tried again)
    assert run_job(job.pk) == JobStatus.READY

    # Then, once the late request has certainly landed, the product has the job's video once
    time.sleep(max(0.0, hung_at[0] + HANG_S + 0.5 - time.monotonic()))
    job = ready_with_one_video(job, shopify_emulator, product)
    assert job.timings["attaching"] >= HANG_S - 0.5  # the retry waited for the late request instead of attaching


@pytest.mark.parametrize("fault", [
    pytest.param("drop", id="answer-lost-after-shopify-applied-it"),
    pytest.param("401", id="stray-401-while-the-token-is-good"),
])
def test_an_attach_that_fails_once_is_reconciled_at_once_and_leaves_one_video(shopify_shop, shopify_emulator,
                                                                              tiny_product, settings, fault):
    # Given the attach's answer is lost after Shopify applied it, or Shopify answers it with one stray 401
    settings.SHOWREEL_ATTACH_SETTLE_S = 30  # a found attach, or a 401 (which applies nothing), waits out none of it
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    faults.on("uploading", lambda: shopify_emulator.inject(fault, target="graphql"))

    assert run_job(job.pk) == JobStatus.READY

    # Then the job checked (the product's media, or the token) and went on without waiting: one video, and the
    # shop still installed (a 401 is not taken for an uninstall)
    job = ready_with_one_video(job, shopify_emulator, product)
    assert job.timings["attaching"] < 10
    assert Shop.objects.get(domain=TEST_SHOP).is_installed


def test_a_stray_401_on_a_query_does_not_fail_the_job(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    faults.on("rendering", lambda: shopify_emulator.inject("401", target="graphql"))  # hits stagedUploadsCreate

    assert run_job(job.pk) == JobStatus.READY

    ready_with_one_video(job, shopify_emulator, product)


def test_a_revoked_token_fails_the_job_as_uninstalled(shopify_shop, shopify_emulator, tiny_product):
    # Given the token is revoked on Shopify's side (no webhook has arrived yet)
    job = services.create_job(shopify_shop, tiny_product(), FAST)
    faults.on("rendering", lambda: shopify_emulator.uninstall(TEST_SHOP))

    assert run_job(job.pk) == JobStatus.FAILED

    # Then the second call with the stored token was refused too: the merchant is told the access is gone
    job.refresh_from_db()
    assert (job.error_code, job.credit_state) == ("shop_uninstalled", "released")
    assert "no longer has access" in job.error_message


@pytest.mark.parametrize("kind", ["401", "5xx"])
def test_a_refused_staged_upload_fails_in_plain_words(shopify_shop, shopify_emulator, tiny_product, settings, kind):
    settings.SHOWREEL_STAGE_RETRIES = 1
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    shopify_emulator.inject(kind, target="upload", times=10, status=500)

    assert run_job(job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert (job.error_code, job.credit_state) == ("upload_refused", "released")
    assert job.error_message.startswith("Shopify's file storage refused the video upload (HTTP ")
    assert not any(raw in job.error_message for raw in ("{", "<", "errors", "Invalid API key"))
    assert videos_on(shopify_emulator, product) == []


def test_a_single_refused_staged_upload_is_tried_again_with_a_new_target(shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    shopify_emulator.inject("401", target="upload")

    assert run_job(job.pk) == JobStatus.READY

    ready_with_one_video(job, shopify_emulator, product)


def test_a_second_copy_of_the_jobs_video_is_removed_once_its_own_is_ready(shopify_shop, shopify_emulator,
                                                                          tiny_product):
    from shopify_app import services as shopify_services
    from shopify_app.admin_api import operations

    # Given a second copy of the job's upload lands on the product right after the job's own attach
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)

    def second_copy() -> None:
        staged = VideoJob.objects.get(pk=job.pk).staged_resource_url
        operations.attach_media(shopify_services.admin_client(shopify_shop), product, staged)

    faults.on("attaching", second_copy)

    assert run_job(job.pk) == JobStatus.READY

    # Then only the job's own video stays
    ready_with_one_video(job, shopify_emulator, product)


def test_a_job_that_fails_after_a_lost_attach_answer_takes_the_video_it_may_have_made_off(shopify_shop,
                                                                                         shopify_emulator,
                                                                                         tiny_product, settings):
    # Given no stage retries, and an attach Shopify applied whose answer was lost
    settings.SHOWREEL_STAGE_RETRIES = 0
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    faults.on("uploading", lambda: shopify_emulator.inject("drop", target="graphql"))

    assert run_job(job.pk) == JobStatus.FAILED

    # Then the job failed plainly, with no video of it left on the product and its credit released
    job.refresh_from_db()
    assert (job.error_code, job.credit_state, job.media_id) == ("shopify_unavailable", "released", "")
    assert videos_on(shopify_emulator, product) == []
