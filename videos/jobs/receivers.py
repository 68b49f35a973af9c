"""The Shopify edge's signals: a shop that uninstalls has its pending videos stopped (credits released); a
redacted shop has everything erased. Both run inside the webhook's transaction and are idempotent.
And django-q2's: a worker process that starts warms up before it takes its first job."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from django_q.signals import post_spawn

from shopify_app.signals import shop_redacted, shop_uninstalled
from videos.jobs import services
from videos.jobs.warmup import warm_worker

log = logging.getLogger(__name__)


@receiver(shop_uninstalled, dispatch_uid="videos.jobs.shop_uninstalled")
def stop_pending_jobs(sender: Any, shop: Any, shop_domain: str, **kwargs: Any) -> None:
    stopped = services.shop_uninstalled(shop)
    if stopped:
        log.info("jobs: %s uninstalled; stopped %d unfinished job(s)", shop_domain, stopped)


@receiver(shop_redacted, dispatch_uid="videos.jobs.shop_redacted")
def erase_shop_videos(sender: Any, shop: Any, shop_domain: str, **kwargs: Any) -> None:
    if shop is not None:
        services.shop_redacted(shop)
        log.info("jobs: %s redacted; jobs and files erased", shop_domain)


@receiver(post_spawn, dispatch_uid="videos.jobs.warm_worker")
def warm_up(sender: Any, proc_name: str = "", **kwargs: Any) -> None:
    warm_worker(proc_name=proc_name)
