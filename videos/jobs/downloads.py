"""Downloading a product's photos and clips: only from Shopify's CDN, capped in size and time, and only
the content types a video can use. One small client with a typed error that says whether a retry can help.

Hosts: `cdn.shopify.com` and subdomains of `shopifycdn.com` / `shopifycdn.net` (SHOWREEL_MEDIA_HOSTS), over
HTTPS. In development and tests (SHOPIFY_EMULATOR_ENABLED) also the emulator's origin (SHOPIFY_ADMIN_BASE)
and SHOWREEL_EXTRA_MEDIA_ORIGINS. Redirects are followed by hand so each hop is checked the same way.
"""

from __future__ import annotations

import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from videos.jobs.errors import JobError

IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
CLIP_TYPES = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}
MAX_REDIRECTS = 3
CHUNK = 256 * 1024


class DownloadError(JobError):
    def __init__(self, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(code, message, retryable=retryable)


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
    for rule in settings.SHOWREEL_MEDIA_HOSTS:
        rule = rule.strip().lower()
        if rule.startswith(".") and host.endswith(rule) and len(host) > len(rule):
            return True
        if host == rule:
            return True
    return False


def _shown(url: str) -> str:
    """The URL without its query (signed CDN URLs carry tokens there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def download(url: str, directory: Path, stem: str, *, kind: str, client: httpx.Client | None = None) -> Path:
    """GET a product photo (`kind="image"`) or clip (`kind="clip"`) into `directory/stem.ext`."""
    types = IMAGE_TYPES if kind == "image" else CLIP_TYPES
    cap = settings.SHOWREEL_MAX_IMAGE_BYTES if kind == "image" else settings.SHOWREEL_MAX_CLIP_BYTES
    what = "photo" if kind == "image" else "video clip"
    timeout = settings.SHOWREEL_DOWNLOAD_TIMEOUT_S
    client = client or shared_client(float(timeout))
    deadline = time.monotonic() + timeout
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if not allowed(url):
                host = urlsplit(url).hostname or url[:60]
                raise DownloadError("media_refused", f"A {what} is hosted outside Shopify ({host}); only files on "
                                    "Shopify's CDN are downloaded.")
            with client.stream("GET", url) as response:
                if response.is_redirect and response.headers.get("location"):
                    url = str(response.url.join(response.headers["location"]))
                    continue
                return _save(response, url, directory, stem, types, cap, what, deadline)
        raise DownloadError("media_refused", f"A {what} redirected more than {MAX_REDIRECTS} times.")
    except httpx.TimeoutException:
        raise DownloadError("media_timeout", f"A {what} took too long to download from Shopify's CDN.",
                            retryable=True) from None
    except httpx.TransportError as exc:
        raise DownloadError("media_unavailable", f"A {what} could not be downloaded ({type(exc).__name__}).",
                            retryable=True) from None


@lru_cache(maxsize=4)
def shared_client(timeout: float) -> httpx.Client:
    """One pooled client per process (httpx.Client is thread-safe): a new one per photo cost 17 ms of CPU
    (its TLS context) and a new connection to the CDN each time."""
    return httpx.Client(timeout=httpx.Timeout(min(timeout, 15.0), read=min(timeout, 30.0)), follow_redirects=False)


def _save(response: httpx.Response, url: str, directory: Path, stem: str, types: dict[str, str], cap: int,
          what: str, deadline: float) -> Path:
    status = response.status_code
    if status in (404, 410):
        raise DownloadError("media_missing", f"A {what} is no longer on Shopify's CDN ({_shown(url)}).")
    if status >= 400:
        raise DownloadError("media_unavailable", f"Shopify's CDN answered HTTP {status} for a {what}.",
                            retryable=status >= 500 or status in (408, 429))
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in types:
        raise DownloadError("media_unsupported", f"A {what} has an unsupported type ({content_type or 'unknown'}); "
                            f"accepted: {', '.join(sorted(types))}.")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise DownloadError("media_too_large", f"A {what} is {int(declared) / 1e6:,.1f} MB, over the "
                            f"{cap / 1e6:,.1f} MB limit.")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{stem}{types[content_type]}"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}-", suffix=".part")
    size = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > cap:
                    raise DownloadError("media_too_large", f"A {what} is over the {cap / 1e6:,.1f} MB limit.")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("download deadline passed")
                handle.write(chunk)
        if size == 0:
            raise DownloadError("media_unreadable", f"Shopify's CDN sent an empty file for a {what}.")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target
