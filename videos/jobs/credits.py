"""The per-shop credit ledger: `available` / `frozen` / `total`, like NemoVideo's balance.

A credit is frozen when a job is created, charged when it is READY, released when it fails or is cancelled.
Each move is a conditional UPDATE on the job's `credit_state` (frozen -> charged | released), so a re-run,
a second delivery or a repeated webhook can never charge or release twice. Every call here must run inside
the caller's transaction (the job's status changes in the same one).

The monthly allowance comes from the shop's plan: plans are sold through Shopify App Pricing and read
with the Admin API (`currentAppInstallation.activeSubscriptions`); this app never creates charges.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from shopify_app import services as shopify_services
from shopify_app.admin_api import operations
from shopify_app.admin_api.errors import ShopifyError
from shopify_app.models import Shop
from videos.jobs.errors import ServiceError
from videos.jobs.models import CreditAccount, CreditEntry, CreditState, VideoJob

log = logging.getLogger(__name__)


def month_start(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def allowance_for(plan: str) -> int:
    return int(settings.SHOWREEL_PLANS.get(plan, settings.SHOWREEL_PLANS.get(settings.SHOWREEL_DEFAULT_PLAN, 0)))


def account_for(shop: Shop) -> CreditAccount:
    """The shop's account (opened with the default plan's allowance), rolled over to this month."""
    plan = settings.SHOWREEL_DEFAULT_PLAN
    account, created = CreditAccount.objects.get_or_create(
        shop=shop,
        defaults={"available": allowance_for(plan), "plan": plan, "monthly_allowance": allowance_for(plan),
                  "period_start": month_start()},
    )
    if created:
        CreditEntry.objects.create(account=account, kind=CreditEntry.Kind.GRANT, amount=account.available,
                                   note=f"{plan} plan, first month")
        return account
    return _roll_over(account)


def _roll_over(account: CreditAccount) -> CreditAccount:
    """A new month: unused credits lapse and the plan's allowance is available again (once: conditional)."""
    start = month_start()
    if account.period_start >= start:
        return account
    with transaction.atomic():
        renewed = CreditAccount.objects.filter(pk=account.pk, period_start=account.period_start).update(
            available=account.monthly_allowance, period_start=start, updated_at=timezone.now())
        if renewed:
            CreditEntry.objects.create(account=account, kind=CreditEntry.Kind.GRANT, amount=account.monthly_allowance,
                                       note=f"{account.plan} plan, month of {start:%Y-%m}")
    account.refresh_from_db()
    return account


def freeze(shop: Shop, jobs: list[VideoJob]) -> None:
    """Freeze one credit per (already saved) job, all or nothing; 402 `no_credits` when they don't fit."""
    if not jobs:
        return
    account = account_for(shop)
    count = len(jobs)
    taken = CreditAccount.objects.filter(pk=account.pk, available__gte=count).update(
        available=F("available") - count, frozen=F("frozen") + count, updated_at=timezone.now())
    if not taken:
        account.refresh_from_db()
        if account.available <= 0:
            message = ("You have no video credits left this month. They renew on the 1st, or upgrade your plan "
                       "for more.")
        else:
            message = (f"You have {account.available} video credit(s) left this month, but this needs {count}. "
                       "Choose fewer products or upgrade your plan.")
        raise ServiceError("no_credits", message, status=402)
    VideoJob.objects.filter(pk__in=[j.pk for j in jobs]).update(credit_state=CreditState.FROZEN)
    for job in jobs:
        job.credit_state = CreditState.FROZEN
    # One ledger row per request (a batch of 500 freezes in one row; each job settles in its own row later).
    CreditEntry.objects.create(account=account, job=jobs[0] if count == 1 else None, kind=CreditEntry.Kind.FREEZE,
                               amount=-count, note="" if count == 1 else f"batch {jobs[0].batch_id}")


def refreeze(job: VideoJob) -> None:
    """A retried job takes a credit again (its earlier one was released)."""
    if job.credit_state in (CreditState.FROZEN, CreditState.CHARGED):
        return
    freeze(job.shop, [job])


