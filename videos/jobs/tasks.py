"""django-q2 entry points. They take ids only and call plain functions; all the logic is elsewhere.

Workers: `python manage.py qcluster`. The sweep runs every minute from a django-q2 schedule (created by
migration 0003) or by hand with `python manage.py sweep_jobs`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def queue_name() -> str:
    """The broker queue, read now rather than at import (tests give each run its own)."""
    return settings.Q_CLUSTER.get("cluster_name") or settings.Q_CLUSTER["name"]


def enqueue(job_id: Any) -> str:
    """Hand a job to the broker (ORM, or Redis when REDIS_URL is set)."""
    from django_q.tasks import async_task

    return async_task("videos.jobs.tasks.run_job_task", str(job_id), task_name=f"video-job-{job_id}",
                      cluster=queue_name())


def run_job_task(job_id: str) -> str:
    from videos.jobs.pipeline import run_job

    return run_job(job_id)


def sweep_jobs_task() -> dict[str, int]:
    from videos.jobs.dispatch import sweep

    return sweep()


def cleanup_media_task(job_id: str) -> str:
    """Remove the media a cancelled job had already put on its product (best effort)."""
    from videos.jobs.publish import remove_job_media

    return remove_job_media(job_id)
