"""Stages 4-6: staged upload, `productUpdate(media:)`, polling until READY, then removing this app's older
videos from the product, so it never carries two of ours.

Exactly once: the upload is named `showreel-<job uuid>.mp4`. Before attaching, the job records that it is
about to (`attach_attempted_at`); a re-run that finds that mark looks for a video with its file name on the
product before attaching again, so a worker killed between Shopify creating the media and the job recording
its id does not leave two. An attach whose answer was lost (a timeout: Shopify may apply it later) is looked
for until it can no longer land (SHOWREEL_ATTACH_SETTLE_S after it was sent); one Shopify refused is
forgotten at once. Older videos, and any second copy of this job's, are removed only once the new one is
READY, and a newer job's video is never removed by an older job (the older one steps aside instead).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from shopify_app import services as shopify_services
from shopify_app.admin_api import operations
from shopify_app.admin_api.client import AdminClient
from shopify_app.admin_api.errors import (
    NotFoundError,
    ShopifyError,
    ShopifyUserError,
    ShopUninstalledError,
    ThrottledError,
)
from videos.jobs import faults, files, lease, waiting
from videos.jobs.context import StageContext
from videos.jobs.errors import JobError, WaitingOnShopify
from videos.jobs.models import JobStatus, VideoJob

log = logging.getLogger(__name__)

# Shopify's staged targets are signed for a limited time; past this a new one is asked for.
STAGED_TARGET_TTL_S = 45 * 60
FIRST_POLL_S = 0.5
SETTLE_POLL_MAX_S = 5.0  # looking for an attach that may still land: every few seconds, not every poll


def staged_fresh(job: VideoJob) -> bool:
    return bool(job.staged_resource_url and job.staged_at
                and (timezone.now() - job.staged_at).total_seconds() < STAGED_TARGET_TTL_S)


# --- stages --------------------------------------------------------------------------------------
def upload_stage(ctx: StageContext) -> None:
    job = ctx.job
    if not files.exists(job.video_file):
        raise JobError("video_missing", "The rendered video is no longer stored; retry to make it again.")
    local = files.local_copy(job.video_file, ctx.work_dir / "upload.mp4")
    client = ctx.admin()
    target = operations.create_video_upload(client, files.upload_name(job), local.stat().st_size)
    operations.upload_to_target(client, target, local)
    faults.point("uploading")
    ctx.save(staged_resource_url=target.resource_url, staged_at=timezone.now())


def attach_stage(ctx: StageContext) -> None:
    job = ctx.job
    client = ctx.admin()
    if job.attach_attempted_at:
        found = _landed_media(ctx, client)
        if found is not None:
            log.info("jobs: %s found its media %s from an interrupted attach", job.pk, found.id)
            ctx.save(media_id=found.id)
            return
    ctx.save(attach_attempted_at=timezone.now())
    alt = f"{job.product_title or 'Product'} showcase video"[:255]
    try:
        media = operations.attach_media(client, job.product_id, job.staged_resource_url, alt=alt)
    except ShopifyError as error:
        if _refused(error):  # Shopify answered no: nothing was created, a retry may attach at once
            ctx.save(attach_attempted_at=None)
        raise
    faults.point("attaching")
    lease.record(job, ctx.owner, media_id=media.id)  # kept even if cancelled meanwhile: then it is removed
    ctx.save()


def _landed_media(ctx: StageContext, client: AdminClient) -> operations.MediaItem | None:
    """This job's video on the product from an attach that may have happened (a worker killed meanwhile, an
    answer lost to a timeout or a dropped connection). Shopify may still be applying that request, so not
    finding it proves nothing until SHOWREEL_ATTACH_SETTLE_S have passed since it was sent."""
    job = ctx.job
    name = files.upload_name(job)
    settled_at = job.attach_attempted_at + timedelta(seconds=settings.SHOWREEL_ATTACH_SETTLE_S)
    wait = FIRST_POLL_S
    while True:
        found = [v for v in operations.product_videos(client, job.product_id) if v.filename == name]
        if found:
            return found[0]  # any other copy is removed once this one is READY (_replace_older)
        left = (settled_at - timezone.now()).total_seconds()
        if left <= 0:
            return None
        log.info("jobs: %s: its earlier attach may still land; looking again for up to %.0f s", job.pk, left)
        ctx.sleep(min(wait, left))
        wait = min(wait * 2, SETTLE_POLL_MAX_S)


def _refused(error: ShopifyError) -> bool:
    """Shopify answered and did not apply the mutation (userErrors, 4xx, throttled), as opposed to an answer
    that was lost or a server error, after which the media may exist."""
    if isinstance(error, ShopifyUserError | NotFoundError | ThrottledError | ShopUninstalledError):
        return True
    if error.status is not None and 400 <= error.status < 500:
        return True
    return error.code not in (None, "INTERNAL_SERVER_ERROR")


def processing_stage(ctx: StageContext) -> None:
    job = ctx.job
    client = ctx.admin()
    if not job.media_ready_at:
        _wait_until_ready(ctx, client)
        ctx.save(media_ready_at=timezone.now())  # from here on the job can no longer be cancelled
    faults.point("replacing")
    try:
        replaced, superseded = _replace_older(ctx, client)
    except NotFoundError:
        raise JobError("product_not_found", "This product no longer exists in your store (it may have been "
                       "deleted).") from None
    ctx.save(replaced_media_ids=replaced, published=not superseded)


def _wait_until_ready(ctx: StageContext, client: AdminClient) -> None:
    """Poll until READY. With `ctx.wait_inline_s` (a worker), past that a WaitingOnShopify parks the job
    instead (videos/jobs/waiting.py). The time limit counts from the attach, across runs."""
    job = ctx.job
    waited = (timezone.now() - job.attach_attempted_at).total_seconds() if job.attach_attempted_at else 0.0
    left = max(0.0, settings.SHOWREEL_MEDIA_TIMEOUT_S - waited)
    park = ctx.wait_inline_s is not None and ctx.wait_inline_s < left
    # Shopify gives no percentage: progress creeps up with the time waited, across looks.
    try:
        operations.wait_for_media(client, job.media_id, timeout_s=ctx.wait_inline_s if park else left,
                                  interval_s=settings.SHOWREEL_MEDIA_POLL_S, first_interval_s=FIRST_POLL_S,
                                  sleep=ctx.sleep, on_poll=lambda polls: ctx.progress(min(0.95, waited / 40 + polls / 20)))
    except ShopifyUserError as error:
        if error.code != "MEDIA_FAILED":
            raise
        # Shopify could not process it: take it off the product so a retry uploads afresh.
        _forget_media(client, job.media_id)
        ctx.save(media_id="", staged_resource_url="", staged_at=None)
        raise
    except ShopifyError as error:
        if error.code != "MEDIA_TIMEOUT":
            raise
        if park:
            raise WaitingOnShopify(waiting.next_look_s(waited)) from None
        minutes = settings.SHOWREEL_MEDIA_TIMEOUT_S / 60
        raise JobError("media_timeout", f"Shopify was still processing the video after {minutes:.0f} minutes. "
                       "Retry to check again.") from None
    faults.point("processing")


def _replace_older(ctx: StageContext, client: AdminClient) -> tuple[list[str], bool]:
    """Remove this app's other videos from the product, except newer jobs' videos. When a newer job's video
    is already on the product and READY, this (older) job's video is the one removed."""
    job = ctx.job
    videos = [v for v in operations.product_videos(client, job.product_id) if v.id != job.media_id]
    jobs = {str(j.pk): j for j in VideoJob.objects.filter(shop_id=job.shop_id, product_id=job.product_id)}
    by_media = {j.media_id: j for j in jobs.values() if j.media_id}
    remove: list[str] = list(job.replaced_media_ids or [])
    superseded = False
    for video in videos:
        made_by = files.uploaded_job_id(video.filename)
        owner = by_media.get(video.id) or jobs.get(made_by or "")
        if owner is None and not made_by:
            continue  # the merchant's own video
        if owner is not None and owner.pk != job.pk and owner.created_at > job.created_at:
            if video.status == "READY" and (owner.media_ready_at or owner.status == JobStatus.READY):
                superseded = True
            continue
        if video.id not in remove:
            remove.append(video.id)
    if superseded:
        remove = [job.media_id]
    for media_id in remove:
        _forget_media(client, media_id)
    VideoJob.objects.filter(shop_id=job.shop_id, media_id__in=remove).exclude(pk=job.pk).update(published=False)
    return (remove if not superseded else []), superseded


