"""django-q2 entry points. They take ids only and call plain functions; all the logic is elsewhere.

Workers: `python manage.py qcluster`. The sweep runs every minute from a django-q2 schedule (created by
migration 0003) or by hand with `python manage.py sweep_jobs`. Tasks are put on the queue by `broker`.
"""

from __future__ import annotations

from django.conf import settings

from videos.jobs.dispatch import sweep
from videos.jobs.pipeline import run_job
from videos.jobs.publish import remove_job_media


def run_job_task(job_id: str) -> str:
    # A worker does not wait beside Shopify's processing (past a short look the job is parked, waiting.py),
    # nor beside the upload of what it rendered: its process's watcher publishes that.
    return run_job(job_id, wait_inline_s=settings.SHOWREEL_MEDIA_INLINE_WAIT_S, hand_off_publishing=True)


def sweep_jobs_task() -> dict[str, int]:
    return sweep()


def retention_task() -> int:
    """Daily: remove rendered files past SHOWREEL_RETENTION_DAYS (videos.jobs.retention), and look previews
    older than a few days (videos.looks.services)."""
    from videos.jobs.retention import remove_expired_files
    from videos.looks.services import remove_old_looks

    remove_old_looks()
    return remove_expired_files()


def keep_current_task() -> dict[str, int]:
    """Every minute: remake the out-of-date videos whose product edits have settled (videos.jobs.freshness)."""
    from videos.jobs.freshness.services import start_due

    return start_due()


def cleanup_media_task(job_id: str) -> str:
    """Remove the media a cancelled job had already put on its product (best effort)."""
    return remove_job_media(job_id)
