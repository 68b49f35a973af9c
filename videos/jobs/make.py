"""Stages 2 and 3: composing the spec (the composer, with the shop's brand and the job's options and
instruction) and rendering it with the selected backend into storage (MP4 + poster)."""

from __future__ import annotations

import logging
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from videos.backends import get_backend
from videos.composer import BrandSettings, ComposeOptions, Product, ProductImage, ProductVideo, compose
from videos.composer.brand import options_from_dict
from videos.composer.instructions import apply, interpret
from videos.jobs import dispatch, faults, files, lease
from videos.jobs.context import StageContext, progress_range
from videos.jobs.models import JobStatus, ShopSettings, VideoJob
from videos.music.library import bed_name
from videos.render.still import shrink
from videos.spec import VideoSpec

log = logging.getLogger(__name__)


def effective_options(job: VideoJob) -> ComposeOptions:
    """The job's options with its instruction applied on top."""
    options = options_from_dict(job.options or {})
    if job.instruction.strip():
        options = apply(interpret(job.instruction), options)
    if settings.SHOWREEL_RENDER_FPS:
        options = options.with_changes(fps=settings.SHOWREEL_RENDER_FPS)
    return options


def brand_for(job: VideoJob, folder: Path) -> BrandSettings:
    return shop_brand(job.shop_id, logo_folder=folder)


def shop_brand(shop_id: Any, *, logo_folder: Path | None) -> BrandSettings:
    """The shop's brand settings as the composer takes them; the logo is copied into `logo_folder` (None: no
    logo, for stills that never show it)."""
    shop_settings = ShopSettings.objects.filter(shop_id=shop_id).first()
    if shop_settings is None:
        return BrandSettings()
    logo = None
    if logo_folder is not None and shop_settings.logo_file and files.exists(shop_settings.logo_file):
        logo = files.local_copy(shop_settings.logo_file, logo_folder / f"logo{Path(shop_settings.logo_file).suffix}")
    return BrandSettings(
        primary=shop_settings.brand_primary or None,
        secondary=shop_settings.brand_secondary or None,
        text=shop_settings.brand_text or None,
        logo=logo,
    )


def product_from_inputs(inputs: dict[str, Any]) -> Product:
    def amount(value: str | None) -> Decimal | None:
        return Decimal(value) if value is not None else None

    return Product(
        title=inputs["title"],
        images=[ProductImage(Path(item["file"]), item.get("alt") or "") for item in inputs.get("images", [])],
        videos=[ProductVideo(Path(item["file"]), item.get("duration")) for item in inputs.get("videos", [])],
        description=inputs.get("description") or "",
        price=amount(inputs.get("price")),
        compare_at_price=amount(inputs.get("compare_at_price")),
        currency=inputs.get("currency") or "USD",
        vendor=inputs.get("vendor") or "",
        tags=tuple(inputs.get("tags") or ()),
    )


def spec_ready(spec: dict[str, Any] | None) -> bool:
    """The recorded spec can be rendered here: every photo, clip, logo or music file it names exists."""
    if not spec:
        return False
    for track in spec.get("tracks", []):
        for segment in track.get("segments", []):
            source = segment.get("source")
            if source and bed_name(source) is None and not Path(source).is_file():
                return False
    return True


def compose_stage(ctx: StageContext) -> None:
    job = ctx.job
    product = product_from_inputs(job.inputs or {})
    spec = compose(product, brand_for(job, ctx.work_dir), effective_options(job))
    spec = shrink(spec, settings.SHOWREEL_RENDER_MAX_SIDE)
    faults.point("composing")
    ctx.save(spec=spec.to_dict())


def render_cores(job_id: Any) -> int | None:
    """How many cores the render of job `job_id` may use: 1 (one x264 thread, composing in the same thread)
    or None (the configured threads).

    A render on a core of its own costs the least CPU, so 1 while every core of this machine has a job and
    either more jobs wait to start, or enough of the jobs here (this one included) are in the first half of
    their work to keep every core busy for most of this render: at the end of a batch, two renders that start
    together each keep to their core. None while a core is idle, or will be early in this render because
    other jobs here are past the middle of theirs (the last job of a batch takes the cores the others leave).
    How far a job is comes from its progress, which never goes back: a job rendering again after a retry
    looks further on than it is, so its neighbour may take a core it still uses, for that render only."""
    if settings.SHOWREEL_WORKER_CORES != "auto":
        return None
    working = lease.working_here()
    cores = usable_cores()
    if len(working) < cores:
        return None
    if dispatch.jobs_waiting():
        return 1
    busy = sum(1 for job in working if job.pk == job_id or render_fraction(job) < 0.5)
    return 1 if busy >= cores else None


def render_fraction(job: VideoJob) -> float:
    """How far the job's render is, 0..1, from its progress (0 before rendering, 1 after)."""
    low, high = progress_range(JobStatus.RENDERING, publishing=job.publish)
    return min(1.0, max(0.0, (job.progress - low) / max(1, high - low)))


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def render_stage(ctx: StageContext) -> None:
    job = ctx.job
    spec = VideoSpec.from_dict(job.spec)
    backend = get_backend(job.backend)
    ctx.work_dir.mkdir(parents=True, exist_ok=True)
    video, poster = ctx.work_dir / "video.mp4", ctx.work_dir / "poster.jpg"
    result = backend.render(spec, video, poster=poster, progress=lambda fraction, _stage: ctx.progress(fraction),
                            cores=render_cores(job.pk))
    log.info("jobs: %s rendered in %.1f s (%s, x264 threads %s)", job.pk, result.render_s,
             result.details.get("arrangement", job.backend), result.details.get("x264_threads", "-"))
    video_name = files.store(video, files.job_file_name(job, "video.mp4"))
    poster_name = files.store(poster, files.job_file_name(job, "poster.jpg")) if poster.is_file() else ""
    faults.point("rendering")
    ctx.save(video_file=video_name, poster_file=poster_name, video_bytes=result.size_bytes)
