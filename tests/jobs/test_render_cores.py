"""How many cores a worker's render uses: one while other jobs wait to start (a worker per core keeps to its
own), the configured threads once none wait (the end of a batch uses the cores idle workers left)."""

from __future__ import annotations

import logging

import pytest

from tests.jobs.fixtures import videos_on
from videos.jobs import services
from videos.jobs.make import render_cores
from videos.jobs.models import JobStatus
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

FAST = {"duration": 2, "music": "none"}


@pytest.fixture
def configured(settings):  # noqa: ANN001, ANN201
    settings.VIDEO_X264_THREADS = 0
    settings.VIDEO_RENDER_ARRANGEMENT = "compose_thread"
    settings.SHOWREEL_WORKER_CORES = "auto"
    return settings


def rendered_with(caplog: pytest.LogCaptureFixture, job_id: object) -> str:
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"jobs: {job_id} rendered")]
    return line.rsplit("(", 1)[1].rstrip(")")


def test_a_render_keeps_to_one_core_while_another_job_waits(configured, shopify_shop, shopify_emulator, tiny_product,
                                                             caplog):  # noqa: ANN001
    first = services.create_job(shopify_shop, tiny_product(), FAST)
    second = services.create_job(shopify_shop, tiny_product(), FAST)
    caplog.set_level(logging.INFO, logger="videos.jobs.make")

    assert run_job(first.pk) == JobStatus.READY

    assert rendered_with(caplog, first.pk) == "serial, x264 threads 1"
    second.refresh_from_db()
    assert second.status == JobStatus.QUEUED


def test_the_last_job_waiting_renders_with_the_configured_threads(configured, shopify_shop, shopify_emulator,
                                                                  tiny_product, caplog):  # noqa: ANN001
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    caplog.set_level(logging.INFO, logger="videos.jobs.make")

    assert run_job(job.pk) == JobStatus.READY

    assert rendered_with(caplog, job.pk) == "compose_thread, x264 threads 0"
    assert len(videos_on(shopify_emulator, product)) == 1


def test_configured_keeps_the_settings_whatever_waits(configured, shopify_shop, tiny_product):  # noqa: ANN001
    services.create_job(shopify_shop, tiny_product(), FAST)
    assert render_cores() == 1

    configured.SHOWREEL_WORKER_CORES = "configured"

    assert render_cores() is None


def test_finished_jobs_do_not_count_as_waiting(configured, shopify_shop, tiny_product):  # noqa: ANN001
    job = services.create_job(shopify_shop, tiny_product(), FAST)
    assert render_cores() == 1

    job.status = JobStatus.CANCELLED
    job.save(update_fields=["status"])

    assert render_cores() is None
