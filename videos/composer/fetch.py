"""Downloading a product's media from http(s) URLs (Shopify's CDN, usually) into a local folder.

One small client: streamed GET with a timeout and a byte cap, typed errors that say whether a retry can help.
"""

from __future__ import annotations

import mimetypes
import os
import re
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_TIMEOUT_S = 30.0
# Extensions we keep from a URL or infer from the Content-Type (Shopify's CDN serves the original format).
_KNOWN_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".mp4", ".mov", ".webm", ".m4v", ".mp3", ".wav", ".m4a", ".aac"}


class FetchError(Exception):
    """A download failed. `retryable`: a timeout, a dropped connection or a 5xx/429 may work next time;
    a 404, a refused scheme or a file over the cap will not."""

    def __init__(self, url: str, reason: str, *, retryable: bool) -> None:
        self.url = url
        self.reason = reason
        self.retryable = retryable
        super().__init__(f"{_redacted(url)}: {reason}")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _redacted(url: str) -> str:
    """The URL without its query string: signed CDN URLs carry tokens there."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _filename(url: str, content_type: str, index: int) -> str:
    name = Path(unquote(urlsplit(url).path)).name
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in _KNOWN_SUFFIXES:
        guessed = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
        suffix = guessed if guessed in _KNOWN_SUFFIXES else suffix
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:60] or "media"
    return f"{index:03d}-{stem}{suffix.lower()}"


def download(
    url: str,
    directory: Path,
    *,
    index: int = 0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_S,
    client: httpx.Client | None = None,
) -> Path:
    """GET `url` into `directory` (streamed; refused past `max_bytes` or after `timeout` seconds in all,
    so a server trickling bytes cannot hold a worker); returns the file's path."""
    if not is_url(url):
        raise FetchError(url, "only http(s) URLs can be downloaded", retryable=False)
    directory.mkdir(parents=True, exist_ok=True)
    own = client is None
    client = client or httpx.Client(timeout=timeout, follow_redirects=True)
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                retryable = response.status_code >= 500 or response.status_code in (408, 429)
                raise FetchError(url, f"HTTP {response.status_code}", retryable=retryable)
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(url, f"file is {int(declared):,} bytes, over the {max_bytes:,}-byte limit", retryable=False)
            target = directory / _filename(url, response.headers.get("content-type", ""), index)
            fd, tmp = tempfile.mkstemp(dir=directory, suffix=".part")
            size = 0
            deadline = time.monotonic() + timeout
            try:
                with os.fdopen(fd, "wb") as handle:
                    for chunk in response.iter_bytes():
                        if time.monotonic() > deadline:
                            raise httpx.ReadTimeout("download deadline passed")
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(url, f"file is over the {max_bytes:,}-byte limit", retryable=False)
                        handle.write(chunk)
                if size == 0:
                    raise FetchError(url, "the server sent an empty file", retryable=False)
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
            return target
    except httpx.TimeoutException:
        raise FetchError(url, f"timed out after {timeout:g} s", retryable=True) from None
    except httpx.TransportError as exc:
        raise FetchError(url, f"connection failed ({type(exc).__name__})", retryable=True) from None
    finally:
        if own:
            client.close()
