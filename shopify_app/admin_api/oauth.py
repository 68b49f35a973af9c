"""Token grants at `https://{shop}/admin/oauth/access_token`: token exchange, authorization code, refresh.

Request/response shapes:
- token exchange: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange
  (grant_type urn:ietf:params:oauth:grant-type:token-exchange, subject_token = the session token,
  requested_token_type ...:offline-access-token, expiring 1 -> expires_in + refresh_token(+_expires_in));
- authorization code: .../access-tokens/authorization-code-grant (client_id, client_secret, code);
- refresh: .../access-tokens/offline-access-tokens (grant_type refresh_token; the refresh token rotates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from shopify_app.admin_api import endpoints
from shopify_app.admin_api.client import default_transport
from shopify_app.admin_api.errors import OAuthError, ShopifyError
from shopify_app.admin_api.transport import Transport

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"


@dataclass(frozen=True)
class TokenGrant:
    access_token: str = field(repr=False)
    scopes: list[str]
    expires_at: datetime | None = None
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: datetime | None = None


def exchange_session_token(shop: str, session_token: str, *, transport: Transport | None = None) -> TokenGrant:
    """An offline token for `shop` in exchange for a verified session token (managed install)."""
    return _grant(
        shop,
        {
            "grant_type": TOKEN_EXCHANGE,
            "subject_token": session_token,
            "subject_token_type": ID_TOKEN,
            "requested_token_type": OFFLINE_TOKEN,
            "expiring": 1 if settings.SHOPIFY_EXPIRING_OFFLINE_TOKENS else 0,
        },
        "token exchange",
        transport,
    )


def exchange_code(shop: str, code: str, *, transport: Transport | None = None) -> TokenGrant:
    extra: dict[str, Any] = {"code": code}
    if settings.SHOPIFY_EXPIRING_OFFLINE_TOKENS:
        extra["expiring"] = 1
    return _grant(shop, extra, "authorization code", transport)


def refresh(shop: str, refresh_token: str, *, transport: Transport | None = None) -> TokenGrant:
    return _grant(shop, {"grant_type": "refresh_token", "refresh_token": refresh_token}, "token refresh", transport)


def _grant(shop: str, fields: dict[str, Any], what: str, transport: Transport | None) -> TokenGrant:
    url = endpoints.oauth_token_url(shop)  # refuses a bad shop domain before anything is sent
    payload = {"client_id": settings.SHOPIFY_API_KEY, "client_secret": settings.SHOPIFY_API_SECRET, **fields}
    # Not idempotent: codes are single-use and refresh tokens rotate, so only unsent requests are retried.
    response = (transport or default_transport()).send(
        "POST", url, idempotent=False, what=what, json=payload, headers={"Accept": "application/json"}
    )
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or not isinstance(body, dict) or not body.get("access_token"):
        reason = body.get("error_description") or body.get("error") if isinstance(body, dict) else None
        retryable = response.status_code >= 500
        error_cls = ShopifyError if retryable else OAuthError
        raise error_cls(
            f"{what} for {shop} refused (HTTP {response.status_code}{': ' + str(reason) if reason else ''})",
            status=response.status_code,
            retryable=retryable,
            code=str(body.get("error")) if isinstance(body, dict) and body.get("error") else None,
        )
    now = timezone.now()
    expires_in = body.get("expires_in")
    refresh_in = body.get("refresh_token_expires_in")
    return TokenGrant(
        access_token=str(body["access_token"]),
        scopes=[s.strip() for s in str(body.get("scope", "")).split(",") if s.strip()],
        expires_at=now + timedelta(seconds=int(expires_in)) if expires_in else None,
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
    )
