"""The emulator's `/admin/oauth/authorize` and `/admin/oauth/access_token` (token exchange, authorization
code, refresh), shaped like Shopify's (see shopify_app/admin_api/oauth.py for the doc links)."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from devtools.shopify_emulator.state import Token
from shopify_app.admin_api.oauth import ID_TOKEN, OFFLINE_TOKEN, TOKEN_EXCHANGE
from shopify_app.session_tokens import SessionTokenError, decode_session_token
from shopify_app.signatures import query_hmac

if TYPE_CHECKING:
    from devtools.shopify_emulator.server import ShopifyEmulator

CODE_TTL_S = 600


def _error(status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": error, "error_description": description}


def authorize(emulator: ShopifyEmulator, shop: str, query: dict[str, list[str]]) -> tuple[int, str]:
    """The merchant approves at once: redirect to redirect_uri with code, hmac, host, shop, state, timestamp."""
    get = lambda name: (query.get(name) or [""])[0]  # noqa: E731
    if get("client_id") != emulator.api_key:
        return 400, "Oauth error invalid_request: The client_id is invalid"
    redirect_uri = get("redirect_uri")
    if not redirect_uri or (emulator.app_url and not redirect_uri.startswith(emulator.app_url)):
        return 400, "Oauth error invalid_request: The redirect_uri is missing or not whitelisted"
    scopes = [s for s in get("scope").split(",") if s] or emulator.scopes
    code = secrets.token_hex(16)
    store = emulator.store
    with store.lock:
        store.shop(shop)
        store.codes[code] = (Token(shop, store.clock() + CODE_TTL_S), scopes)
    store_name = shop.removesuffix(".myshopify.com")
    params = [
        ("code", code),
        ("host", base64.urlsafe_b64encode(f"admin.shopify.com/store/{store_name}".encode()).decode().rstrip("=")),
        ("shop", shop),
        ("state", get("state")),
        ("timestamp", str(int(time.time()))),
    ]
    params.append(("hmac", query_hmac(params, emulator.api_secret)))
    separator = "&" if "?" in redirect_uri else "?"
    return 302, f"{redirect_uri}{separator}{urlencode(params)}"


def access_token(emulator: ShopifyEmulator, shop: str, content_type: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    try:
        body = json.loads(raw or b"{}") if "json" in content_type else dict(parse_qsl(raw.decode()))
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_request", "body is neither JSON nor a form")
    if not isinstance(body, dict):
        return _error(400, "invalid_request", "body must be an object")
    if body.get("client_id") != emulator.api_key or body.get("client_secret") != emulator.api_secret:
        return _error(401, "invalid_client", "Client credentials are invalid")
    store = emulator.store
    expiring = str(body.get("expiring", "0")).lower() in ("1", "true")
    grant = body.get("grant_type")
    if grant == TOKEN_EXCHANGE:
        if body.get("subject_token_type") != ID_TOKEN:
            return _error(400, "invalid_request", "subject_token_type must be an id_token")
        if body.get("requested_token_type") != OFFLINE_TOKEN:
            return _error(400, "invalid_request", "the emulator issues offline access tokens only")
        try:
            claims = decode_session_token(str(body.get("subject_token", "")), api_key=emulator.api_key, secret=emulator.api_secret)
        except SessionTokenError as exc:
            return _error(400, "invalid_subject_token", exc.message)
        if claims.shop != shop:
            return _error(400, "invalid_subject_token", "the session token was issued for another shop")
        return 200, store.issue_tokens(shop, emulator.scopes, expiring=expiring)
    if grant == "refresh_token":
        if store.take_refresh_token(str(body.get("refresh_token", ""))) != shop:
            return _error(400, "invalid_grant", "refresh token is invalid, expired or already used")
        with store.lock:
            scopes = store.shop(shop).scopes or emulator.scopes
            store.revoke_access_tokens(shop)
            return 200, store.issue_tokens(shop, scopes, expiring=True)
    if grant in (None, "authorization_code") and body.get("code"):
        with store.lock:
            found = store.codes.pop(str(body["code"]), None)
            if found is None or found[0].shop != shop or (found[0].expires_at or 0) <= store.clock():
                return _error(400, "invalid_grant", "authorization code was not found or was already used")
            return 200, store.issue_tokens(shop, found[1], expiring=expiring)
    return _error(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")
