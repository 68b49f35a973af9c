"""The one adapter to the task broker (django-q2: the ORM, or Redis when REDIS_URL is set). Tasks are named
by their path (videos/jobs/tasks.py, videos/looks/tasks.py), so nothing here imports a task module."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_q.tasks import async_task

RUN_JOB = "videos.jobs.tasks.run_job_task"
CLEANUP_MEDIA = "videos.jobs.tasks.cleanup_media_task"
MAKE_LOOKS = "videos.looks.tasks.make_looks_task"


def queue_name() -> str:
    """The broker queue, read now rather than at import (tests give each run its own)."""
    return settings.Q_CLUSTER.get("cluster_name") or settings.Q_CLUSTER["name"]


def _submit(func: str, *args: Any, **options: Any) -> str:
    return async_task(func, *args, cluster=queue_name(), **options)


def enqueue_job(job_id: Any) -> str:
    """Hand a job to the workers."""
    return _submit(RUN_JOB, str(job_id), task_name=f"video-job-{job_id}")


def enqueue_media_cleanup(job_id: Any) -> str:
    """Remove the media a cancelled job had already put on its product (in a worker: it calls Shopify)."""
    return _submit(CLEANUP_MEDIA, str(job_id))


def enqueue_looks(look_id: Any) -> str:
    """Make a set of look previews (videos/looks)."""
    return _submit(MAKE_LOOKS, str(look_id))
