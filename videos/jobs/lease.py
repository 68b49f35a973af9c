"""Who runs a job: a lease taken and renewed with conditional UPDATEs, so that of two deliveries of the same
task (django-q2 delivers at least once) only one does the work, and a dead worker's job can be taken over
once its lease has expired.

    UPDATE videojob SET lease_owner=?, lease_expires_at=now+lease, attempts=attempts+1
     WHERE id=? AND status NOT IN (ready, failed, cancelled) AND (lease_owner='' OR lease_expires_at < now)

A claim is kept alive by a thread beside the job (`_Keeper`) that renews the lease every
SHOWREEL_JOB_LEASE_RENEW_S whatever the job is doing (a long encode, a wait on Shopify), until `release`; so
the lease can be short, and a worker that dies stops renewing at once. The owner names host and process, so
that a worker on the same machine can tell a dead owner sooner (videos/jobs/reaper.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from videos.jobs.errors import JobCancelled, LeaseLost
from videos.jobs.models import TERMINAL, JobStatus, VideoJob

log = logging.getLogger(__name__)

WORKING = (JobStatus.FETCHING, JobStatus.COMPOSING, JobStatus.RENDERING)


def host_name() -> str:
    """This machine as lease owners name it (the owner column holds host, pid and a random part)."""
    return socket.gethostname()[:30]


def working_here() -> list[VideoJob]:
    """Jobs a worker on this machine is fetching, composing or rendering under a live lease (a job whose
    publishing was handed off uses no core): their id, status, progress and publish flag."""
    return list(VideoJob.objects.filter(status__in=WORKING, lease_owner__startswith=f"{host_name()}:",
                                        lease_expires_at__gt=timezone.now())
                .only("id", "status", "progress", "publish"))


def new_owner() -> str:
    """A name for this run: host, process and a random part (two runs in one process differ too)."""
    return f"{host_name()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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
    if not taken:
        return None
    _start_keeper(job_id, owner)
    return VideoJob.objects.get(pk=job_id)


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
    _stop_keeper(owner)
    VideoJob.objects.filter(pk=job.pk, lease_owner=owner).update(lease_owner="", lease_expires_at=None)


def renew(job_id: Any, owner: str) -> bool:
    """Push the lease out again; False once the job is no longer ours (taken over, finished, cancelled)."""
    return bool(VideoJob.objects.filter(pk=job_id, lease_owner=owner).exclude(status__in=TERMINAL)
                .update(lease_expires_at=lease_until()))


def is_lost(owner: str) -> bool:
    """The keeper found the job no longer ours; the job's next checkpoint raises the reason."""
    keeper = _keepers.get(owner)
    return keeper is not None and keeper.lost.is_set()


class _Keeper(threading.Thread):
    """Renews one claim every SHOWREEL_JOB_LEASE_RENEW_S on its own database connection."""

    def __init__(self, job_id: Any, owner: str) -> None:
        super().__init__(name=f"lease-{owner}", daemon=True)
        self.job_id, self.owner = job_id, owner
        self.stop = threading.Event()
        self.lost = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(settings.SHOWREEL_JOB_LEASE_RENEW_S):
                try:
                    if not renew(self.job_id, self.owner):
                        self.lost.set()
                        return
                except Exception:  # a database blip: try again next time; the lease outlasts a few misses
                    log.warning("jobs: could not renew the lease on %s", self.job_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()


_keepers: dict[str, _Keeper] = {}


def _start_keeper(job_id: Any, owner: str) -> None:
    # Its own connection sees only committed rows: a claim made inside a transaction (tests) renews at the
    # job's checkpoints instead.
    if transaction.get_connection().in_atomic_block:
        return
    keeper = _Keeper(job_id, owner)
    _keepers[owner] = keeper
    keeper.start()


def _stop_keeper(owner: str) -> None:
    keeper = _keepers.pop(owner, None)
    if keeper is not None:
        keeper.stop.set()
        keeper.join(timeout=10)
