"""HMAC checks for what Shopify signs with the app secret: admin/OAuth query strings and webhook bodies.

ShopifyAPI has `shopify.Session.calculate_hmac`, but it reads the secret from a process-wide class attribute
(`shopify.Session.secret`), which is unsafe to switch per call and across threads; the algorithm below is the
same, line for line (shopify_python_api `shopify/session.py::__encoded_params_for_signature`, and the test
vectors from its `test/session_test.py`, copied into tests/shopify/test_signatures.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Mapping


class SignatureError(ValueError):
    """A signature is missing, malformed, wrong or stale. `code` is a short machine-readable reason."""

    def __init__(self, message: str, code: str = "bad_hmac") -> None:
        super().__init__(message)
        self.code = code


QueryItems = Mapping[str, object] | Iterable[tuple[str, str]]


def _grouped(params: QueryItems) -> dict[str, list[str]]:
    """Query parameters as key -> values, whether given as a dict, a QueryDict or (key, value) pairs."""
    if hasattr(params, "lists"):  # Django QueryDict keeps repeated keys
        return {k: [str(v) for v in vs] for k, vs in params.lists()}  # type: ignore[union-attr]
    if isinstance(params, Mapping):
        return {k: [str(x) for x in v] if isinstance(v, list | tuple) else [str(v)] for k, v in params.items()}
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(str(value))
    return grouped


def signing_message(params: QueryItems) -> str:
    """The string Shopify signs: sorted `k=v` pairs without `hmac`, delimiters escaped, `k[]` lists as JSON."""
    pairs = []
    for key, values in _grouped(params).items():
        if key == "hmac":
            continue
        if key.endswith("[]"):
            # ids[]=2&ids[]=1 is signed as ids=["2", "1"] (order kept, ", " separator).
            key, value = key[:-2], json.dumps(values)
        elif len(values) == 1:
            value = values[0]
        else:
            raise SignatureError(f"query parameter {key!r} is repeated", code="repeated_param")
        key = key.replace("%", "%25").replace("=", "%3D")
        value = value.replace("%", "%25")
        pairs.append(f"{key}={value}".replace("&", "%26"))
    return "&".join(sorted(pairs))


def query_hmac(params: QueryItems, secret: str) -> str:
    """Hex HMAC-SHA256 of the query parameters, as Shopify computes it for admin links and OAuth."""
    return hmac.new(secret.encode(), signing_message(params).encode(), hashlib.sha256).hexdigest()


def verify_query_hmac(
    params: QueryItems, secret: str, *, max_age_s: float | None, now: float | None = None
) -> None:
    """Raise `SignatureError` unless `params["hmac"]` signs the rest and `timestamp` is recent.

    `max_age_s=None` skips the timestamp check (only for fixed test vectors)."""
    grouped = _grouped(params)
    given = grouped.get("hmac", [])
    if len(given) != 1 or not given[0]:
        raise SignatureError("the query has no hmac parameter", code="missing_hmac")
    expected = query_hmac(grouped, secret)
    if not hmac.compare_digest(expected.encode(), given[0].lower().encode()):
        raise SignatureError("the query hmac does not match")
    if max_age_s is not None:
        stamp = grouped.get("timestamp", [""])[-1]
        try:
            age = (time.time() if now is None else now) - int(stamp)
        except ValueError:
            raise SignatureError("the query has no valid timestamp", code="bad_timestamp") from None
        # A little tolerance for clocks ahead of ours (shopify-app-js allows 90 s).
        if age > max_age_s or age < -90:
            raise SignatureError("the query timestamp is too old or in the future", code="stale_timestamp")


def webhook_hmac(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(secret, raw body)), the `X-Shopify-Hmac-Sha256` header value."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_webhook_hmac(body: bytes, header: str | None, secret: str) -> None:
    """Raise `SignatureError` unless `header` is the HMAC of the raw `body` (constant-time compare)."""
    if not header:
        raise SignatureError("missing X-Shopify-Hmac-Sha256 header", code="missing_hmac")
    if not hmac.compare_digest(webhook_hmac(body, secret).encode(), header.strip().encode()):
        raise SignatureError("webhook hmac does not match")
