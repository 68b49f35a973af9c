"""Reads (no side effects): a shop's jobs, a batch's progress, the latest job per product."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet

from shopify_app.models import Shop
from videos.jobs.models import TERMINAL, JobBatch, JobStatus, VideoJob


def shop_jobs(shop: Shop, *, status: str | None = None, product_id: str | None = None) -> QuerySet[VideoJob]:
    jobs = VideoJob.objects.filter(shop=shop)
    if status:
        jobs = jobs.filter(status=status)
    if product_id:
        jobs = jobs.filter(product_id=product_id)
    return jobs.order_by("-created_at", "-pk")


def job_for(shop: Shop, job_id: Any) -> VideoJob | None:
    """The shop's job (another shop's id reads as missing)."""
    try:
        return VideoJob.objects.filter(shop=shop, pk=job_id).first()
    except (ValueError, TypeError, ValidationError):  # not a UUID
        return None


def batch_for(shop: Shop, batch_id: Any) -> JobBatch | None:
    try:
        return JobBatch.objects.filter(shop=shop, pk=batch_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def batch_summary(batch: JobBatch) -> dict[str, Any]:
    """Counts per status and overall progress (finished jobs count as 100 %)."""
    jobs = batch.jobs.all()
    counts = {row["status"]: row["n"] for row in jobs.values("status").annotate(n=Count("pk"))}
    total = sum(counts.values()) or batch.total
    done_weight = sum(n for status, n in counts.items() if status in TERMINAL) * 100
    running = sum(jobs.exclude(status__in=TERMINAL).values_list("progress", flat=True))
    progress = round((done_weight + running) / total) if total else 100
    return {"total": batch.total, "counts": {status: counts.get(status, 0) for status in JobStatus.values},
            "progress": min(100, progress)}


def latest_jobs(shop: Shop, product_ids: list[str]) -> dict[str, VideoJob]:
    """The newest job of each product."""
    latest: dict[str, VideoJob] = {}
    for job in VideoJob.objects.filter(shop=shop, product_id__in=product_ids).order_by("-created_at"):
        latest.setdefault(job.product_id, job)
    return latest


def products_with_video(shop: Shop, product_ids: list[str]) -> set[str]:
    """Products that carry a video this app made (a ready, published job)."""
    return set(VideoJob.objects.filter(shop=shop, product_id__in=product_ids, status=JobStatus.READY, published=True)
               .values_list("product_id", flat=True))
