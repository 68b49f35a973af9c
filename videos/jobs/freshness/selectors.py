"""Reads: which job's video is on a product now, and which products' videos are out of date (and why)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from shopify_app.models import Shop
from videos.jobs.models import JobStatus, KeepCurrent, ProductFreshness, ShopSettings, VideoJob

ENDED = (JobStatus.FAILED, JobStatus.CANCELLED)
LOOK_BACK = 20  # a product's newest jobs looked at for the one whose video is on it


def video_job(shop: Shop, product_id: str) -> tuple[VideoJob | None, bool]:
    """(the job whose video is on the product, or is about to replace it; whether a newer job will read the
    product afresh). A ready job counts when published; an unfinished one when it publishes and has fetched."""
    jobs = (VideoJob.objects.filter(shop=shop, product_id=product_id).exclude(status__in=ENDED)
            .order_by("-created_at", "-pk"))
    for job in jobs[:LOOK_BACK]:
        if job.status == JobStatus.READY:
            if job.published:
                return job, False
            continue
        if not job.publish:
            continue
        if job.inputs is None:
            return None, True  # it has not read the product yet: it will make the video from what is there now
        return job, False
    return None, False


def keep_current_mode(shop: Shop) -> str:
    found = ShopSettings.objects.filter(shop=shop).values_list("keep_current", flat=True).first()
    return found or KeepCurrent.OFF


def _live(rows: QuerySet[ProductFreshness]) -> QuerySet[ProductFreshness]:
    """Rows whose video is still the product's and still out of date (a newer job that did not fail or get
    cancelled is bringing the product's video up to date, so its row is not listed)."""
    newer = (VideoJob.objects.filter(shop_id=OuterRef("shop_id"), product_id=OuterRef("product_id"),
                                     created_at__gt=OuterRef("job__created_at")).exclude(status__in=ENDED))
    return rows.exclude(reason="").annotate(superseded=Exists(newer)).filter(superseded=False)


def _entry(row: ProductFreshness) -> dict[str, Any]:
    return {
        "product_id": row.product_id,
        "product_title": row.job.product_title,
        "job_id": row.job_id,
        "reason": row.reason,
        "changes": [c.get("text", "") for c in row.changes or []],
        "since": row.stale_since,
        "remake_at": row.due_at,  # set in "automatically" mode: when the remake starts (edits have settled)
    }


def out_of_date(shop: Shop, product_ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """{product id: {reason, changes, since, job_id, ...}} for the shop's products whose video is out of date
    (none while the setting is off)."""
    if keep_current_mode(shop) == KeepCurrent.OFF:
        return {}
    rows = ProductFreshness.objects.filter(shop=shop).select_related("job")
    if product_ids is not None:
        rows = rows.filter(product_id__in=product_ids)
    return {row.product_id: _entry(row) for row in _live(rows).order_by("stale_since", "pk")}


def out_of_date_for_job(job: VideoJob) -> dict[str, Any] | None:
    """The out-of-date entry when `job` made the product's video and that video is out of date."""
    found = out_of_date(job.shop, [job.product_id]).get(job.product_id)
    return found if found is not None and found["job_id"] == job.pk else None
