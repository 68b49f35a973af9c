"""Downloading a product's photos and clips: only from Shopify's CDN, capped in size and time, and only
the content types a video can use. The policy over the one capped downloader (videos/media/download.py),
with the merchant-facing `JobError` for each way it can fail.

Hosts: `cdn.shopify.com` and subdomains of `shopifycdn.com` / `shopifycdn.net` (SHOWREEL_MEDIA_HOSTS), over
HTTPS. In development and tests (SHOPIFY_EMULATOR_ENABLED) also the emulator's origin (SHOPIFY_ADMIN_BASE)
and SHOWREEL_EXTRA_MEDIA_ORIGINS. Every redirect is checked the same way before it is followed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from videos.jobs.errors import JobError
from videos.media import download as capped

IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
CLIP_TYPES = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}
MAX_REDIRECTS = 3


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed(url: str) -> bool:
    """Whether `url` is on a host product media may come from."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if settings.SHOPIFY_EMULATOR_ENABLED:
        dev = [o.lower() for o in settings.SHOWREEL_EXTRA_MEDIA_ORIGINS]
        if settings.SHOPIFY_ADMIN_BASE:
            dev.append(_origin(settings.SHOPIFY_ADMIN_BASE))
        if parts.scheme in ("http", "https") and _origin(url) in dev:
            return True
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    if parts.port not in (None, 443):
        return False
    return capped.host_matches(host, settings.SHOWREEL_MEDIA_HOSTS)


@lru_cache(maxsize=4)
def shared_client(timeout: float) -> httpx.Client:
    """One pooled client per process (httpx.Client is thread-safe): a new one per photo would pay for a TLS
    context and a new connection to the CDN each time."""
    return httpx.Client(timeout=httpx.Timeout(min(timeout, 15.0), read=min(timeout, 30.0)), follow_redirects=False)


def download(url: str, directory: Path, stem: str, *, kind: str, client: httpx.Client | None = None) -> Path:
    """GET a product photo (`kind="image"`) or clip (`kind="clip"`) into `directory/stem.ext`."""
    types = IMAGE_TYPES if kind == "image" else CLIP_TYPES
    cap = settings.SHOWREEL_MAX_IMAGE_BYTES if kind == "image" else settings.SHOWREEL_MAX_CLIP_BYTES
    what = "photo" if kind == "image" else "video clip"
    timeout = float(settings.SHOWREEL_DOWNLOAD_TIMEOUT_S)

    def name(response: httpx.Response) -> Path:
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in types:
            raise JobError("media_unsupported", f"A {what} has an unsupported type ({content_type or 'unknown'}); "
                           f"accepted: {', '.join(sorted(types))}.")
        return directory / f"{stem}{types[content_type]}"

    try:
        return capped.download(url, name, max_bytes=cap, timeout_s=timeout, client=client or shared_client(timeout),
                               allow=allowed, max_redirects=MAX_REDIRECTS).path
    except capped.DownloadError as exc:
        raise _job_error(exc, what, cap) from None


def _job_error(exc: capped.DownloadError, what: str, cap: int) -> JobError:
    if exc.reason == capped.REDIRECTS:
        return JobError("media_refused", f"A {what} redirected more than {MAX_REDIRECTS} times.")
    if exc.reason == capped.REFUSED:
        return JobError("media_refused", f"A {what} is hosted outside Shopify ({exc.host}); only files on "
                        "Shopify's CDN are downloaded.")
    if exc.reason == capped.HTTP_STATUS and exc.status in (404, 410):
        return JobError("media_missing", f"A {what} is no longer on Shopify's CDN ({capped.shown(exc.url)}).")
    if exc.reason == capped.HTTP_STATUS:
        return JobError("media_unavailable", f"Shopify's CDN answered HTTP {exc.status} for a {what}.",
                        retryable=exc.retryable)
    if exc.reason == capped.TOO_LARGE:
        size = f" is {exc.size / 1e6:,.1f} MB," if exc.size else " is"
        return JobError("media_too_large", f"A {what}{size} over the {cap / 1e6:,.1f} MB limit.")
    if exc.reason == capped.EMPTY:
        return JobError("media_unreadable", f"Shopify's CDN sent an empty file for a {what}.")
    if exc.reason == capped.TIMEOUT:
        return JobError("media_timeout", f"A {what} took too long to download from Shopify's CDN.", retryable=True)
    return JobError("media_unavailable", f"A {what} could not be downloaded: {exc.detail}.", retryable=True)
