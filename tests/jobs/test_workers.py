"""Real worker processes on the test database: one killed at each stage, then the job finished by a re-run
after its lease expired — exactly one video on the product, one credit charged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.jobs.fixtures import manage, videos_on
from videos.jobs import faults, services
from videos.jobs.dispatch import sweep
from videos.jobs.models import JobStatus, VideoJob
from videos.jobs.pipeline import run_job

FAST = {"duration": 2, "music": "none"}
STATUS_AT = {"fetching": "fetching", "composing": "composing", "rendering": "rendering", "uploading": "uploading",
             "attaching": "attaching", "processing": "processing", "replacing": "processing"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", faults.POINTS)
def test_a_worker_killed_at_each_stage_is_finished_by_a_rerun_with_exactly_one_video(
    point, shopify_shop, shopify_emulator, tiny_product, settings
):
    product = tiny_product()
    older = None
    if point in ("processing", "replacing"):  # an earlier video of ours is on the product and must go
        older = services.create_job(shopify_shop, product, FAST)
        run_job(older.pk)
    job = services.create_job(shopify_shop, product, FAST)

    killed = manage(settings, "run_job", str(job.pk), SHOWREEL_JOB_CRASH_AT=point)

    assert killed.returncode == faults.CRASH_EXIT_CODE, killed.stderr[-2000:]
    job.refresh_from_db()
    assert job.status == STATUS_AT[point] and job.lease_owner  # stuck until its lease runs out
    assert sweep()["requeued"] == 0  # the lease is still live: nobody else may take it
    VideoJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert sweep()["requeued"] == 1

    assert run_job(job.pk) == JobStatus.READY

    job.refresh_from_db()
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [job.media_id]
    assert job.attempts == 2 and job.credit_entries.filter(kind="charge").count() == 1
    if older is not None:
        older.refresh_from_db()
        assert older.published is False
