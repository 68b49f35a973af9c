"""Stage 1, fetching: the product from the Admin API and its photos and clips from Shopify's CDN.

Records `inputs` (the product's facts and the local files, hero photo first) and the product's title."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopify_app.admin_api import operations
from videos.jobs import faults, files
from videos.jobs.cdn import download
from videos.jobs.context import StageContext
from videos.jobs.errors import JobError

VIDEO_MIMES = ("video/mp4", "video/quicktime", "video/webm")
MAX_PHOTOS = 20  # more than any showcase uses; the composer picks among them
MAX_CLIPS = 4
# Media items read per product: enough for every photo and clip a video uses, and each one costs GraphQL points.
MEDIA_FIRST = 30


def inputs_ready(inputs: dict[str, Any] | None) -> bool:
    if not inputs:
        return False
    paths = [item["file"] for item in inputs.get("images", []) + inputs.get("videos", [])]
    return bool(paths) and all(Path(p).is_file() for p in paths)


def _pick_source(media: operations.MediaItem) -> dict[str, Any] | None:
    """An MP4 (else MOV/WEBM) rendition, the tallest up to 1080 lines."""
    for mime in VIDEO_MIMES:
        matching = [s for s in media.video_sources if str(s.get("mimeType", "")).lower() == mime and s.get("url")]
        if matching:
            fitting = [s for s in matching if (s.get("height") or 0) <= 1080] or matching
            return max(fitting, key=lambda s: s.get("height") or 0)
    return None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def download_photos(product: operations.ShopifyProduct, folder: Path, limit: int,
                    heartbeat: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    """The product's first `limit` photos (featured photo first) downloaded into `folder`, as `inputs` lists them."""
    photos = product.photos_featured_first[:limit]
    images: list[dict[str, Any]] = []
    for index, media in enumerate(photos):
        path = download(media.image_url or "", folder, f"{index:03d}-photo", kind="image")
        # id and url: which photos the video shows, for telling later whether they changed (freshness).
        images.append({"file": str(path), "alt": media.alt, "id": media.id, "url": media.image_url})
        heartbeat()
    return images


def product_inputs(product: operations.ShopifyProduct, images: list[dict[str, Any]],
                   videos: list[dict[str, Any]]) -> dict[str, Any]:
    """What a job records as its `inputs`: the product's facts and its downloaded files."""
    return {
        "title": product.title,
        "description": product.description,
        "vendor": product.vendor,
        "tags": product.tags,
        "price": _money(product.price),
        "compare_at_price": _money(product.compare_at_price),
        "currency": product.currency or "USD",
        "images": images,
        "videos": videos,
    }


def fetch_stage(ctx: StageContext) -> None:
    job = ctx.job
    client = ctx.admin()
    product = operations.get_product(client, job.product_id, media_first=MEDIA_FIRST)
    # This app's own earlier videos (told by their upload name) are never used as clips.
    clips = [m for m in product.media if m.kind == "VIDEO" and m.status == "READY"
             and not files.uploaded_job_id(m.filename)]
    folder = ctx.work_dir / "inputs"
    shutil.rmtree(folder, ignore_errors=True)
    images = download_photos(product, folder, MAX_PHOTOS, ctx.heartbeat)
    videos: list[dict[str, Any]] = []
    for index, media in enumerate(clips[:MAX_CLIPS]):
        source = _pick_source(media)
        if source is None:
            continue
        path = download(source["url"], folder, f"{index:03d}-clip", kind="clip")
        videos.append({"file": str(path), "duration": (media.duration_ms or 0) / 1000 or None})
        ctx.heartbeat()
    if not images and not videos:
        raise JobError("no_media", "This product has no photos or videos to make a video from. Add a photo in "
                       "Shopify and try again.")
    inputs = product_inputs(product, images, videos)
    faults.point("fetching")
    ctx.save(inputs=inputs, product_title=product.title[:255])
