"""Rendered files in S3-compatible object storage (a real server on loopback: moto's standalone server), and
the retention task that removes old ones."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from videos.jobs import files
from videos.jobs.models import JobStatus, VideoJob
from videos.jobs.retention import remove_expired_files


def test_s3_round_trip_store_link_copy_and_delete(s3_bucket, s3_server, tmp_path):
    # Given a rendered file on this machine
    local = tmp_path / "video.mp4"
    local.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    # When it is stored, linked for the preview player, fetched back by another "machine", and removed
    name = files.store(local, "showreel/1/job-a/video.mp4")
    link = files.url(name)
    copy = files.local_copy(name, tmp_path / "elsewhere" / "copy.mp4")
    served = httpx.get(link, timeout=10)
    # Then the link is a pre-signed one from the object store itself, serving the same bytes
    assert link.startswith(f"{s3_server}/{s3_bucket}/showreel/1/job-a/video.mp4?")
    assert "X-Amz-Signature=" in link and "X-Amz-Expires=3600" in link
    assert served.status_code == 200 and served.content == local.read_bytes()
    assert copy != local and copy.read_bytes() == local.read_bytes()
    # and a job's folder goes with everything in it
    files.store(local, "showreel/1/job-a/poster.jpg")
    files.delete_prefix("showreel/1/job-a")
    assert not files.exists(name) and default_storage.listdir("showreel/1") == ([], [])


def test_storing_again_replaces_what_a_crashed_run_left(s3_bucket, tmp_path):
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    first.write_bytes(b"first run")
    second.write_bytes(b"second run")
    assert files.store(first, "showreel/1/j/video.mp4") == files.store(second, "showreel/1/j/video.mp4")
    with default_storage.open("showreel/1/j/video.mp4", "rb") as handle:
        assert handle.read() == b"second run"


# --- retention ---------------------------------------------------------------------------------------
def _job(shop, product: str, *, days_ago: float, published: bool = True, status: str = JobStatus.READY) -> VideoJob:  # noqa: ANN001
    job = VideoJob.objects.create(shop=shop, product_id=product, status=status, published=published)
    job.video_file = default_storage.save(files.job_file_name(job, "video.mp4"), _content(b"video"))
    job.poster_file = default_storage.save(files.job_file_name(job, "poster.jpg"), _content(b"poster"))
    job.finished_at = timezone.now() - timedelta(days=days_ago)
    job.save()
    return job


def _content(data: bytes):  # noqa: ANN202
    from django.core.files.base import ContentFile

    return ContentFile(data)


@pytest.mark.django_db
def test_retention_removes_old_files_and_keeps_each_products_current_video(shopify_shop, settings):
    settings.SHOWREEL_RETENTION_DAYS = 30
    # Given, on product A, an old video since replaced by a newer (also old) one that is on the product now;
    # on product B an old failed job's files, an old unpublished render and a recent one
    replaced = _job(shopify_shop, "gid://shopify/Product/1", days_ago=60)
    current = _job(shopify_shop, "gid://shopify/Product/1", days_ago=45)
    failed = _job(shopify_shop, "gid://shopify/Product/2", days_ago=31, published=False, status=JobStatus.FAILED)
    unpublished = _job(shopify_shop, "gid://shopify/Product/2", days_ago=40, published=False)
    recent = _job(shopify_shop, "gid://shopify/Product/2", days_ago=2, published=False)
    # When the daily task runs
    cleared = remove_expired_files()
    # Then the files past 30 days are gone from storage and from their rows, except the product's current video
    assert cleared == 3
    for job in (replaced, failed, unpublished):
        old_names = (job.video_file, job.poster_file)
        job.refresh_from_db()
        assert (job.video_file, job.poster_file) == ("", "")
        assert not any(default_storage.exists(name) for name in old_names)
    for job in (current, recent):
        kept = VideoJob.objects.get(pk=job.pk)
        assert kept.video_file == job.video_file and default_storage.exists(job.video_file)
    # and a second run has nothing left to do
    assert remove_expired_files() == 0


@pytest.mark.django_db
def test_retention_is_a_daily_schedule():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="videos.jobs.tasks.retention_task")
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.DAILY, -1)
