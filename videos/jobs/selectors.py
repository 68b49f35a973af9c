"""Reads (no side effects): a shop's jobs, a batch's progress, the latest job per product."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone

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


def running_job(shop: Shop, product_id: str) -> VideoJob | None:
    """The product's unfinished job, if one is being made."""
    return VideoJob.objects.filter(shop=shop, product_id=product_id).exclude(status__in=TERMINAL).order_by("-created_at").first()


def replaced_by(job: VideoJob) -> VideoJob | None:
    """A newer video of ours that is on the product now, in place of this one (None when this one is current)."""
    if job.status != JobStatus.READY:
        return None
    return (VideoJob.objects.filter(shop_id=job.shop_id, product_id=job.product_id, status=JobStatus.READY,
                                    published=True, created_at__gt=job.created_at)
            .exclude(pk=job.pk).order_by("-created_at").first())


def waiting_seconds(job: VideoJob, now: datetime | None = None) -> int:
    """How long a queued job has waited to start (0 once it runs); `updated_at` moves when it is (re)queued."""
    if job.status != JobStatus.QUEUED:
        return 0
    return max(0, int(((now or timezone.now()) - job.updated_at).total_seconds()))


def made_with(job: VideoJob) -> dict[str, Any]:
    """What the video is made with, the instruction applied: the recorded spec's once composed, else what the
    options will make. The music is the track actually used (None for no music)."""
    from videos.composer.templates import TEMPLATES
    from videos.jobs.make import effective_options
    from videos.music.library import MusicError, resolve_music

    try:
        options = effective_options(job)
    except Exception:  # options that no longer validate (e.g. a removed template): show what was asked
        options = None
    spec = job.spec or {}
    meta = spec.get("metadata") or {}
    template = meta.get("template") or (options.template if options else (job.options or {}).get("template"))
    aspect = ((meta.get("options") or {}).get("aspect")) or (options.aspect if options else None)
    duration = spec.get("duration") or (options.duration if options else None)
    if spec:
        music = meta.get("music")
    elif options is not None and template in TEMPLATES:
        try:
            found = resolve_music(options.music, default_mood=TEMPLATES[template].music_mood)
        except MusicError:
            found = None
        music = found.label if found else None
    else:
        music = None
    return {"template": template, "template_label": TEMPLATES[template].label if template in TEMPLATES else template,
            "aspect": aspect, "duration": float(duration) if duration else None, "music": music}
