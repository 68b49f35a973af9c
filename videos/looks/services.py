"""Compare looks: ask for three previews (no credit, a daily cap per shop), make them (a task: the product's
photos once, then per template the composed spec and a small render of it), pick one (a job made from that
very spec, which takes the credit).

The spec each preview shows is kept at the size the job renders, so the picked video has the same shots, text
and music as its preview, only sharper."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopify_app.models import Shop
from videos.composer.templates import TEMPLATES
from videos.jobs import broker, files, services
from videos.jobs import options as job_options
from videos.jobs.errors import ServiceError, as_job_error
from videos.jobs.models import VideoJob
from videos.looks.models import LookSet

log = logging.getLogger(__name__)

LOOKS = 3
PREVIEW_SIDE = 240  # px, the longest side of a preview
PREVIEW_FPS = 12
PREVIEW_PHOTOS = 8  # photos fetched for previews (a showcase rarely shows more)
KEEP_DAYS = 3  # previews (and the photos a picked look renders from) are removed after this long


def looks_today(shop: Shop) -> int:
    return LookSet.objects.filter(shop=shop, created_at__gte=timezone.now() - timedelta(days=1)).count()


def templates_for(first: str | None) -> list[str]:
    """The merchant's template first, then the others in catalogue order: three in all."""
    names = list(TEMPLATES)
    ordered = ([first] if first in TEMPLATES else []) + [n for n in names if n != first]
    return ordered[:LOOKS]


def create_looks(shop: Shop, product_id: Any, options: dict[str, Any], instruction: str = "") -> LookSet:
    """A set of previews for the product, made in the background. 429 `looks_cap` past the daily cap."""
    gid = services.normalise_product_id(product_id)
    if looks_today(shop) >= settings.SHOWREEL_LOOKS_PER_DAY:
        raise ServiceError("looks_cap", f"You have compared looks {settings.SHOWREEL_LOOKS_PER_DAY} times in the last "
                           "24 hours, the most for a day. Pick a template and generate, or compare again tomorrow.",
                           status=429)
    resolved = job_options.build(services.default_options(shop), options)
    job_options.interpretation(instruction, resolved)  # a 400 now rather than three failed previews
    with transaction.atomic():
        looks = LookSet.objects.create(shop=shop, product_id=gid, options=resolved, instruction=instruction.strip(),
                                       templates=templates_for(resolved.get("template")))
        transaction.on_commit(lambda: broker.enqueue_looks(looks.pk))
    return looks


STALLED_AFTER = timedelta(minutes=10)  # a set still unfinished this long was lost (its worker stopped)


def shown_status(looks: LookSet, now: datetime | None = None) -> tuple[str, str]:
    """(status, message) as the merchant should see it: a set that stalled reads as failed, so the page stops
    waiting for it and offers to compare again."""
    unfinished = looks.status in (LookSet.Status.QUEUED, LookSet.Status.MAKING)
    if unfinished and looks.updated_at < (now or timezone.now()) - STALLED_AFTER:
        return LookSet.Status.FAILED, "The previews were not made in time. Compare looks again."
    return looks.status, looks.error_message


def work_dir(looks: LookSet) -> Path:
    return Path(settings.SHOWREEL_WORK_DIR) / "looks" / str(looks.pk)


def make_looks(look_id: Any) -> str:
    """Make a set's previews (claimed once: a second delivery does nothing)."""
    claimed = LookSet.objects.filter(pk=look_id, status=LookSet.Status.QUEUED).update(
        status=LookSet.Status.MAKING, updated_at=timezone.now())
    if not claimed:
        return "skipped"
    looks = LookSet.objects.get(pk=look_id)
    try:
        _make(looks)
    except Exception as exc:  # the merchant sees the reason; nothing was charged
        error = as_job_error(exc, stage="composing")
        log.info("looks %s failed: %s", look_id, error.message)
        LookSet.objects.filter(pk=look_id).update(status=LookSet.Status.FAILED, error_message=error.message,
                                                 updated_at=timezone.now())
        return "failed"
    LookSet.objects.filter(pk=look_id).update(status=LookSet.Status.READY, updated_at=timezone.now())
    return "ready"


