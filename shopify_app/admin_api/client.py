"""The Admin GraphQL client: one shop, one pinned API version, typed errors, THROTTLED waited out.

Response shapes: https://shopify.dev/docs/api/usage/rate-limits#graphql-admin-api-rate-limits (cost and
`throttleStatus {maximumAvailable currentlyAvailable restoreRate}` under `extensions.cost`, THROTTLED under
`errors[].extensions.code`, HTTP 200) and https://shopify.dev/docs/api/usage/response-codes (401/402/403/404/423).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import httpx
from django.conf import settings
from graphql import OperationType, get_operation_ast, parse

from shopify_app.admin_api import endpoints
from shopify_app.admin_api.documents import load_document
from shopify_app.admin_api.errors import NotFoundError, ShopifyError, ShopUninstalledError, ThrottledError
from shopify_app.admin_api.transport import Transport

log = logging.getLogger(__name__)

THROTTLE_MARGIN_S = 0.01


@dataclass(frozen=True)
class ShopSession:
    """What a call needs: the shop and its offline token. repr never shows the token."""

    shop: str
    access_token: str = field(repr=False)


def default_transport() -> Transport:
    """One pooled transport per process (and timeout), shared by every client: httpx.Client is thread-safe."""
    return _shared_transport(float(settings.SHOPIFY_HTTP_TIMEOUT_S))


@lru_cache(maxsize=4)
def _shared_transport(timeout_s: float) -> Transport:
    return Transport(http=httpx.Client(timeout=timeout_s))


class AdminClient:
    def __init__(self, session: ShopSession, *, transport: Transport | None = None) -> None:
        self.session = session
        self.transport = transport or default_transport()
        self.url = endpoints.graphql_url(session.shop)  # validates the shop domain before any request
        self.last_cost: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"AdminClient(shop={self.session.shop!r})"

    def run(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run the document `shopify_app/graphql/{name}.graphql`; returns `data`."""
        return self.execute(load_document(name), variables, what=name)

    def execute(self, query: str, variables: dict[str, Any] | None = None, *, what: str = "graphql") -> dict[str, Any]:
        is_mutation = _is_mutation(query)
        waits = 0
        while True:
            response = self.transport.send(
                "POST",
                self.url,
                idempotent=not is_mutation,
                what=what,
                json={"query": query, "variables": variables or {}},
                headers={"X-Shopify-Access-Token": self.session.access_token, "Accept": "application/json"},
            )
            body = self._body(response, what)
            cost = (body.get("extensions") or {}).get("cost")
            self.last_cost = cost
            errors = body.get("errors") or []
            if any(_code(e) == "THROTTLED" for e in errors):
                waits += 1
                if waits > self.transport.policy.max_throttle_waits:
                    raise ThrottledError(f"{what}: still THROTTLED after {waits - 1} waits", code="THROTTLED")
                delay = self._throttle_wait(cost, what)
                log.info("shopify %s: THROTTLED on %s, waiting %.2fs", what, self.session.shop, delay)
                self.transport.sleep(delay)
                continue
            if errors:
                raise _graphql_error(errors, what)
            data = body.get("data")
            if not isinstance(data, dict):
                raise ShopifyError(f"{what}: response has no data", retryable=True)
            return data

    def _throttle_wait(self, cost: dict[str, Any] | None, what: str) -> float:
        """Seconds until the bucket holds the requested cost again, from the restore rate."""
        policy = self.transport.policy
        status = (cost or {}).get("throttleStatus") or {}
        try:
            requested = float(cost.get("requestedQueryCost") or 0)  # type: ignore[union-attr]
            available = float(status["currentlyAvailable"])
            rate = float(status["restoreRate"])
            maximum = float(status.get("maximumAvailable") or requested)
        except (AttributeError, KeyError, TypeError, ValueError):
            return policy.backoff(1, self.transport.rand())
        if requested > maximum:
            raise ShopifyError(f"{what}: query cost {requested:g} exceeds the bucket ({maximum:g})", code="MAX_COST_EXCEEDED")
        if rate <= 0:
            return policy.max_wait_s
        # +10 ms so rounding on either side doesn't land us a hair short of the cost.
        return min(policy.max_wait_s, max(0.05, (requested - available) / rate) + THROTTLE_MARGIN_S)

    def _body(self, response: httpx.Response, what: str) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            raise ShopUninstalledError(f"{what}: {self.session.shop} rejected the access token (401)", status=401)
        if status == 404:
            raise NotFoundError(f"{what}: {self.session.shop} or API version not found (404)", status=404)
        if status == 402:
            raise ShopifyError(f"{what}: {self.session.shop} is frozen (402 Payment Required)", status=402)
        if status == 423:
            raise ShopifyError(f"{what}: {self.session.shop} is locked (423)", status=423)
        if status == 403:
            raise ShopifyError(f"{what}: access denied (403): a scope is missing?", status=403)
        if status >= 400:
            raise ShopifyError(f"{what}: HTTP {status}", status=status, retryable=status >= 500)
        try:
            body = response.json()
        except ValueError:
            raise ShopifyError(f"{what}: response is not JSON", retryable=True) from None
        if not isinstance(body, dict):
            raise ShopifyError(f"{what}: response is not a JSON object", retryable=True)
        return body


@lru_cache(maxsize=64)
def _is_mutation(query: str) -> bool:
    operation = get_operation_ast(parse(query, no_location=True))
    return operation is not None and operation.operation == OperationType.MUTATION


def _code(error: Any) -> str | None:
    return ((error or {}).get("extensions") or {}).get("code") if isinstance(error, dict) else None


def _graphql_error(errors: list[Any], what: str) -> ShopifyError:
    messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
    codes = {_code(e) for e in errors}
    if "ACCESS_DENIED" in codes:
        return ShopifyError(f"{what}: access denied: {messages}", code="ACCESS_DENIED")
    # Shopify reports its own transient failures this way; a later retry may succeed.
    retryable = "INTERNAL_SERVER_ERROR" in codes
    return ShopifyError(f"{what}: {messages}", code=next(iter(codes - {None}), None), retryable=retryable)
