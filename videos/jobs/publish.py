"""Stages 4-6: staged upload, `productUpdate(media:)`, polling until READY, then removing this app's older
videos from the product, so it never carries two of ours.

Exactly once: the upload is named `showreel-<job uuid>.mp4`. Before attaching, the job records that it is
about to (`attach_attempted_at`); a re-run that finds that mark looks for a video with its file name on the
product before attaching again, so a worker killed between Shopify creating the media and the job recording
its id does not leave two. Older videos are removed only once the new one is READY, and a newer job's video
is never removed by an older job (the older one steps aside instead).
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from shopify_app.admin_api import operations
from shopify_app.admin_api.client import AdminClient
from shopify_app.admin_api.documents import load_document
from shopify_app.admin_api.errors import NotFoundError, ShopifyError, ShopifyUserError
from videos.jobs import faults, files, lease
from videos.jobs.context import StageContext
from videos.jobs.errors import JobError
from videos.jobs.models import JobStatus, VideoJob

log = logging.getLogger(__name__)

UPLOAD_PREFIX = "showreel-"
UPLOAD_NAME = re.compile(r"^showreel-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.mp4$")
# Shopify's staged targets are signed for a limited time; past this a new one is asked for.
STAGED_TARGET_TTL_S = 45 * 60
FIRST_POLL_S = 0.5


@dataclass(frozen=True)
class ProductVideo:
    id: str
    status: str
    filename: str

    @property
    def job_id(self) -> str | None:
        match = UPLOAD_NAME.match(self.filename or "")
        return match.group(1) if match else None


def upload_name(job: VideoJob) -> str:
    return f"{UPLOAD_PREFIX}{job.pk}.mp4"


def product_videos(client: AdminClient, product_id: str) -> list[ProductVideo]:
    document = load_document("product_videos")
    data = client.execute(document, {"id": operations.product_gid(product_id)}, what="product_videos")
    product = data.get("product")
    if product is None:
        raise NotFoundError(f"product {product_id} not found on {client.session.shop}")
    return [
        ProductVideo(node["id"], node.get("status") or "", node.get("filename") or "")
        for node in (product.get("media") or {}).get("nodes") or []
        if node.get("mediaContentType") == "VIDEO"
    ]


def app_video_ids(client: AdminClient, product_id: str) -> set[str]:
    """Videos on the product that this app made (they are never used as inputs for a new one)."""
    return {video.id for video in product_videos(client, product_id) if video.job_id}


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
    target = operations.create_video_upload(client, upload_name(job), local.stat().st_size)
    operations.upload_to_target(client, target, local)
    faults.point("uploading")
    ctx.save(staged_resource_url=target.resource_url, staged_at=timezone.now())


def attach_stage(ctx: StageContext) -> None:
    job = ctx.job
    client = ctx.admin()
    if job.attach_attempted_at:
        name = upload_name(job)
        found = next((v for v in product_videos(client, job.product_id) if v.filename == name), None)
        if found is not None:
            log.info("jobs: %s found its media %s from an interrupted attach", job.pk, found.id)
            ctx.save(media_id=found.id)
            return
    ctx.save(attach_attempted_at=timezone.now())
    alt = f"{job.product_title or 'Product'} showcase video"[:255]
    media = operations.attach_media(client, job.product_id, job.staged_resource_url, alt=alt)
    faults.point("attaching")
    lease.record(job, ctx.owner, media_id=media.id)  # kept even if cancelled meanwhile: then it is removed
    ctx.save()


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
    job = ctx.job
    started = time.monotonic()
    polls = 0
    while True:
        media = operations.get_media(client, job.media_id)
        if media.status == "READY":
            faults.point("processing")
            return
        if media.status == "FAILED":
            error = ShopifyUserError(f"Shopify could not process media {media.id}", media_errors=media.errors,
                                     code="MEDIA_FAILED")
            _forget_media(client, job.media_id)
            ctx.save(media_id="", staged_resource_url="", staged_at=None)
            raise error
        waited = time.monotonic() - started
        if waited > settings.SHOWREEL_MEDIA_TIMEOUT_S:
            raise JobError("media_timeout", f"Shopify was still processing the video after {waited / 60:.0f} "
                           "minutes. Retry to check again.")
        polls += 1
        ctx.progress(min(0.95, polls / 20))
        # Short videos are often processed within a second: look again soon, then every SHOWREEL_MEDIA_POLL_S.
        ctx.sleep(min(settings.SHOWREEL_MEDIA_POLL_S, FIRST_POLL_S * 2 ** (polls - 1)))


def _replace_older(ctx: StageContext, client: AdminClient) -> tuple[list[str], bool]:
    """Remove this app's other videos from the product, except newer jobs' videos. When a newer job's video
    is already on the product and READY, this (older) job's video is the one removed."""
    job = ctx.job
    videos = [v for v in product_videos(client, job.product_id) if v.id != job.media_id]
    jobs = {str(j.pk): j for j in VideoJob.objects.filter(shop_id=job.shop_id, product_id=job.product_id)}
    by_media = {j.media_id: j for j in jobs.values() if j.media_id}
    remove: list[str] = list(job.replaced_media_ids or [])
    superseded = False
    for video in videos:
        owner = by_media.get(video.id) or jobs.get(video.job_id or "")
        if owner is None and not video.job_id:
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
    """A cancelled or failed job's media that is on the product but not READY-and-kept: remove it."""
    from shopify_app import services as shopify_services

    job = VideoJob.objects.filter(pk=job_id).select_related("shop").first()
    if job is None or not job.media_id or job.status == JobStatus.READY or job.media_ready_at:
        return "nothing to remove"  # a READY video stays: it may be the product's only one now
    try:
        _forget_media(shopify_services.admin_client(job.shop), job.media_id)
    except ShopifyError as exc:
        log.warning("jobs: could not remove media %s of job %s: %s", job.media_id, job.pk, exc.message)
        return "not removed"
    VideoJob.objects.filter(pk=job.pk).update(published=False)
    return "removed"
