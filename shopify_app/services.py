"""Writes about shops: install (token exchange / code grant), token refresh, uninstall, redact, key rotation."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopify_app import crypto
from shopify_app.admin_api import oauth
from shopify_app.admin_api.client import AdminClient, ShopSession
from shopify_app.admin_api.errors import OAuthError, ShopUninstalledError
from shopify_app.admin_api.transport import Transport
from shopify_app.domains import validate_shop_domain
from shopify_app.models import Shop
from shopify_app.selectors import installed_shop
from shopify_app.session_tokens import SessionClaims
from shopify_app.signals import shop_redacted, shop_uninstalled

log = logging.getLogger(__name__)


def store_grant(domain: str, grant: oauth.TokenGrant) -> Shop:
    """Save a fresh grant for `domain`, (re)installing the shop."""
    domain = validate_shop_domain(domain)
    with transaction.atomic():
        shop, _ = Shop.objects.select_for_update().get_or_create(domain=domain)
        reinstall = shop.installed_at is None or shop.uninstalled_at is not None
        shop.set_tokens(
            grant.access_token,
            expires_at=grant.expires_at,
            refresh_token=grant.refresh_token,
            refresh_expires_at=grant.refresh_expires_at,
        )
        shop.scopes = ",".join(grant.scopes)
        if reinstall:
            shop.installed_at = timezone.now()
            shop.uninstalled_at = None
        shop.save()
    log.info("shopify: %s %s", domain, "installed" if reinstall else "token renewed")
    return shop


def install_from_session_token(claims: SessionClaims, session_token: str, *, transport: Transport | None = None) -> Shop:
    """Managed install: on first load, trade the (already verified) session token for an offline token."""
    shop = installed_shop(claims.shop)
    if shop is not None:
        return shop
    grant = oauth.exchange_session_token(claims.shop, session_token, transport=transport)
    return store_grant(claims.shop, grant)


def ensure_fresh_token(shop: Shop, *, transport: Transport | None = None) -> Shop:
    """Refresh an expiring offline token SHOPIFY_TOKEN_REFRESH_MARGIN_S before it lapses.

    Refresh tokens rotate, so concurrent refreshes are serialised on the row and re-checked after the lock."""
    margin = settings.SHOPIFY_TOKEN_REFRESH_MARGIN_S
    if not shop.token_expires_within(margin):
        return shop
    refused = False
    with transaction.atomic():
        locked = Shop.objects.select_for_update().get(pk=shop.pk)
        if not locked.is_installed:
            raise ShopUninstalledError(f"{shop.domain} is not installed")
        if not locked.token_expires_within(margin):
            return locked  # another worker refreshed it meanwhile
        refresh_token = locked.refresh_token
        if not refresh_token:
            raise ShopUninstalledError(f"{shop.domain}: the offline token is expiring and there is no refresh token")
        try:
            grant = oauth.refresh(locked.domain, refresh_token, transport=transport)
        except OAuthError:
            # The refresh token lapsed or was revoked: forget the tokens, so the next time the merchant opens
            # the app the token exchange installs it again.
            locked.erase_tokens()
            refused = True
        else:
            locked.set_tokens(
                grant.access_token,
                expires_at=grant.expires_at,
                refresh_token=grant.refresh_token,
                refresh_expires_at=grant.refresh_expires_at,
            )
            if grant.scopes:
                locked.scopes = ",".join(grant.scopes)
        locked.save()
    if refused:
        raise ShopUninstalledError(f"{shop.domain}: token refresh refused; the merchant must open the app again")
    log.info("shopify: refreshed the offline token of %s", shop.domain)
    return locked


def admin_client(shop: Shop | str, *, transport: Transport | None = None) -> AdminClient:
    """An Admin API client for an installed shop, with a token that is good for a while."""
    if isinstance(shop, str):
        found = installed_shop(validate_shop_domain(shop))
        if found is None:
            raise ShopUninstalledError(f"{shop} is not installed")
        shop = found
    if not shop.is_installed:
        raise ShopUninstalledError(f"{shop.domain} is not installed")
    shop = ensure_fresh_token(shop, transport=transport)
    return AdminClient(ShopSession(shop.domain, shop.access_token), transport=transport)


@transaction.atomic
def mark_uninstalled(domain: str) -> Shop | None:
    """app/uninstalled: erase the tokens, stamp the time, tell the rest of the app (signal)."""
    shop = Shop.objects.select_for_update().filter(domain=domain).first()
    if shop is None:
        return None
    shop.erase_tokens()
    shop.uninstalled_at = timezone.now()
    shop.save()
    shop_uninstalled.send(sender=Shop, shop=shop, shop_domain=domain)
    log.info("shopify: %s uninstalled; tokens erased", domain)
    return shop


@transaction.atomic
def update_scopes(domain: str, scopes: list[str]) -> Shop | None:
    shop = Shop.objects.select_for_update().filter(domain=domain).first()
    if shop is None:
        return None
    shop.scopes = ",".join(s.strip() for s in scopes if s.strip())
    shop.save(update_fields=["scopes", "updated_at"])
    return shop


@transaction.atomic
def redact_shop(domain: str) -> None:
    """shop/redact: receivers erase their data (jobs, files), then the shop row and its tokens go."""
    shop = Shop.objects.select_for_update().filter(domain=domain).first()
    shop_redacted.send(sender=Shop, shop=shop, shop_domain=domain)
    if shop is not None:
        shop.delete()
    log.info("shopify: %s redacted", domain)


def rotate_tokens() -> int:
    """Re-encrypt every stored token with the newest FIELD_ENCRYPTION_KEYS key; returns how many rows changed."""
    changed = 0
    for pk in list(Shop.objects.values_list("pk", flat=True)):
        with transaction.atomic():
            shop = Shop.objects.select_for_update().get(pk=pk)
            fields = []
            for name in ("access_token_ciphertext", "refresh_token_ciphertext"):
                value = getattr(shop, name)
                if value:
                    setattr(shop, name, crypto.rotate(value))
                    fields.append(name)
            if fields:
                shop.save(update_fields=[*fields, "updated_at"])
                changed += 1
    return changed