def _forget_media(client: AdminClient, media_id: str) -> None:
    """Delete one media item; already gone is fine."""
    with contextlib.suppress(NotFoundError):
        operations.delete_media(client, [media_id])


def remove_job_media(job_id: Any) -> str:
    """A cancelled or failed job's media that is on the product but not READY-and-kept: remove it, and any
    copy an attach whose answer was lost created (found by the job's upload name)."""
    job = VideoJob.objects.filter(pk=job_id).select_related("shop").first()
    if job is None or job.status == JobStatus.READY or job.media_ready_at:
        return "nothing to remove"  # a READY video stays: it may be the product's only one now
    if not job.media_id and not job.attach_attempted_at:
        return "nothing to remove"
    try:
        client = shopify_services.admin_client(job.shop)
        remove = [job.media_id] if job.media_id else []
        if job.attach_attempted_at:
            with contextlib.suppress(NotFoundError):  # the product is gone, and its media with it
                name = files.upload_name(job)
                remove += [v.id for v in operations.product_videos(client, job.product_id)
                           if v.filename == name and v.id not in remove]
        for media_id in remove:
            _forget_media(client, media_id)
    except ShopifyError as exc:
        log.warning("jobs: could not remove the media of job %s: %s", job.pk, exc.message)
        return "not removed"
    VideoJob.objects.filter(pk=job.pk).update(published=False)
    return "removed" if remove else "nothing to remove"
