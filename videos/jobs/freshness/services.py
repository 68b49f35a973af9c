"""Writes: a products/update delivery marks a product's video out of date (or up to date again); the sweep
remakes the due ones in "automatically" mode; a merchant's click remakes one.

Debounce: each delivery that finds a change moves the row's `due_at` to now + SHOWREEL_KEEP_CURRENT_QUIET_S,
so a burst of edits (a bulk edit, a CSV import) ends as one remake per product, started by the first sweep
after the edits settle. The sweep claims a row by clearing the `due_at` it read (a conditional UPDATE) in the
same transaction as the new job, so two sweeps never start two jobs and a crash starts none. The new jobs
wait in the shop's line like any other (videos/jobs/dispatch.py hands them over at the concurrency cap).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopify_app.models import Shop
from videos.jobs import services as job_services
from videos.jobs.errors import ServiceError
from videos.jobs.freshness.fingerprint import differences, fingerprint, product_now
from videos.jobs.freshness.selectors import video_job
from videos.jobs.models import JobStatus, KeepCurrent, ProductFreshness, VideoJob

log = logging.getLogger(__name__)

SWEEP_LIMIT = 1000  # rows started per sweep; the rest wait for the next minute
NO_CREDITS_NOTE = ("Your video credits ran out, so videos are no longer remade automatically: this setting is now "
                   "\u201cAsk me\u201d and out-of-date videos are listed on the home page.")


def product_updated(shop: Shop, payload: dict[str, Any]) -> str:
    """Called for a products/update delivery, inside the webhook's transaction: a few queries, no Admin API
    call and no rendering. Returns what it decided (for the log and tests); ValueError for a payload that
    names no product."""
    prefs = job_services.shop_settings(shop)
    if prefs.keep_current == KeepCurrent.OFF:
        return "off"
    now_facts = product_now(payload)
    product_id = now_facts.product_id
    job, pending = video_job(shop, product_id)
    if job is None:
        return "a newer job will read the product" if pending else "no video of ours"
    if job.status == JobStatus.READY and now_facts.photo_ids is not None and job.media_id not in now_facts.video_ids:
        # The merchant took our video off the product: there is nothing left to keep up to date.
        ProductFreshness.objects.filter(shop=shop, product_id=product_id).delete()
        return "our video is no longer on the product"
    shown = fingerprint(job.inputs, job.spec)
    if shown is None:
        return "a newer job will read the product"
    changes = differences(shown, now_facts)
    now = timezone.now()
    row = ProductFreshness.objects.select_for_update().filter(shop=shop, product_id=product_id).first()
    if row is not None and _older(now_facts.updated_at, row.product_updated_at):
        return "an older delivery"  # Shopify does not promise order: a later edit was already seen
    seen = now_facts.updated_at or (row.product_updated_at if row else None)
    if not changes:
        if row is not None:
            _save(row, job=job, reason="", changes=[], stale_since=None, due_at=None, product_updated_at=seen)
        return "up to date"
    reason = "; ".join(change.text for change in changes)[:500]
    values: dict[str, Any] = {
        "job": job, "reason": reason, "changes": [change.as_dict() for change in changes],
        "stale_since": row.stale_since if row and row.job_id == job.pk and row.reason and row.stale_since else now,
        "due_at": now + timedelta(seconds=settings.SHOWREEL_KEEP_CURRENT_QUIET_S)
        if prefs.keep_current == KeepCurrent.AUTO else None,
        "product_updated_at": seen,
    }
    if row is None:
        ProductFreshness.objects.create(shop=shop, product_id=product_id, **values)
    else:
        _save(row, **values)
    return f"out of date: {reason}"


def _older(this: datetime | None, seen: datetime | None) -> bool:
    return this is not None and seen is not None and this < seen


def _save(row: ProductFreshness, **values: Any) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def start_due(*, now: datetime | None = None) -> dict[str, int]:
    """Remake every product whose edits have settled (due_at passed), in "automatically" mode. Safe to run
    anywhere, any number of times at once."""
    now = now or timezone.now()
    counts = {"started": 0, "asked": 0, "skipped": 0}
    due = (ProductFreshness.objects.filter(due_at__lte=now).order_by("due_at", "pk")
           .values_list("pk", "due_at")[:SWEEP_LIMIT])
    for pk, due_at in list(due):
        counts[_start_one(pk, due_at)] += 1
    if counts["started"] or counts["asked"]:
        log.info("freshness: %(started)d remake(s) started, %(asked)d left to ask (no credits)", counts)
    return counts


def _start_one(pk: int, due_at: datetime) -> str:
    with transaction.atomic():
        if not ProductFreshness.objects.filter(pk=pk, due_at=due_at).update(due_at=None):
            return "skipped"  # another sweep took it, or a newer edit moved it on
        row = ProductFreshness.objects.select_related("shop", "job").get(pk=pk)
        shop = row.shop
        prefs = job_services.shop_settings(shop)
        current, _ = video_job(shop, row.product_id)
        if prefs.keep_current != KeepCurrent.AUTO or not shop.is_installed or not row.reason or current != row.job:
            return "skipped"  # the setting changed, the shop left, or the video was remade or taken off meanwhile
        try:
            row.regeneration = remake(row.job)
        except ServiceError as exc:
            if exc.code != "no_credits":
                log.warning("freshness: could not remake the video of %s: %s", row.product_id, exc.message)
                return "skipped"
            prefs.keep_current, prefs.keep_current_note = KeepCurrent.ASK, NO_CREDITS_NOTE
            prefs.save(update_fields=["keep_current", "keep_current_note", "updated_at"])
            ProductFreshness.objects.filter(shop=shop).exclude(due_at=None).update(due_at=None)
            return "asked"
        row.save(update_fields=["regeneration", "updated_at"])
        return "started"


def remake(source: VideoJob, *, one_at_a_time: bool = False) -> VideoJob:
    """A new video for the source's product with the source's options and instruction (one credit; 402
    `no_credits` when none is left). Options that no longer validate (e.g. a removed template) give way to
    the shop's defaults."""
    try:
        return job_services.create_job(source.shop, source.product_id, {}, source.instruction, parent=source,
                                       base_options=source.options, one_at_a_time=one_at_a_time)
    except ServiceError as exc:
        if exc.code != "invalid":
            raise
    return job_services.create_job(source.shop, source.product_id, {}, source.instruction, parent=source,
                                   one_at_a_time=one_at_a_time)


def mode_changed(shop: Shop, mode: str) -> None:
    """The merchant chose a mode: only "automatically" keeps remakes scheduled."""
    if mode != KeepCurrent.AUTO:
        ProductFreshness.objects.filter(shop=shop).exclude(due_at=None).update(due_at=None)
