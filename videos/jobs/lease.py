"""Who runs a job: a lease taken and renewed with conditional UPDATEs, so that of two deliveries of the same
task (django-q2 delivers at least once) only one does the work, and a dead worker's job can be taken over
once its lease has expired.

    UPDATE videojob SET lease_owner=?, lease_expires_at=now+lease, attempts=attempts+1
     WHERE id=? AND status NOT IN (ready, failed, cancelled) AND (lease_owner='' OR lease_expires_at < now)
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from videos.jobs.errors import JobCancelled, LeaseLost
from videos.jobs.models import TERMINAL, VideoJob


def new_owner() -> str:
    """A name for this run: host, process and a random part (two runs in one process differ too)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_until():  # noqa: ANN201 (a datetime)
    return timezone.now() + timedelta(seconds=settings.SHOWREEL_JOB_LEASE_S)


def claim(job_id: Any, owner: str) -> VideoJob | None:
    """Take the job if it is unfinished and nobody holds a live lease on it; None otherwise."""
    now = timezone.now()
    taken = (
        VideoJob.objects.filter(pk=job_id)
        .exclude(status__in=TERMINAL)
        .filter(Q(lease_owner="") | Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_owner=owner,
            lease_expires_at=lease_until(),
            attempts=Coalesce("attempts", 0) + 1,
            started_at=Coalesce("started_at", now),
            updated_at=now,
        )
    )
    return VideoJob.objects.get(pk=job_id) if taken else None


def update(job: VideoJob, owner: str, **fields: Any) -> None:
    """Write `fields` (and renew the lease) only while we still hold the job and it is unfinished.

    Raises `JobCancelled` when it was cancelled or failed meanwhile, `LeaseLost` when another worker took it."""
    now = timezone.now()
    fields = {**fields, "lease_expires_at": lease_until(), "updated_at": now}
    done = (
        VideoJob.objects.filter(pk=job.pk, lease_owner=owner)
        .exclude(status__in=TERMINAL)
        .update(**fields)
    )
    if not done:
        current = VideoJob.objects.filter(pk=job.pk).values("status", "lease_owner").first()
        if current is None or current["status"] in TERMINAL:
            raise JobCancelled(str(job.pk))
        raise LeaseLost(str(job.pk))
    for name, value in fields.items():
        setattr(job, name, value)


def record(job: VideoJob, owner: str, **fields: Any) -> None:
    """Write `fields` while we hold the lease even if the job was cancelled meanwhile: for facts that must
    not be lost, like the id of media Shopify has just created (a cancel then knows what to remove)."""
    if VideoJob.objects.filter(pk=job.pk, lease_owner=owner).update(**fields, updated_at=timezone.now()):
        for name, value in fields.items():
            setattr(job, name, value)


def release(job: VideoJob, owner: str) -> None:
    VideoJob.objects.filter(pk=job.pk, lease_owner=owner).update(lease_owner="", lease_expires_at=None)
