"""Jobs whose video is on the product while Shopify processes it, waiting without a worker.

A worker that finds the new media still processing does not sit beside it: it parks the job (status
`processing`, no lease, `media_check_at` = when to look next; a conditional UPDATE while it holds the lease)
and takes the next render. A parked job holds none of the shop's slots (videos/jobs/dispatch.py), so the
shop's next job starts at once.

Looking again is the job run once more, with no waiting inline (`run_job(..., wait_inline_s=0)`): its
processing stage asks Shopify once and finishes the job (READY, older videos removed, credit charged) or
parks it again. Those looks are made by a thread of the process that parked the job: a few database writes
and one Admin API call each, beside the render the process is busy with, and no broker round trip (django-q2
has no delayed tasks, and its scheduler ticks every 30 s). Crash safety is in the rows: a look takes the
job's lease like any run, and if the process that parked a job is gone, the sweep hands an overdue parked
job to the broker (videos/jobs/dispatch.py), where any worker's run looks again.

The same thread publishes a job a worker has just rendered (`take_publishing` / `publish`): the worker parks
it before the upload and renders the next job, at most one such hand-off per process at a time.
"""

from __future__ import annotations

import heapq
import logging
import multiprocessing.util
import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from videos.jobs.models import TERMINAL, VideoJob

log = logging.getLogger(__name__)

# A parked job whose look is this much overdue (or three poll intervals, if longer) has no live watcher: its
# process died or was recycled.
OVERDUE_S = 30.0
IDLE_EXIT_S = 60.0  # the watcher thread ends after this long with nothing to watch
FIRST_LOOK_S = 0.5


def next_look_s(waited_s: float) -> float:
    """When to look again: soon at first (short videos are ready within a second or two), then every
    SHOWREEL_MEDIA_POLL_S."""
    return min(settings.SHOWREEL_MEDIA_POLL_S, max(FIRST_LOOK_S, waited_s / 2))


def park(job: VideoJob, owner: str, look_in_s: float) -> bool:
    """Hand the wait off this worker: release the lease and record when to look next. A clean stop, so it
    gives back the attempt its claim counted. False when the job is no longer ours (cancelled, taken over)."""
    now = timezone.now()
    return bool(
        VideoJob.objects.filter(pk=job.pk, lease_owner=owner).exclude(status__in=TERMINAL)
        .update(media_check_at=now + timedelta(seconds=look_in_s), lease_owner="", lease_expires_at=None,
                enqueued_at=None, attempts=Greatest(F("attempts") - 1, 0), updated_at=now)
    )


def overdue_after_s() -> float:
    return max(OVERDUE_S, 3 * settings.SHOWREEL_MEDIA_POLL_S)


def overdue() -> Any:
    """Parked jobs nobody has looked at for a while (no live watcher): for the sweep to hand to the broker."""
    limit = timezone.now() - timedelta(seconds=overdue_after_s())
    return (VideoJob.objects.exclude(status__in=TERMINAL)
            .filter(media_check_at__lt=limit, lease_owner=""))


# --- the watcher thread -------------------------------------------------------------------------------
_lock = threading.Condition()
# (time.monotonic() when due, job id, the look: the pipeline's one-look run, passed in so that this module
# needs nothing from the pipeline that parks jobs here)
_due: list[tuple[float, str, Callable[[str], str]]] = []
_thread: threading.Thread | None = None


def watch(job_id: Any, look_in_s: float, look: Callable[[str], str]) -> bool:
    """Call `look(job_id)` in `look_in_s` seconds, from this process's watcher thread; False when refused."""
    global _thread
    if transaction.get_connection().in_atomic_block:
        return False  # a thread sees committed rows only; inside a transaction (tests) the caller looks itself
    with _lock:
        heapq.heappush(_due, (time.monotonic() + look_in_s, str(job_id), look))
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_watch, name="showreel-media-watcher", daemon=True)
            _thread.start()
        _lock.notify_all()
    return True


# --- publishing handed off by a worker -----------------------------------------------------------------
# Handed-off jobs this process's watcher has not finished publishing (pending or in progress), under _lock.
# One at a time: a worker that renders faster than the watcher uploads publishes inline again.
MAX_PUBLISHING = 1
# A worker process that is leaving (django-q2 recycling it, or the cluster stopping for a deploy) waits this long
# for its watcher to finish the upload it was handed, within the grace period platforms give a stopping
# process; past it the job is the sweep's, as when a process is killed.
EXIT_WAIT_S = 25.0
_publishing = 0
_exit_hook_pid: int | None = None


def take_publishing() -> bool:
    """Reserve this process's publishing hand-off. False while one is pending or in progress, and inside a
    transaction (the watcher thread would not see the job's rows). Pair with `publish` or `give_back_publishing`."""
    global _publishing
    if transaction.get_connection().in_atomic_block:
        return False
    with _lock:
        if _publishing >= MAX_PUBLISHING:
            return False
        _publishing += 1
    _wait_at_exit()
    return True


def _wait_at_exit() -> None:
    """Once per process: when it leaves, let the watcher finish a hand-off first (multiprocessing runs its
    finalizers as a django-q2 worker process ends; atexit covers a plain process)."""
    global _exit_hook_pid
    if _exit_hook_pid == os.getpid():
        return
    _exit_hook_pid = os.getpid()
    multiprocessing.util.Finalize(None, wait_for_publishing, exitpriority=10)


def wait_for_publishing(timeout_s: float = EXIT_WAIT_S) -> bool:
    """Block until this process has no hand-off pending or in progress (True), or `timeout_s` passed (False)."""
    deadline = time.monotonic() + timeout_s
    with _lock:
        while _publishing:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _lock.wait(left)
    return True


def publishing_count() -> int:
    """Hand-offs this process's watcher is publishing or about to."""
    with _lock:
        return _publishing


def give_back_publishing() -> None:
    global _publishing
    with _lock:
        _publishing = max(0, _publishing - 1)
        _lock.notify_all()


def publish(job_id: Any, look: Callable[[str], str]) -> None:
    """Publish a parked job from the watcher thread now (reserved with `take_publishing`); the reservation
    ends with that look, however it ends."""
    def publish_once(job_id: str) -> str:
        try:
            return look(job_id)
        finally:
            give_back_publishing()

    if not watch(job_id, 0, publish_once):
        give_back_publishing()  # nobody will look: the sweep hands the job to the broker


def _next_due() -> tuple[str, Callable[[str], str]] | None:
    """Wait for the next due job id and its look; None once there has been nothing to watch for IDLE_EXIT_S."""
    global _thread
    with _lock:
        idle_since = time.monotonic()
        while True:
            if not _due:
                if time.monotonic() - idle_since >= IDLE_EXIT_S:
                    _thread = None
                    return None
                _lock.wait(IDLE_EXIT_S)
                continue
            wait = _due[0][0] - time.monotonic()
            if wait <= 0:
                _, job_id, look = heapq.heappop(_due)
                return job_id, look
            _lock.wait(wait)


def _watch() -> None:
    try:
        while (due := _next_due()) is not None:
            job_id, look = due
            try:
                outcome = look(job_id)  # parks the job again (and re-registers it) while Shopify is not done
                log.debug("jobs: looked at %s: %s", job_id, outcome)
            except Exception:  # one bad look must not stop the others; the sweep covers this job
                log.exception("jobs: looking at %s failed", job_id)
            finally:
                connection.close()  # no connection held open while the thread waits for the next look
    finally:
        connection.close()
