"""How many cores a worker's render uses: one while every core of the machine has a job and more wait, or the
other jobs have most of their work ahead (a worker per core keeps to its own); the configured threads while a
core is idle or soon will be (the last job of a batch takes the cores the others leave)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.jobs.fixtures import videos_on
from videos.jobs import lease, make, services
from videos.jobs.make import render_cores
from videos.jobs.models import JobStatus, VideoJob
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

FAST = {"duration": 2, "music": "none"}


@pytest.fixture
def configured(settings):  # noqa: ANN001, ANN201
    settings.VIDEO_X264_THREADS = 0
    settings.VIDEO_RENDER_ARRANGEMENT = "compose_thread"
    settings.SHOWREEL_WORKER_CORES = "auto"
    return settings


def cores(monkeypatch, count: int) -> None:  # noqa: ANN001
    monkeypatch.setattr(make, "usable_cores", lambda: count)


def rendering_here(shop, product: str, progress: int = 20) -> VideoJob:  # noqa: ANN001
    """A job another worker of this machine is rendering (progress 20: its render has just begun; its render
    spans 20-70 of a publishing job's progress)."""
    job = services.create_job(shop, product, FAST)
    VideoJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RENDERING, progress=progress, lease_owner=f"{lease.host_name()}:1:other",
        lease_expires_at=timezone.now() + timedelta(seconds=60))
    return job


def rendered_with(caplog: pytest.LogCaptureFixture, job_id: object) -> str:
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"jobs: {job_id} rendered")]
    return line.rsplit("(", 1)[1].rstrip(")")


def test_a_render_keeps_to_one_core_while_all_are_busy_and_another_job_waits(
        configured, monkeypatch, shopify_shop, shopify_emulator, tiny_product, caplog):  # noqa: ANN001
    # Given two cores, one of them rendering another job, and a job waiting
    cores(monkeypatch, 2)
    rendering_here(shopify_shop, tiny_product())
    first = services.create_job(shopify_shop, tiny_product(), FAST)
    waiting = services.create_job(shopify_shop, tiny_product(), FAST)
    caplog.set_level(logging.INFO, logger="videos.jobs.make")
    # When the first one runs
    assert run_job(first.pk) == JobStatus.READY
    # Then it rendered on one core, and the waiting job still waits
    assert rendered_with(caplog, first.pk) == "serial, x264 threads 1"
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.QUEUED


def test_a_render_uses_the_configured_threads_while_a_core_is_idle(
        configured, monkeypatch, shopify_shop, shopify_emulator, tiny_product, caplog):  # noqa: ANN001
    # Given four cores and two jobs at work (a shop's cap of 2 keeps the others in its line)
    cores(monkeypatch, 4)
    rendering_here(shopify_shop, tiny_product())
    job = services.create_job(shopify_shop, tiny_product(), FAST)
    services.create_job(shopify_shop, tiny_product(), FAST)
    caplog.set_level(logging.INFO, logger="videos.jobs.make")

    assert run_job(job.pk) == JobStatus.READY

    assert rendered_with(caplog, job.pk) == "compose_thread, x264 threads 0"


def test_the_last_job_renders_with_the_configured_threads(configured, monkeypatch, shopify_shop, shopify_emulator,
                                                          tiny_product, caplog):  # noqa: ANN001
    # Given two cores, this job the only one at work, and nothing waiting
    cores(monkeypatch, 2)
    product = tiny_product()
    job = services.create_job(shopify_shop, product, FAST)
    caplog.set_level(logging.INFO, logger="videos.jobs.make")

    assert run_job(job.pk) == JobStatus.READY

    assert rendered_with(caplog, job.pk) == "compose_thread, x264 threads 0"
    assert len(videos_on(shopify_emulator, product)) == 1


def test_configured_keeps_the_settings_whatever_waits(configured, monkeypatch, shopify_shop, tiny_product):  # noqa: ANN001
    cores(monkeypatch, 1)
    rendering_here(shopify_shop, tiny_product())
    services.create_job(shopify_shop, tiny_product(), FAST)
    assert render_cores(None) == 1

    configured.SHOWREEL_WORKER_CORES = "configured"

    assert render_cores(None) is None


@pytest.mark.parametrize(("other_progress", "rendered"), [
    (22, "serial, x264 threads 1"),  # just begun: its core stays busy for most of this render
    (58, "compose_thread, x264 threads 0"),  # three quarters done: its core frees up early in this render
], ids=["other-just-begun", "other-past-its-middle"])
def test_the_last_job_of_a_batch_takes_a_core_only_when_the_other_render_is_past_its_middle(
        other_progress, rendered, configured, monkeypatch, shopify_shop, shopify_emulator, tiny_product,
        caplog):  # noqa: ANN001
    # Given two cores, one rendering another job, and nothing waiting
    cores(monkeypatch, 2)
    rendering_here(shopify_shop, tiny_product(), progress=other_progress)
    job = services.create_job(shopify_shop, tiny_product(), FAST)
    caplog.set_level(logging.INFO, logger="videos.jobs.make")
    # When the last job runs
    assert run_job(job.pk) == JobStatus.READY
    # Then it keeps to one core while the other render has most of its work ahead
    assert rendered_with(caplog, job.pk) == rendered


def test_finished_jobs_do_not_wait_and_expired_leases_do_not_work(configured, monkeypatch, shopify_shop,
                                                                  tiny_product):  # noqa: ANN001
    # Given one core with a render past its middle, and a job waiting
    cores(monkeypatch, 1)
    working = rendering_here(shopify_shop, tiny_product(), progress=50)
    queued = services.create_job(shopify_shop, tiny_product(), FAST)
    assert render_cores(None) == 1
    # When the waiting job is cancelled, nothing waits: the render ending soon leaves its core
    VideoJob.objects.filter(pk=queued.pk).update(status=JobStatus.CANCELLED)
    assert render_cores(None) is None

    services.create_job(shopify_shop, tiny_product(), FAST)
    assert render_cores(None) == 1
    # When the working job's lease has expired, it holds no core
    VideoJob.objects.filter(pk=working.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert render_cores(None) is None


def test_on_four_cores_a_render_keeps_to_one_only_while_every_core_stays_busy(configured, monkeypatch,
                                                                             shopify_shop, tiny_product):  # noqa: ANN001
    # Given four cores: this render starting, two others just begun and one three quarters done
    cores(monkeypatch, 4)
    this = rendering_here(shopify_shop, tiny_product(), progress=20)
    rendering_here(shopify_shop, tiny_product(), progress=22)
    rendering_here(shopify_shop, tiny_product(), progress=25)
    ending = rendering_here(shopify_shop, tiny_product(), progress=58)
    # When nothing waits, then this render takes the configured threads: a core frees up early in it
    assert render_cores(this.pk) is None
    # When the fourth job has also just begun, every core stays busy: one core each
    VideoJob.objects.filter(pk=ending.pk).update(progress=24)
    assert render_cores(this.pk) == 1
