"""The one capped downloader: a streamed GET into a file, with a byte cap, an overall deadline, an optional
host allow-list checked on every hop, a redirect policy, and a typed error that says whether a retry can help.

Callers keep their own policy (which hosts, which types, what the merchant is told) and map `DownloadError`
onto their own errors: product media from Shopify's CDN (videos/jobs/cdn.py), media URLs in a product
file (videos/composer/product.py) and NemoVideo's rendered video (videos/backends/nemo/client.py).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx

CHUNK = 256 * 1024
MAX_REDIRECTS = 3
ERROR_BODY_BYTES = 4096  # of an error answer, kept for callers that read the vendor's error envelope

# Why a download failed (`DownloadError.reason`).
REFUSED = "refused"  # a scheme or host (first or redirected to) the policy does not allow
REDIRECTS = "redirects"  # more redirects than allowed
HTTP_STATUS = "status"  # the server answered 4xx/5xx (`status` says which)
TOO_LARGE = "too_large"
EMPTY = "empty"
TIMEOUT = "timeout"
NETWORK = "network"  # no connection, or it dropped


class DownloadError(Exception):
    """A download that did not complete; no partial file is left behind. `retryable`: a timeout, a dropped
    connection, a 5xx, 408 or 429 may work next time; a refused host, a 404 or a file over the cap will not.
    The message never shows the URL's query string (signed URLs carry tokens there)."""

    def __init__(self, url: str, reason: str, detail: str, *, retryable: bool = False, status: int | None = None,
                 size: int | None = None, body: bytes = b"") -> None:
        super().__init__(f"{shown(url)}: {detail}")
        self.url = url
        self.reason = reason
        self.detail = detail
        self.retryable = retryable
        self.status = status
        self.size = size  # the declared size, when the server announced one over the cap
        self.body = body  # the start of an error answer's body

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url[:60]


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    content_type: str  # without parameters, lower case
    url: str  # after redirects


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def shown(url: str) -> str:
    """The URL without its query string."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def host_matches(host: str, rules: Iterable[str]) -> bool:
    """`host` is one of `rules`: an exact name, or a subdomain of a rule written with a leading dot
    (".shopifycdn.net" allows "a.shopifycdn.net", not "shopifycdn.net" nor "evilshopifycdn.net")."""
    host = host.lower()
    for rule in rules:
        rule = rule.strip().lower()
        if rule.startswith(".") and host.endswith(rule) and len(host) > len(rule):
            return True
        if rule and host == rule:
            return True
    return False


def download(
    url: str,
    target: Path | Callable[[httpx.Response], Path],
    *,
    max_bytes: int,
    timeout_s: float,
    client: httpx.Client | None = None,
    allow: Callable[[str], bool] | None = None,
    max_redirects: int = MAX_REDIRECTS,
    headers: Callable[[str], dict[str, str]] | None = None,
) -> Downloaded:
    """GET `url` into `target` (a path, or a function that names the file from the response's headers and
    may refuse it by raising). Refused past `max_bytes`, or when the whole download takes over `timeout_s`
    (a server trickling bytes cannot hold a worker). `allow` checks the URL and every redirect before it is
    requested; at most `max_redirects` are followed (0: a redirect is refused). `headers(url)` gives each
    request's headers, so credentials can go to one host only. The file appears whole or not at all."""
    import httpx  # here, not at import: a local render that downloads nothing never loads it

    own = client is None
    http = client or httpx.Client(timeout=timeout_s)
    deadline = time.monotonic() + timeout_s
    try:
        for _ in range(max_redirects + 1):
            _check(url, allow)
            with http.stream("GET", url, headers=headers(url) if headers else None, follow_redirects=False) as response:
                location = response.headers.get("location")
                if response.is_redirect and location:
                    url = str(response.url.join(location))
                    continue
                return _save(response, url, target, max_bytes, deadline)
        raise DownloadError(url, REDIRECTS, f"redirected more than {max_redirects} time(s)")
    except httpx.TimeoutException:
        raise DownloadError(url, TIMEOUT, f"timed out after {timeout_s:g} s", retryable=True) from None
    except httpx.TransportError as exc:
        raise DownloadError(url, NETWORK, f"connection failed ({type(exc).__name__})", retryable=True) from None
    finally:
        if own:
            http.close()


def _check(url: str, allow: Callable[[str], bool] | None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(url, REFUSED, "only http(s) URLs can be downloaded")
    if allow is not None and not allow(url):
        raise DownloadError(url, REFUSED, f"the host {parts.hostname} is not allowed")


def _save(response: httpx.Response, url: str, target: Path | Callable[[httpx.Response], Path], max_bytes: int,
          deadline: float) -> Downloaded:
    status = response.status_code
    if status >= 400:
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= ERROR_BODY_BYTES:
                break
        raise DownloadError(url, HTTP_STATUS, f"HTTP {status}", status=status, body=body[:ERROR_BODY_BYTES],
                            retryable=status >= 500 or status in (408, 429))
    if status >= 300:
        raise DownloadError(url, REFUSED, f"HTTP {status} without a location to follow")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(url, TOO_LARGE, f"file is {int(declared):,} bytes, over the {max_bytes:,}-byte limit",
                            size=int(declared))
    path = target(response) if callable(target) else target
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".part")
    size = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(url, TOO_LARGE, f"file is over the {max_bytes:,}-byte limit")
                if time.monotonic() > deadline:
                    import httpx

                    raise httpx.ReadTimeout("download deadline passed")
                handle.write(chunk)
        if size == 0:
            raise DownloadError(url, EMPTY, "the server sent an empty file")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return Downloaded(path, size, content_type, url)