def _make(looks: LookSet) -> None:
    from videos.backends import get_backend
    from videos.composer import compose
    from videos.jobs.make import brand_for, effective_options, product_from_inputs
    from videos.render.still import shrink

    folder = work_dir(looks)
    inputs = _fetch(looks, folder / "inputs")
    LookSet.objects.filter(pk=looks.pk).update(inputs=inputs, product_title=inputs["title"][:255],
                                               product_image_url=(inputs["images"][0]["url"] or "")[:1000],
                                               updated_at=timezone.now())
    product = product_from_inputs(inputs)
    made: dict[str, Any] = {}
    for template in looks.templates:
        draft = VideoJob(shop=looks.shop, options={**looks.options, "template": template}, instruction=looks.instruction)
        options = effective_options(draft)
        # The spec the picked job renders (at the size a job renders), and a small, choppier copy to preview it.
        spec = shrink(compose(product, brand_for(draft, folder), options), settings.SHOWREEL_RENDER_MAX_SIDE)
        preview = _at_fps(shrink(spec, PREVIEW_SIDE), PREVIEW_FPS)
        out = folder / template
        out.mkdir(parents=True, exist_ok=True)
        get_backend("local").render(preview, out / "preview.mp4", poster=out / "poster.jpg")
        base = f"showreel/{looks.shop_id}/looks/{looks.pk}/{template}"
        made[template] = {
            "spec": spec.to_dict(),
            "video_file": files.store(out / "preview.mp4", f"{base}.mp4"),
            "poster_file": files.store(out / "poster.jpg", f"{base}.jpg") if (out / "poster.jpg").is_file() else "",
        }
        LookSet.objects.filter(pk=looks.pk).update(looks=made, updated_at=timezone.now())


def _at_fps(spec: Any, fps: int) -> Any:
    from videos.spec import VideoSpec

    data = spec.to_dict()
    data["canvas"]["fps"] = min(int(data["canvas"]["fps"]), fps)
    return VideoSpec.from_dict(data)


def _fetch(looks: LookSet, folder: Path) -> dict[str, Any]:
    """The product's facts and photos, in the shape a job records as its `inputs`."""
    from shopify_app import services as shopify_services
    from shopify_app.admin_api import operations
    from videos.jobs.errors import JobError
    from videos.jobs.fetch import MEDIA_FIRST, download_photos, product_inputs

    product = operations.get_product(shopify_services.admin_client(looks.shop), looks.product_id, media_first=MEDIA_FIRST)
    if not product.images:
        raise JobError("no_media", "This product has no photos to make a video from. Add a photo in Shopify and try again.")
    return product_inputs(product, download_photos(product, folder, PREVIEW_PHOTOS), videos=[])


def pick(looks: LookSet, template: str) -> VideoJob:
    """The full video of one previewed look: a job with that look's spec (and photos), one credit."""
    if looks.status != LookSet.Status.READY or template not in (looks.looks or {}):
        message = "That look is not ready to pick."
        raise ServiceError("look_not_ready", message, status=409, fields={"template": [message]})
    chosen = looks.looks[template]
    return services.create_job(
        looks.shop, looks.product_id, {**looks.options, "template": template}, looks.instruction,
        one_at_a_time=True, product_card=(looks.product_title, looks.product_image_url),
        prepared={"inputs": looks.inputs, "spec": chosen["spec"]},
    )


def remove_old_looks(now: datetime | None = None) -> int:
    """Remove look sets older than KEEP_DAYS: their preview files, their photos and the row."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    removed = 0
    for looks in LookSet.objects.filter(created_at__lt=cutoff).only("pk", "shop_id")[:500]:
        files.delete_prefix(f"showreel/{looks.shop_id}/looks/{looks.pk}")
        shutil.rmtree(work_dir(looks), ignore_errors=True)
        looks.delete()
        removed += 1
    return removed
