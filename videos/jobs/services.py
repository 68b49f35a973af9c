"""Writes: create a job or a batch, cancel, retry, publish, edit; a shop leaving (uninstall / redact).

Every status change is a conditional UPDATE made in the same transaction as its credit move, so a cancel
racing a worker's finish ends one way or the other, never both, and no credit moves twice.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shopify_app.admin_api.errors import NotFoundError
from shopify_app.admin_api.operations import product_gid
from shopify_app.models import Shop
from videos.composer.previews import owner_preview_dir
from videos.jobs import broker, credits, files, selectors
from videos.jobs import options as job_options
from videos.jobs.dispatch import dispatch
from videos.jobs.errors import ServiceError
from videos.jobs.make import effective_options
from videos.jobs.models import (
    TERMINAL,
    CreditAccount,
    JobBatch,
    JobStatus,
    ShopSettings,
    VideoJob,
)
from videos.jobs.products import product_cards

log = logging.getLogger(__name__)


def shop_settings(shop: Shop) -> ShopSettings:
    found, _ = ShopSettings.objects.get_or_create(shop=shop)
    return found


def default_options(shop: Shop) -> dict[str, Any]:
    s = shop_settings(shop)
    return {"template": s.default_template, "aspect": s.default_aspect, "duration": s.default_duration,
            "music": s.default_music}


def normalise_product_id(value: Any) -> str:
    try:
        return product_gid(str(value).strip())
    except NotFoundError:
        message = f"not a Shopify product id: {str(value)[:80]!r} (expected gid://shopify/Product/<number>)"
        raise ServiceError("invalid", message, fields={"product_id": [message]}) from None


def _new_job(shop: Shop, product_id: str, options: dict[str, Any], instruction: str, interpretation: dict,
             publish: bool, **extra: Any) -> VideoJob:
    return VideoJob(shop=shop, product_id=product_id, options=options, instruction=instruction,
                    interpretation=interpretation, publish=publish, backend=settings.VIDEO_BACKEND, **extra)


def create_job(shop: Shop, product_id: Any, options: dict[str, Any] | None = None, instruction: str = "",
               *, parent: VideoJob | None = None, base_options: dict[str, Any] | None = None,
               one_at_a_time: bool = False, product_card: tuple[str, str] | None = None,
               prepared: dict[str, Any] | None = None) -> VideoJob:
    """One video for one product: 402 `no_credits` (and no job) when the shop has none left. With
    `one_at_a_time` (a merchant's click), 409 `job_running` with the job's id while one is unfinished.
    `product_card` is the (title, photo URL) the caller already read; otherwise they are read here.
    `prepared` ({"inputs", "spec"}, a previewed look) is recorded as done, so the job renders that spec."""
    gid = normalise_product_id(product_id)
    resolved = job_options.build(base_options or default_options(shop), options or {})
    interpretation = job_options.interpretation(instruction, resolved)
    if parent:
        title, image = parent.product_title, parent.product_image_url
    elif product_card is not None:
        title, image = product_card[0][:255], product_card[1] or ""
    else:
        card = product_cards(shop, [gid]).get(gid)
        title, image = (card.title[:255], card.preview_url or "") if card else ("", "")
    with transaction.atomic():
        if one_at_a_time:
            # The shop's credit row is the lock: two requests for one product queue up here, the second sees the first.
            CreditAccount.objects.select_for_update().filter(pk=credits.account_for(shop).pk).first()
            running = selectors.running_job(shop, gid)
            if running is not None:
                raise ServiceError("job_running", "A video for this product is already being made. Wait for it to "
                                   "finish, or cancel it first.", status=409, extra={"job_id": str(running.pk)})
        job = _new_job(shop, gid, resolved, instruction.strip(), interpretation, shop_settings(shop).auto_publish,
                       parent=parent, product_title=title, product_image_url=image[:1000], **(prepared or {}))
        job.save()
        credits.freeze(shop, [job])
        dispatch(shop.pk)
    job.refresh_from_db()
    return job


def create_batch(shop: Shop, product_ids: list[Any], options: dict[str, Any] | None = None,
                 instruction: str = "") -> JobBatch:
    """One job per product (duplicates ignored), all created in one statement; they are handed to the
    workers a few at a time (the shop's concurrency cap), so hundreds are accepted at once."""
    if not product_ids:
        raise ServiceError("invalid", "choose at least one product", fields={"product_ids": ["choose at least one product"]})
    gids = list(dict.fromkeys(normalise_product_id(p) for p in product_ids))
    if len(gids) > settings.SHOWREEL_BATCH_MAX:
        message = f"at most {settings.SHOWREEL_BATCH_MAX} products at once, got {len(gids)}"
        raise ServiceError("invalid", message, fields={"product_ids": [message]})
    resolved = job_options.build(default_options(shop), options or {})
    interpretation = job_options.interpretation(instruction, resolved)
    cards = product_cards(shop, gids)  # one Admin API query for every title and photo
    with transaction.atomic():
        batch = JobBatch.objects.create(shop=shop, options=resolved, instruction=instruction.strip(), total=len(gids))
        publish = shop_settings(shop).auto_publish
        jobs = [_new_job(shop, gid, resolved, instruction.strip(), interpretation, publish, batch=batch,
                         product_title=cards[gid].title[:255] if gid in cards else "",
                         product_image_url=(cards[gid].preview_url or "")[:1000] if gid in cards else "")
                for gid in gids]
        VideoJob.objects.bulk_create(jobs)
        credits.freeze(shop, jobs)
        dispatch(shop.pk)
    return batch


def cancel_job(job: VideoJob) -> VideoJob:
    """Stop a job that is not finished. Refused once its new video is READY on the product."""
    now = timezone.now()
    with transaction.atomic():
        done = (VideoJob.objects.filter(pk=job.pk, media_ready_at__isnull=True).exclude(status__in=TERMINAL)
                .update(status=JobStatus.CANCELLED, finished_at=now, updated_at=now, wait_reason=""))
        if not done:
            job.refresh_from_db()
            if job.is_terminal:
                raise ServiceError("not_cancellable", f"This video is already {job.status}.", status=409)
            raise ServiceError("not_cancellable", "Too late to cancel: the new video is already on the product.",
                               status=409)
        credits.release(job)
        if job.media_id or job.attach_attempted_at:  # on the product, or may be (an attach's answer was lost)
            transaction.on_commit(lambda: broker.enqueue_media_cleanup(job.pk))
        shop_id = job.shop_id
        transaction.on_commit(lambda: dispatch(shop_id))
    job.refresh_from_db()
    return job


def retry_job(job: VideoJob) -> VideoJob:
    """Run a failed or cancelled job again. A job that failed before its video was made starts over from
    the product (its photos may have been fixed); one that failed while publishing publishes again."""
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise ServiceError("not_retryable", "Only a failed or cancelled video can be retried.", status=409)
    reset: dict[str, Any] = {}
    if not files.exists(job.video_file):
        reset |= {"inputs": None, "spec": None, "video_file": "", "poster_file": "", "video_bytes": None}
    if not job.media_ready_at:
        reset |= {"staged_resource_url": "", "staged_at": None, "attach_attempted_at": None, "media_id": ""}
    with transaction.atomic():
        done = VideoJob.objects.filter(pk=job.pk, status=job.status).update(
            status=JobStatus.QUEUED, progress=0, error_code="", error_message="", wait_reason="", enqueued_at=None,
            finished_at=None, attempts=0, lease_owner="", lease_expires_at=None, media_check_at=None,
            updated_at=timezone.now(), **reset)
        if not done:
            raise ServiceError("not_retryable", "This video changed meanwhile; reload and try again.", status=409)
        job.refresh_from_db()
        credits.refreeze(job)
        dispatch(job.shop_id)
    job.refresh_from_db()
    return job


def publish_job(job: VideoJob) -> VideoJob:
    """Put a ready (not auto-published) video on its product."""
    if job.status != JobStatus.READY or job.published:
        message = "This video is already on the product." if job.published else "Only a ready video can be published."
        raise ServiceError("not_publishable", message, status=409)
    if not files.exists(job.video_file):
        raise ServiceError("not_publishable", "This video's file is no longer stored; generate it again.", status=409)
    newer = VideoJob.objects.filter(shop_id=job.shop_id, product_id=job.product_id, published=True,
                                    created_at__gt=job.created_at)
    if newer.exists():
        raise ServiceError("not_publishable", "A newer video is already on this product; publish that one or "
                           "generate again.", status=409)
    with transaction.atomic():
        done = VideoJob.objects.filter(pk=job.pk, status=JobStatus.READY, published=False).update(
            status=JobStatus.QUEUED, publish=True, enqueued_at=None, finished_at=None, attempts=0,
            staged_resource_url="", staged_at=None, attach_attempted_at=None, media_id="", media_ready_at=None,
            replaced_media_ids=[], media_check_at=None, updated_at=timezone.now())
        if not done:
            raise ServiceError("not_publishable", "This video changed meanwhile; reload and try again.", status=409)
        dispatch(job.shop_id)
    job.refresh_from_db()
    return job


def edit_job(job: VideoJob, instruction: str) -> VideoJob:
    """A new job for the same product: the source video's options with the instruction applied on top."""
    if not instruction.strip():
        raise ServiceError("invalid", "say what to change", fields={"instruction": ["say what to change"]})
    try:
        base = job_options.carried(effective_options(job))
    except Exception:  # the source's options no longer validate (e.g. a removed template): start from defaults
        base = default_options(job.shop)
    if job.spec and isinstance(job.spec.get("metadata", {}).get("options"), dict):
        base = {**base, **{k: v for k, v in job.spec["metadata"]["options"].items() if k in job_options.COMPOSE_FIELDS}}
    if not (job.options or {}).get("fps"):
        base.pop("fps", None)  # a render-size setting, not the merchant's choice
    return create_job(job.shop, job.product_id, {}, instruction, parent=job, base_options=base)


# --- a shop leaving ------------------------------------------------------------------------------
def fail_jobs(jobs: QuerySet[VideoJob], code: str, message: str) -> int:
    """End every unfinished job in `jobs` as failed, releasing their credits (in bulk; idempotent)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(jobs.exclude(status__in=TERMINAL).values_list("pk", flat=True))
        VideoJob.objects.filter(pk__in=ids).exclude(status__in=TERMINAL).update(
            status=JobStatus.FAILED, error_code=code, error_message=message, finished_at=now, updated_at=now,
            wait_reason="")
        credits.release_many(VideoJob.objects.filter(pk__in=ids, status=JobStatus.FAILED, error_code=code), note=code)
    return len(ids)


def shop_uninstalled(shop: Shop) -> int:
    return fail_jobs(VideoJob.objects.filter(shop=shop), "shop_uninstalled",
                     "Showreel was uninstalled from this store, so the video was not finished.")


def shop_redacted(shop: Shop) -> None:
    """Erase everything kept for the shop: jobs, specs, batches, credits, settings, and (after commit) the
    stored videos, posters, logo, cached template previews and any work folders."""
    job_ids = list(VideoJob.objects.filter(shop=shop).values_list("pk", flat=True))
    VideoJob.objects.filter(shop=shop).delete()
    JobBatch.objects.filter(shop=shop).delete()
    CreditAccount.objects.filter(shop=shop).delete()
    ShopSettings.objects.filter(shop=shop).delete()
    prefix, previews = f"showreel/{shop.pk}", owner_preview_dir(shop.pk)  # named now: the row goes before commit

    def erase() -> None:
        files.delete_prefix(prefix)
        shutil.rmtree(previews, ignore_errors=True)  # template previews of its products, with their photos
        for job_id in job_ids:
            files.remove_work_dir(job_id)

    transaction.on_commit(erase)

