"""The Shopify edge's signals: a shop that uninstalls has its pending videos stopped (credits released); a
redacted shop has everything erased. Both run inside the webhook's transaction and are idempotent.
And django-q2's: a worker process that starts takes back the jobs of this machine's dead workers
(videos/jobs/reaper.py) and warms up before it takes its first job."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from django_q.signals import post_spawn

from shopify_app.signals import product_updated, shop_redacted, shop_uninstalled
from videos.jobs.warmup import warm_worker

# The job services and the reaper (the pipeline, the Admin API client, the models) are imported by the
# receivers that use them: this module is imported by every process that sets Django up, a command-line
# render included, which never sends these signals.

log = logging.getLogger(__name__)


@receiver(shop_uninstalled, dispatch_uid="videos.jobs.shop_uninstalled")
def stop_pending_jobs(sender: Any, shop: Any, shop_domain: str, **kwargs: Any) -> None:
    from videos.jobs import services

    stopped = services.shop_uninstalled(shop)
    if stopped:
        log.info("jobs: %s uninstalled; stopped %d unfinished job(s)", shop_domain, stopped)


@receiver(shop_redacted, dispatch_uid="videos.jobs.shop_redacted")
def erase_shop_videos(sender: Any, shop: Any, shop_domain: str, **kwargs: Any) -> None:
    if shop is not None:
        from videos.jobs import services

        services.shop_redacted(shop)
        log.info("jobs: %s redacted; jobs and files erased", shop_domain)


@receiver(product_updated, dispatch_uid="videos.jobs.product_updated")
def check_video_is_current(sender: Any, shop: Any, shop_domain: str, payload: dict, **kwargs: Any) -> None:
    from videos.jobs.freshness.services import product_updated as video_freshness

    outcome = video_freshness(shop, payload)
    log.debug("jobs: products/update for %s: %s", shop_domain, outcome)


@receiver(post_spawn, dispatch_uid="videos.jobs.reap_dead_workers")
def take_back_dead_workers_jobs(sender: Any, **kwargs: Any) -> None:
    # django-q2 starts a worker in place of one that died: re-queue the dead one's job as soon as its lease
    # goes quiet rather than when it runs out (on a thread: this worker warms up and takes work meanwhile).
    from videos.jobs import reaper

    reaper.start_watch()


@receiver(post_spawn, dispatch_uid="videos.jobs.warm_worker")
def warm_up(sender: Any, proc_name: str = "", **kwargs: Any) -> None:
    warm_worker(proc_name=proc_name)