def charge(job: VideoJob) -> bool:
    """The job is READY: its frozen credit is spent. False when it was not frozen (already charged)."""
    return _settle(job, CreditState.CHARGED, CreditEntry.Kind.CHARGE, available_delta=0)


def release(job: VideoJob) -> bool:
    """The job failed or was cancelled: its frozen credit is available again."""
    return _settle(job, CreditState.RELEASED, CreditEntry.Kind.RELEASE, available_delta=1)


def release_many(jobs: QuerySet[VideoJob], *, note: str = "") -> int:
    """Release the frozen credits of many ended jobs at once (a shop leaving): per shop, one conditional
    UPDATE of the jobs and one ledger row for all of them. Returns how many credits were released."""
    frozen = jobs.filter(credit_state=CreditState.FROZEN)
    released = 0
    for shop_id in set(frozen.order_by().values_list("shop_id", flat=True)):
        count = frozen.filter(shop_id=shop_id).update(credit_state=CreditState.RELEASED)
        if not count:
            continue
        CreditAccount.objects.filter(shop_id=shop_id).update(
            available=F("available") + count, frozen=F("frozen") - count, updated_at=timezone.now())
        account = CreditAccount.objects.filter(shop_id=shop_id).first()
        if account is not None:
            CreditEntry.objects.create(account=account, kind=CreditEntry.Kind.RELEASE, amount=count, note=note)
        released += count
    return released


def _settle(job: VideoJob, state: str, kind: str, *, available_delta: int) -> bool:
    moved = VideoJob.objects.filter(pk=job.pk, credit_state=CreditState.FROZEN).update(credit_state=state)
    if not moved:
        return False
    job.credit_state = state
    CreditAccount.objects.filter(shop_id=job.shop_id).update(
        available=F("available") + available_delta, frozen=F("frozen") - 1, updated_at=timezone.now())
    account = CreditAccount.objects.get(shop_id=job.shop_id)
    CreditEntry.objects.create(account=account, job=job, kind=kind, amount=available_delta)
    return True


def plan_name(subscriptions: list[dict]) -> str:
    """The plan an active App Pricing subscription names ("Pro" -> "pro"), else the default plan."""
    for subscription in subscriptions:
        if str(subscription.get("status", "")).upper() != "ACTIVE":
            continue
        name = str(subscription.get("name") or "").strip().lower()
        if name in settings.SHOWREEL_PLANS:
            return name
        for known in settings.SHOWREEL_PLANS:
            if known in name.split():
                return known
        log.warning("credits: unknown plan %r; using %s", name, settings.SHOWREEL_DEFAULT_PLAN)
    return settings.SHOWREEL_DEFAULT_PLAN


def refresh_plan(shop: Shop, *, force: bool = False) -> CreditAccount:
    """Read the shop's active plan from Shopify (at most every SHOWREEL_PLAN_REFRESH_S) and adopt its
    allowance; an upgrade mid-month adds the difference now. Shopify being unreachable changes nothing."""
    account = account_for(shop)
    checked = account.plan_checked_at
    if not force and checked and (timezone.now() - checked).total_seconds() < settings.SHOWREEL_PLAN_REFRESH_S:
        return account
    try:
        plan = operations.get_shop_plan(shopify_services.admin_client(shop))
    except ShopifyError as exc:
        log.info("credits: could not read the plan of %s: %s", shop.domain, exc.message)
        return account
    name = plan_name(plan.app_subscriptions)
    allowance = allowance_for(name)
    with transaction.atomic():
        locked = CreditAccount.objects.select_for_update().get(pk=account.pk)
        extra = max(0, allowance - locked.monthly_allowance)
        locked.available += extra
        locked.plan, locked.monthly_allowance, locked.plan_checked_at = name, allowance, timezone.now()
        locked.save()
        if extra:
            CreditEntry.objects.create(account=locked, kind=CreditEntry.Kind.GRANT, amount=extra,
                                       note=f"upgraded to the {name} plan")
    return locked
