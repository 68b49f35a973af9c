"""Rendered files are kept SHOWREEL_RETENTION_DAYS after their job ended, then removed from storage; the
video now on a product (the newest published one for it) stays until a newer one replaces it or the shop
is redacted. Run daily by a django-q2 schedule (migration 0007) or by hand: `manage.py shell -c
"from videos.jobs.retention import remove_expired_files; print(remove_expired_files())"`."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from videos.jobs import files
from videos.jobs.models import TERMINAL, JobStatus, VideoJob

log = logging.getLogger(__name__)

BATCH = 500


def expired(now: datetime | None = None) -> QuerySet[VideoJob]:
    """Ended jobs past the retention period that still hold stored files, less each product's current video."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SHOWREEL_RETENTION_DAYS)
    published = VideoJob.objects.filter(status=JobStatus.READY, published=True)
    replaced = published.filter(shop_id=OuterRef("shop_id"), product_id=OuterRef("product_id"),
                                finished_at__gt=OuterRef("finished_at"))
    current = Q(status=JobStatus.READY, published=True) & ~Exists(replaced)
    return (VideoJob.objects.filter(status__in=TERMINAL, finished_at__lt=cutoff)
            .exclude(video_file="", poster_file="").exclude(current))


def remove_expired_files(now: datetime | None = None) -> int:
    """Remove the stored files of up to BATCH expired jobs; returns how many jobs were cleared."""
    cleared = 0
    for job in list(expired(now).only("pk", "shop_id", "video_file", "poster_file")[:BATCH]):
        # Claimed with a conditional UPDATE (still expired, names unchanged), so a run elsewhere or a job
        # that became current meanwhile is left alone; the files go once the row no longer names them.
        claimed = expired(now).filter(pk=job.pk, video_file=job.video_file, poster_file=job.poster_file).update(
            video_file="", poster_file="", updated_at=timezone.now())
        if claimed:
            files.delete(job.video_file, job.poster_file)
            files.delete_prefix(f"showreel/{job.shop_id}/{job.pk}")
            cleared += 1
    if cleared:
        log.info("retention: removed the rendered files of %d job(s) older than %d days", cleared,
                 settings.SHOWREEL_RETENTION_DAYS)
    return cleared
