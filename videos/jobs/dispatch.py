"""Handing jobs to the workers: at most SHOWREEL_JOBS_PER_SHOP at a time per shop and no more new videos
than Shopify allows per store per week; the rest wait in line (`queued`, not yet enqueued) and are handed
over as running jobs finish. `sweep()` (every minute) re-queues jobs whose worker died and tops up every
shop's line, so nothing stays stuck even when a worker is killed between two steps.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from videos.jobs import broker, reaper, waiting
from videos.jobs.models import RUNNING, TERMINAL, CreditAccount, JobStatus, VideoJob

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)


def in_flight(shop_id: int) -> Any:
    """Jobs that hold one of the shop's slots: running, or handed to the broker and not started yet. A job
    parked while Shopify processes its video (videos/jobs/waiting.py) uses no worker and holds no slot."""
    return (VideoJob.objects.filter(shop_id=shop_id).exclude(status__in=TERMINAL)
            .filter(Q(status__in=RUNNING) | Q(enqueued_at__isnull=False)).filter(media_check_at__isnull=True))


def jobs_waiting() -> bool:
    """Whether any job, of any shop, is waiting to start (in the broker or in its shop's line): a worker's
    cores will not stay idle for long."""
    return VideoJob.objects.filter(status=JobStatus.QUEUED).exists()


def videos_this_week(shop_id: int) -> int:
    """Videos this app created (or may be about to create) on the store in the last 7 days. About to: a
    publishing job not attached yet that is running or handed to the broker; a parked one counts too (a worker
    handed its publishing to a watcher, videos/jobs/waiting.py), though it holds no slot."""
    since = timezone.now() - WEEK
    created = VideoJob.objects.filter(shop_id=shop_id, attach_attempted_at__gte=since).count()
    pending = (VideoJob.objects.filter(shop_id=shop_id, publish=True, attach_attempted_at__isnull=True)
               .exclude(status__in=TERMINAL).filter(Q(status__in=RUNNING) | Q(enqueued_at__isnull=False))
               .count())  # a parked job's status is one of RUNNING
    return created + pending


def dispatch(shop_id: int) -> list[Any]:
    """Hand the shop's next waiting jobs to the broker, as far as the limits allow; returns their ids."""
    cap = settings.SHOWREEL_JOBS_PER_SHOP
    now = timezone.now()
    with transaction.atomic():
        # One dispatcher per shop at a time (PostgreSQL row lock; SQLite's IMMEDIATE transactions serialise).
        list(CreditAccount.objects.select_for_update().filter(shop_id=shop_id).values_list("pk", flat=True))
        slots = cap - in_flight(shop_id).count()
        waiting = VideoJob.objects.filter(shop_id=shop_id, status=JobStatus.QUEUED, enqueued_at__isnull=True)
        weekly_left = settings.SHOWREEL_WEEKLY_VIDEO_LIMIT - videos_this_week(shop_id)
        chosen: list[Any] = []
        blocked_by_week = False
        if slots > 0:
            for pk, publish in waiting.order_by("created_at", "pk").values_list("pk", "publish")[: slots * 4]:
                if len(chosen) >= slots:
                    break
                if publish:
                    if weekly_left <= 0:
                        blocked_by_week = True
                        continue
                    weekly_left -= 1
                chosen.append(pk)
        if chosen:
            VideoJob.objects.filter(pk__in=chosen, enqueued_at__isnull=True).update(
                enqueued_at=now, wait_reason="Waiting for a free worker", updated_at=now)
        if blocked_by_week:
            reason = (f"Waiting: Shopify lets an app add {settings.SHOWREEL_WEEKLY_VIDEO_LIMIT:,} videos per store "
                      "per week; this one starts when the week's count allows")
        else:
            reason = f"Waiting in line: {cap} video(s) are made at a time per store"
        waiting.exclude(pk__in=chosen).exclude(wait_reason=reason).update(wait_reason=reason)
        transaction.on_commit(lambda: _enqueue_all(chosen))
    return chosen


def _enqueue_all(job_ids: list[Any]) -> None:
    for job_id in job_ids:
        broker.enqueue_job(job_id)


def requeue_after_s() -> float:
    """A job handed to the broker this long ago without a worker on it is handed over again (the broker
    itself re-delivers an unacknowledged task after Q_CLUSTER["retry"] seconds)."""
    return float(settings.Q_CLUSTER.get("retry", 960)) + 60.0


def sweep() -> dict[str, int]:
    """Re-queue jobs whose worker died (lease expired) or whose task got lost, then refill every shop's
    slots. Safe to run anywhere, any number of times: a second delivery of a job is refused by its lease."""
    now = timezone.now()
    reaped = reaper.reap()  # this machine's dead workers, before their leases run out (handed over already)
    requeued: list[Any] = []
    with transaction.atomic():
        expired = (VideoJob.objects.exclude(status__in=TERMINAL).exclude(lease_owner="")
                   .filter(lease_expires_at__lt=now))
        for pk in list(expired.values_list("pk", flat=True)):
            if expired.filter(pk=pk).update(lease_owner="", lease_expires_at=None, enqueued_at=now, updated_at=now):
                requeued.append(pk)
        lost = (VideoJob.objects.exclude(status__in=TERMINAL).filter(lease_owner="")
                .filter(enqueued_at__lt=now - timedelta(seconds=requeue_after_s())))
        for pk in list(lost.values_list("pk", flat=True)):
            if lost.filter(pk=pk).update(enqueued_at=now, updated_at=now):
                requeued.append(pk)
        # Parked jobs that no watcher looked at (its process is gone): a worker's run looks at them instead.
        unwatched = waiting.overdue().exclude(pk__in=requeued)  # an expired lease above: handed over once
        for pk in list(unwatched.values_list("pk", flat=True)):
            if unwatched.filter(pk=pk).update(media_check_at=now + timedelta(seconds=waiting.overdue_after_s()),
                                              updated_at=now):
                requeued.append(pk)
        transaction.on_commit(lambda: _enqueue_all(requeued))
    if requeued:
        log.warning("jobs: re-queued %d job(s) whose worker stopped or whose task was lost", len(requeued))
    requeued += reaped
    shops = set(VideoJob.objects.filter(status=JobStatus.QUEUED, enqueued_at__isnull=True)
                .values_list("shop_id", flat=True).distinct())
    dispatched = sum(len(dispatch(shop_id)) for shop_id in shops)
    return {"requeued": len(requeued), "dispatched": dispatched}
