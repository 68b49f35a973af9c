"""Running a job: claim it (lease), find the first stage not yet done, run the stages in order, then finish
(READY, credit charged) or fail (plain message, credit released, our half-made media removed).

queued -> fetching -> composing -> rendering -> [uploading -> attaching -> processing] -> ready
                                                                         (or failed / cancelled)

A worker leaves a video Shopify is still processing to a watcher (videos/jobs/waiting.py) and takes the next
job; with `hand_off_publishing` it leaves the whole publishing (upload, attach, processing) to that watcher
once the render is done, one job per process at a time. A single 401 is checked with one more call before the
job is failed as uninstalled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopify_app import services as shopify_services
from shopify_app.admin_api import operations
from shopify_app.admin_api.errors import ShopifyError, ShopUninstalledError
from shopify_app.admin_api.transport import Transport
from shopify_app.models import Shop
from videos.jobs import credits, files, lease, waiting
from videos.jobs.context import StageContext, progress_range
from videos.jobs.dispatch import dispatch
from videos.jobs.errors import JobCancelled, JobError, LeaseLost, WaitingOnShopify, as_job_error
from videos.jobs.fetch import fetch_stage, inputs_ready
from videos.jobs.make import compose_stage, render_stage, spec_ready
from videos.jobs.models import TERMINAL, JobStatus, VideoJob
from videos.jobs.publish import attach_stage, processing_stage, remove_job_media, staged_fresh, upload_stage

log = logging.getLogger(__name__)

Stage = Callable[[StageContext], None]
# (status, stage), in order; the progress each spans is context.PROGRESS
STAGES: list[tuple[str, Stage]] = [
    (JobStatus.FETCHING, fetch_stage),
    (JobStatus.COMPOSING, compose_stage),
    (JobStatus.RENDERING, render_stage),
    (JobStatus.UPLOADING, upload_stage),
    (JobStatus.ATTACHING, attach_stage),
    (JobStatus.PROCESSING, processing_stage),
]
ORDER = [status for status, _stage in STAGES]


def first_stage(job: VideoJob) -> str | None:
    """The first stage whose result is not recorded yet (None: only finishing is left)."""
    if job.publish:
        if job.media_id:
            return JobStatus.PROCESSING
        if staged_fresh(job) and files.exists(job.video_file):
            return JobStatus.ATTACHING
    if files.exists(job.video_file):
        return JobStatus.UPLOADING if job.publish else None
    if spec_ready(job.spec):
        return JobStatus.RENDERING
    if job.spec is None and inputs_ready(job.inputs):
        return JobStatus.COMPOSING
    return JobStatus.FETCHING


WAITING = "waiting for Shopify"
HANDED_OFF = "publishing handed off"


def look_again(job_id: Any) -> str:
    """One look at a job parked while Shopify processes its video: Shopify is asked once; the job is finished
    or parked again."""
    return run_job(job_id, wait_inline_s=0)


def run_job(job_id: Any, *, transport: Transport | None = None, wait_inline_s: float | None = None,
            hand_off_publishing: bool = False) -> str:
    """Run (or resume) a job; returns what happened. Safe to call any number of times, concurrently.

    With `wait_inline_s` (workers), a video Shopify is still processing after that long is left to a watcher
    (videos/jobs/waiting.py) and the worker is free; without it the call waits until the job ends. With
    `hand_off_publishing` (workers; never the watcher's own runs) a rendered job is parked before its upload
    and published by this process's watcher, unless that watcher is already publishing one."""
    owner = lease.new_owner()
    job = lease.claim(job_id, owner)
    if job is None:
        return "skipped: finished, or another worker holds it"
    shop_id = job.shop_id
    try:
        if job.attempts > settings.SHOWREEL_JOB_MAX_ATTEMPTS:
            raise JobError("too_many_attempts", f"The video could not be finished: its worker stopped "
                           f"{job.attempts - 1} times while making it. Try again, or contact support if it keeps failing.")
        if _run_stages(job, owner, transport, wait_inline_s, hand_off_publishing):
            return _hand_off(job, owner)
        _finish(job, owner)
        return JobStatus.READY
    except WaitingOnShopify as parked:
        if not waiting.park(job, owner, parked.look_in_s):
            return "stopped: cancelled or taken over while parking"
        files.remove_work_dir(job.pk)  # what is left needs no local files
        waiting.watch(job.pk, parked.look_in_s, look_again)
        return WAITING
    except JobCancelled:
        log.info("jobs: %s was cancelled while running", job.pk)
        remove_job_media(job.pk)
        return JobStatus.CANCELLED
    except LeaseLost:
        log.warning("jobs: %s lost its lease to another worker; stopping", job.pk)
        return "lease lost"
    except Exception as exc:  # every failure ends the job with a plain message, never a stuck status
        error = as_job_error(exc, stage=job.status)
        if error.code == "internal_error":
            log.exception("jobs: %s failed in %s", job.pk, job.status)
        else:
            log.info("jobs: %s failed in %s: %s (%s)", job.pk, job.status, error.code, exc)
        _fail(job, owner, error)
        return JobStatus.FAILED
    finally:
        lease.release(job, owner)
        if VideoJob.objects.filter(pk=job.pk, status__in=TERMINAL).exists():
            files.remove_work_dir(job.pk)
        dispatch(shop_id)  # a slot is free: hand over the shop's next waiting job


def _run_stages(job: VideoJob, owner: str, transport: Transport | None, wait_inline_s: float | None,
                hand_off_publishing: bool) -> bool:
    """Run the stages not done yet. True: stopped before the upload, with this process's publishing hand-off
    reserved (waiting.take_publishing) for `_hand_off`."""
    start = first_stage(job)
    if start is None:
        return False
    for status, stage in STAGES[ORDER.index(start):]:
        if not job.publish and status not in (JobStatus.FETCHING, JobStatus.COMPOSING, JobStatus.RENDERING):
            break
        if status == JobStatus.UPLOADING and hand_off_publishing and waiting.take_publishing():
            return True
        low, high = progress_range(status, publishing=job.publish)
        lease.update(job, owner, status=status, progress=max(job.progress, low), wait_reason="")
        context = StageContext(job, owner, transport, (low, high), wait_inline_s)
        began = time.monotonic()
        try:
            _with_retries(context, status, stage)
        except WaitingOnShopify:
            lease.update(job, owner, timings=_timings(job, status, began))
            raise
        lease.update(job, owner, progress=high, timings=_timings(job, status, began))
    return False


def _hand_off(job: VideoJob, owner: str) -> str:
    """Park a rendered job (status and progress as the render left them) for this process's watcher to
    publish now; a claim is exclusive, so if this process dies the sweep's broker delivery publishes it."""
    try:
        parked = waiting.park(job, owner, 0)
    except BaseException:
        waiting.give_back_publishing()
        raise
    if not parked:
        waiting.give_back_publishing()
        return "stopped: cancelled or taken over while parking"
    files.remove_work_dir(job.pk)  # the upload reads the video from storage, not from the work folder
    waiting.publish(job.pk, look_again)
    return HANDED_OFF


def _timings(job: VideoJob, status: str, began: float) -> dict[str, float]:
    """The job's seconds per stage, this run's time in `status` added (a stage may run over several runs)."""
    return {**(job.timings or {}), status: round((job.timings or {}).get(status, 0) + time.monotonic() - began, 3)}


def _with_retries(context: StageContext, status: str, stage: Stage) -> None:
    tries = settings.SHOWREEL_STAGE_RETRIES + 1
    for attempt in range(1, tries + 1):
        try:
            stage(context)
            return
        except Exception as exc:
            error = as_job_error(exc, stage=status)
            if isinstance(exc, ShopUninstalledError) and exc.status == 401 and access_still_granted(context):
                error = JobError("shopify_access_refused", "Shopify briefly refused this app's access, so the video "
                                 "was not finished. Try again.", retryable=True)
                context.forget_client()  # the retry reads the shop's token afresh
            if not error.retryable or attempt == tries:
                if error is exc:
                    raise
                raise error from exc
            delay = settings.SHOWREEL_RETRY_BACKOFF_S * 2 ** (attempt - 1)
            log.warning("jobs: %s %s failed (%s), try %d of %d in %.1fs", context.job.pk, status, error.code,
                        attempt + 1, tries, delay)
            context.sleep(delay)


def access_still_granted(ctx: StageContext) -> bool:
    """After a 401: one call with the shop's stored token. A single 401 can be Shopify's own hiccup; the app
    counts as uninstalled only when the app/uninstalled webhook came (the shop row says so) or Shopify refuses
    the token again."""
    try:
        shop = Shop.objects.get(pk=ctx.job.shop_id)  # fresh: the uninstall webhook may have come meanwhile
        operations.get_shop_plan(shopify_services.admin_client(shop, transport=ctx.transport))
    except (Shop.DoesNotExist, ShopUninstalledError):
        return False
    except ShopifyError:
        return True  # Shopify is in trouble; that says nothing against the token
    return True


def _finish(job: VideoJob, owner: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        done = (VideoJob.objects.filter(pk=job.pk, lease_owner=owner).exclude(status__in=TERMINAL)
                .update(status=JobStatus.READY, progress=100, finished_at=now, updated_at=now, error_code="",
                        error_message="", wait_reason="", lease_owner="", lease_expires_at=None,
                        media_check_at=None))
        if not done:
            raise JobCancelled(str(job.pk))
        credits.charge(job)
    job.status = JobStatus.READY


def _fail(job: VideoJob, owner: str, error: JobError) -> None:
    # A video this job put (or may have put) on the product but that is not the product's video now: off again.
    fresh = VideoJob.objects.filter(pk=job.pk).first()
    if fresh is not None and (fresh.media_id or fresh.attach_attempted_at) and not fresh.media_ready_at:
        remove_job_media(job.pk)
    now = timezone.now()
    with transaction.atomic():
        done = (VideoJob.objects.filter(pk=job.pk, lease_owner=owner).exclude(status__in=TERMINAL)
                .update(status=JobStatus.FAILED, error_code=error.code, error_message=error.message[:2000],
                        finished_at=now, updated_at=now, wait_reason="", lease_owner="", lease_expires_at=None,
                        media_check_at=None))
        if done:
            credits.release(job)
