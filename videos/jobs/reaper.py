"""Taking back, soon after it died, a job whose worker process was killed on this machine (out of memory, a
deploy, a crash), instead of waiting for its lease to run out.

A lease owner is "host:pid:random" (videos/jobs/lease.py). A job is an orphan here when its owner names this
host, that process no longer exists, and its lease has not been renewed for two renewal intervals: a live
owner renews every interval from its keeper thread, so the last condition protects a worker on another
machine that happens to share this hostname (another container with the same name and its own process ids).
The takeover is a conditional UPDATE on (lease_owner, lease_expires_at), like every other one, and the job
is handed to the broker again; a copy of the old task that the broker still delivers (the ORM broker
re-delivers an unacknowledged task after Q_CLUSTER["retry"]) is refused by the lease or finds the job done.

Runs in every worker process django-q2 starts (its `post_spawn`, videos/jobs/receivers.py: the Sentinel
replaces a dead worker within a second) and in the every-minute sweep.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from videos.jobs import broker, lease
from videos.jobs.models import TERMINAL, VideoJob

log = logging.getLogger(__name__)


def local_pid(owner: str) -> int | None:
    """The process id in a lease owner naming this host; None for another host or an owner of another form."""
    host, _, rest = owner.partition(":")
    pid, _, _ = rest.partition(":")
    if host != lease.host_name() or not pid.isdigit():
        return None
    return int(pid)


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists here (a zombie, dead but not yet waited for, counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    try:  # Linux: state is the field after "(name)"
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def quiet_for_s() -> float:
    """How long a lease must have gone without renewal before a dead local owner's job is taken back."""
    return min(2 * settings.SHOWREEL_JOB_LEASE_RENEW_S, settings.SHOWREEL_JOB_LEASE_S)


def _renewed_before(now: datetime) -> datetime:
    # A renewal sets lease_expires_at = then + LEASE_S, so "not renewed since now - quiet" reads as this.
    return now + timedelta(seconds=settings.SHOWREEL_JOB_LEASE_S - quiet_for_s())


def orphans() -> list[tuple[Any, str, datetime]]:
    """(id, owner, lease_expires_at) of unfinished jobs held by a process of this host that no longer exists."""
    held = (VideoJob.objects.exclude(status__in=TERMINAL)
            .filter(lease_owner__startswith=f"{lease.host_name()}:", lease_expires_at__isnull=False)
            .values_list("pk", "lease_owner", "lease_expires_at"))
    found = []
    for pk, owner, expires in held:
        pid = local_pid(owner)
        if pid is not None and not process_alive(pid):
            found.append((pk, owner, expires))
    return found


def reap() -> list[Any]:
    """Re-queue the orphans whose lease has been quiet long enough; returns their ids."""
    now = timezone.now()
    quiet = _renewed_before(now)
    taken: list[Any] = []
    for pk, owner, expires in orphans():
        if expires >= quiet:
            continue
        if (VideoJob.objects.filter(pk=pk, lease_owner=owner, lease_expires_at__lt=quiet)
                .exclude(status__in=TERMINAL)
                .update(lease_owner="", lease_expires_at=None, enqueued_at=now, updated_at=now)):
            taken.append(pk)
            transaction.on_commit(lambda pk=pk: broker.enqueue_job(pk))
    if taken:
        log.warning("jobs: re-queued %d job(s) whose worker process on this machine died", len(taken))
    return taken


def watch(limit_s: float | None = None) -> list[Any]:
    """Reap until this host has no orphans left (waiting for each lease to go quiet), for at most about one
    lease: past that the sweep takes expired leases anyway. Returns the ids re-queued."""
    end = time.monotonic() + (settings.SHOWREEL_JOB_LEASE_S + quiet_for_s() if limit_s is None else limit_s)
    taken: list[Any] = []
    while True:
        taken += reap()
        waiting = orphans()
        if not waiting or time.monotonic() >= end:
            return taken
        # Sleep until the first of them has been quiet long enough (renewals move it; look again then).
        first = min(expires for _, _, expires in waiting)
        due = (first - _renewed_before(timezone.now())).total_seconds()
        time.sleep(min(max(due + 0.05, 0.1), settings.SHOWREEL_JOB_LEASE_RENEW_S, max(end - time.monotonic(), 0)))


def start_watch() -> threading.Thread:
    """`watch` on a thread of its own, so a worker that has just started takes work meanwhile."""
    thread = threading.Thread(target=_watch_logged, name="showreel-reaper", daemon=True)
    thread.start()
    return thread


def _watch_logged() -> None:
    try:
        watch()
    except Exception:  # the sweep takes the job once its lease runs out
        log.warning("jobs: looking for jobs of dead workers failed", exc_info=True)
    finally:
        connection.close()
