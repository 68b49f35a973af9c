"""HTTP with bounded retries for Shopify: 429 (Retry-After) and 502/503/504 with backoff and jitter.

Shopify's official clients retry exactly 429 and 5xx (shopify-app-js `graphql_client`, shopify_python_api);
other 4xx never succeed on a retry and are returned to the caller to map to a typed error.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx

from shopify_app.admin_api.errors import ShopifyUnavailableError, ThrottledError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
# Errors raised before the request reached Shopify: safe to retry even for a mutation.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4  # HTTP attempts per call (429 / 502-504 / network)
    max_throttle_waits: int = 8  # GraphQL THROTTLED waits per call
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_wait_s: float = 60.0  # no single Retry-After or throttle wait is longer than this

    def backoff(self, attempt: int, rand: float) -> float:
        """Exponential backoff with equal jitter: half of the delay fixed, half random."""
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return delay / 2 + rand * delay / 2


@dataclass
class Transport:
    """One httpx client plus the retry rules; `sleep` and `rand` are injectable so tests don't wait."""

    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30.0))
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = time.sleep
    rand: Callable[[], float] = random.random

    def send(self, method: str, url: str, *, idempotent: bool, what: str, **kwargs) -> httpx.Response:
        """The first response that is neither 429 nor 502/503/504, after bounded retries."""
        policy = self.policy
        for attempt in range(1, policy.max_attempts + 1):
            last = attempt == policy.max_attempts
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                # A read timeout on a mutation may have been applied already: don't repeat it blindly.
                if last or not (idempotent or isinstance(exc, _NOT_SENT)):
                    raise ShopifyUnavailableError(f"{what}: {type(exc).__name__} talking to Shopify") from None
                delay = policy.backoff(attempt, self.rand())
                log.warning("shopify %s: %s, retry %d in %.2fs", what, type(exc).__name__, attempt, delay)
                self.sleep(delay)
                continue
            status = response.status_code
            if status == 429:
                if last:
                    raise ThrottledError(f"{what}: still rate limited (429) after {attempt} attempts", status=429)
                delay = min(policy.max_wait_s, retry_after_s(response) or policy.backoff(attempt, self.rand()))
                log.warning("shopify %s: 429, retry %d in %.2fs", what, attempt, delay)
                self.sleep(delay)
                continue
            if status in RETRY_STATUSES:
                if last:
                    raise ShopifyUnavailableError(f"{what}: Shopify answered {status} {attempt} times", status=status)
                delay = policy.backoff(attempt, self.rand())
                log.warning("shopify %s: %d, retry %d in %.2fs", what, status, attempt, delay)
                self.sleep(delay)
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover


def retry_after_s(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
