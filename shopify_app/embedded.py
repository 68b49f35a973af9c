"""Helpers for pages that open inside the Shopify admin (app home and admin link extensions)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt

from shopify_app.domains import InvalidShopDomain, validate_shop_domain
from shopify_app.signatures import SignatureError, verify_query_hmac

ADMIN_ORIGIN = "https://admin.shopify.com"


class AdminLinkError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class AdminLink:
    """A verified request from the admin: the shop, the product(s) it is about, and the ID token if any."""

    shop: str
    host: str = ""
    product_ids: list[str] = field(default_factory=list)
    id_token: str | None = field(default=None, repr=False)


def verify_admin_link(request: HttpRequest) -> AdminLink:
    """Check the query Shopify signed (shop domain, HMAC, timestamp); `AdminLinkError` (400/401) otherwise.

    Admin link extensions append `shop`, `id` or `ids[]`, `timestamp`, `hmac` (and the app home `host`,
    `id_token`): https://shopify.dev/docs/apps/build/admin/admin-links."""
    query = request.GET
    try:
        shop = validate_shop_domain(query.get("shop", ""))
    except InvalidShopDomain as exc:
        raise AdminLinkError(str(exc), 400) from None
    try:
        verify_query_hmac(query, settings.SHOPIFY_API_SECRET, max_age_s=settings.SHOPIFY_HMAC_MAX_AGE_S)
    except SignatureError as exc:
        raise AdminLinkError(f"request not signed by Shopify: {exc}", 401) from None
    ids = query.getlist("ids[]") or query.getlist("id")
    return AdminLink(shop=shop, host=query.get("host", ""), product_ids=ids, id_token=query.get("id_token") or None)


def frame_ancestors(shop: str | None) -> str:
    """The CSP that lets the admin (and only the admin of this shop) frame the page."""
    sources = ([f"https://{shop}"] if shop else []) + [ADMIN_ORIGIN]
    if settings.SHOPIFY_ADMIN_BASE:  # dev/tests only: the emulator's stand-in admin frames the app
        base = urlsplit(settings.SHOPIFY_ADMIN_BASE)
        sources.append(f"{base.scheme}://{base.netloc}")
    return f"frame-ancestors {' '.join(sources)}"


def embedded_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For views of embedded pages: sets the frame-ancestors CSP (shop from `request.shopify_shop` when the view
    verified one) and exempts the page from X-Frame-Options, which would forbid the admin's iframe."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = frame_ancestors(getattr(request, "shopify_shop", None))
        return response

    return xframe_options_exempt(wrapper)


def dev_session_enabled() -> bool:
    """The emulator's session-token shortcut: only when asked for, and never in production."""
    return bool(settings.SHOPIFY_DEV_SESSION) and settings.SHOWREEL_ENV != "production"
