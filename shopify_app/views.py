"""Install (authorization-code grant) and the embedded placeholder pages (/app/, /app/generate, /app/bulk)."""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shopify_app import services
from shopify_app.admin_api import endpoints, oauth
from shopify_app.admin_api.errors import OAuthError, ShopifyError
from shopify_app.admin_api.operations import product_gid
from shopify_app.domains import InvalidShopDomain, sanitize_shop_input, validate_shop_domain
from shopify_app.embedded import AdminLinkError, dev_session_enabled, embedded_view, verify_admin_link
from shopify_app.selectors import installed_shop
from shopify_app.session_tokens import SessionTokenError, decode_session_token
from shopify_app.signatures import SignatureError, verify_query_hmac

log = logging.getLogger(__name__)

STATE_SALT = "shopify_app.oauth.state"
NONCE_COOKIE = "shopify_oauth_nonce"


def _refuse(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@require_GET
def install(request: HttpRequest) -> HttpResponse:
    """`/auth/install?shop=…`: send the merchant to Shopify's grant screen with a signed, shop-bound state."""
    try:
        shop = sanitize_shop_input(request.GET.get("shop", ""))
    except InvalidShopDomain as exc:
        return _refuse(str(exc), 400)
    nonce = secrets.token_urlsafe(16)
    state = signing.dumps({"shop": shop, "nonce": nonce}, salt=STATE_SALT)
    params = {
        "client_id": settings.SHOPIFY_API_KEY,
        "scope": settings.SHOPIFY_SCOPES,
        "redirect_uri": settings.SHOPIFY_APP_URL + reverse("shopify-auth-callback"),
        "state": state,
    }
    # https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
    response = HttpResponseRedirect(f"{endpoints.oauth_authorize_url(shop)}?{urlencode(params)}")
    # The nonce also goes into a cookie, so a callback only completes in the browser that started it.
    response.set_signed_cookie(
        NONCE_COOKIE,
        nonce,
        salt=STATE_SALT,
        max_age=settings.SHOPIFY_OAUTH_STATE_MAX_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """`/auth/callback`: check shop, HMAC and state before the code is exchanged for an offline token."""
    query = request.GET
    try:
        shop = validate_shop_domain(query.get("shop", ""))
    except InvalidShopDomain as exc:
        return _refuse(str(exc), 400)
    try:
        verify_query_hmac(query, settings.SHOPIFY_API_SECRET, max_age_s=settings.SHOPIFY_HMAC_MAX_AGE_S)
    except SignatureError as exc:
        return _refuse(f"callback not signed by Shopify: {exc}", 401)
    try:
        state = signing.loads(query.get("state", ""), salt=STATE_SALT, max_age=settings.SHOPIFY_OAUTH_STATE_MAX_AGE_S)
    except signing.SignatureExpired:
        return _refuse("the install took too long; start again", 403)
    except signing.BadSignature:
        return _refuse("invalid state", 403)
    if not isinstance(state, dict) or state.get("shop") != shop:
        return _refuse("state was issued for another shop", 403)
    nonce = request.get_signed_cookie(NONCE_COOKIE, default=None, salt=STATE_SALT)
    if not nonce or not secrets.compare_digest(str(nonce), str(state.get("nonce", ""))):
        return _refuse("this install was started in another browser; start again", 403)
    code = query.get("code", "")
    if not code:
        return _refuse("missing code", 400)
    try:
        services.store_grant(shop, oauth.exchange_code(shop, code))
    except OAuthError as exc:
        return _refuse(f"Shopify refused the install: {exc.message}", 400)
    except ShopifyError as exc:
        return _refuse(f"Shopify is not answering; try again ({exc.message})", 502)
    response = HttpResponseRedirect(endpoints.embedded_app_url(shop))
    response.delete_cookie(NONCE_COOKIE)
    return response


def _embedded_page(request: HttpRequest, page: str, *, need_products: str | None = None) -> HttpResponse:
    try:
        link = verify_admin_link(request)
    except AdminLinkError as exc:
        return _refuse(exc.message, exc.status)
    request.shopify_shop = link.shop  # type: ignore[attr-defined]  # read by @embedded_view for the CSP
    try:
        product_ids = [product_gid(p) for p in link.product_ids]
    except ShopifyError:
        return _refuse("invalid product id in the link", 400)
    if need_products == "one" and len(product_ids) != 1:
        return _refuse("this page needs exactly one product (id=gid://shopify/Product/N)", 400)
    if need_products == "some" and not product_ids:
        return _refuse("select at least one product (ids[]=gid://shopify/Product/N)", 400)

    shop = installed_shop(link.shop)
    if shop is None:
        if not link.id_token:
            # Entry from outside the admin: the authorization-code install.
            return HttpResponseRedirect(f"{reverse('shopify-auth-install')}?{urlencode({'shop': link.shop})}")
        try:
            claims = decode_session_token(link.id_token, api_key=settings.SHOPIFY_API_KEY, secret=settings.SHOPIFY_API_SECRET)
        except SessionTokenError as exc:
            return _refuse(f"invalid id_token: {exc.message}", 401)
        if claims.shop != link.shop:
            return _refuse("id_token was issued for another shop", 401)
        try:
            shop = services.install_from_session_token(claims, link.id_token)
        except ShopifyError as exc:
            log.warning("shopify: token exchange for %s failed: %s", link.shop, exc.message)
            return _refuse("could not finish installing the app; reload the page", 502)

    dev_url = None
    if dev_session_enabled() and settings.SHOPIFY_ADMIN_BASE:
        dev_url = f"{settings.SHOPIFY_ADMIN_BASE}/_emulator/session-token?{urlencode({'shop': shop.domain})}"
    context = {
        "page": page,
        "shop": shop.domain,
        "host": link.host,
        "api_key": settings.SHOPIFY_API_KEY,
        "product_ids": product_ids,
        "dev_session_url": dev_url,
    }
    return render(request, "shopify_app/embedded.html", context)


@require_GET
@embedded_view
def app_home(request: HttpRequest) -> HttpResponse:
    return _embedded_page(request, "home")


@require_GET
@embedded_view
def generate(request: HttpRequest) -> HttpResponse:
    """Opened by the product-details admin link ("Generate video")."""
    return _embedded_page(request, "generate", need_products="one")


@require_GET
@embedded_view
def bulk(request: HttpRequest) -> HttpResponse:
    """Opened by the product-index selection admin link (bulk generate)."""
    return _embedded_page(request, "bulk", need_products="some")
