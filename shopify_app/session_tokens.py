"""App Bridge session tokens (ID tokens): HS256 JWTs signed with the app secret.

Claims (shopify.dev "Session tokens for embedded apps"): iss=`https://{shop}/admin`, dest=`https://{shop}`,
aud=API key, sub, exp, nbf, iat, jti, sid; clocks may disagree by up to 10 s (LEEWAY_S, as in
shopify_python_api `shopify/session_token.py` and shopify-app-js). The error texts match those libraries.

ShopifyAPI's `shopify.session_token.decode_from_header` is not used: it doesn't require `exp`/`nbf` (a token
without them would never expire), its issuer check accepts any path on any myshopify host, and its clock can't
be injected for the fixed test vector. PyJWT does the cryptography here, as it does inside ShopifyAPI.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt

from shopify_app.domains import InvalidShopDomain, validate_shop_domain

ALGORITHM = "HS256"
LEEWAY_S = 10
REQUIRED_CLAIMS = ["iss", "dest", "aud", "sub", "exp", "nbf", "jti", "sid"]


class SessionTokenError(Exception):
    """The session token is not acceptable; `message` says why (safe to show, never contains the token)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SessionClaims:
    shop: str
    sub: str
    sid: str
    exp: int
    raw: dict[str, Any]


def _host(url: object, expected_path: str) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.path.rstrip("/") != expected_path or parts.query or parts.fragment:
        return None
    return parts.netloc


def decode_session_token(
    token: str, *, api_key: str, secret: str, now: float | None = None, leeway: int = LEEWAY_S
) -> SessionClaims:
    """Verified claims of `token`, or `SessionTokenError`. `now` is for tests with fixed tokens."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],  # never "none", never another alg the caller picked
            audience=api_key,
            # exp/nbf are checked below so the clock can be injected; PyJWT checks signature, aud, presence.
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise SessionTokenError(str(exc)) from None
    current = time.time() if now is None else now
    exp, nbf = claims["exp"], claims["nbf"]
    if not isinstance(exp, int | float) or not isinstance(nbf, int | float):
        raise SessionTokenError("exp and nbf must be numbers")
    if exp <= current - leeway:
        raise SessionTokenError("Signature has expired")
    if nbf > current + leeway:
        raise SessionTokenError("The token is not yet valid (nbf)")
    dest_host = _host(claims["dest"], "")
    try:
        shop = validate_shop_domain(dest_host or "")
    except InvalidShopDomain:
        raise SessionTokenError("Invalid destination") from None
    iss_host = _host(claims["iss"], "/admin")
    if iss_host is None:
        raise SessionTokenError("Invalid issuer")
    if iss_host.lower() != dest_host.lower():
        raise SessionTokenError("The issuer and destination do not match")
    return SessionClaims(shop=shop, sub=str(claims["sub"]), sid=str(claims["sid"]), exp=int(exp), raw=claims)


def issue_session_token(
    shop: str, *, api_key: str, secret: str, ttl_s: int = 60, now: float | None = None, sub: str = "1"
) -> str:
    """A session token like App Bridge's, for the emulator and tests (Shopify signs the real ones)."""
    shop = validate_shop_domain(shop)
    issued = int(time.time() if now is None else now)
    payload = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": api_key,
        "sub": sub,
        "exp": issued + ttl_s,
        "nbf": issued,
        "iat": issued,
        "jti": str(uuid.uuid4()),
        "sid": secrets.token_hex(16),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)
