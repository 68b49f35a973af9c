"""DRF authentication for embedded API calls: the App Bridge session token in `Authorization: Bearer`.

`request.user` becomes a `ShopUser` (anonymous-like, `.shop` is the installed Shop the token names) and
`request.auth` the verified `SessionClaims`. Views read data through `request.user.shop` only, so one shop
can never address another shop's data.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from shopify_app.models import Shop
from shopify_app.selectors import installed_shop
from shopify_app.session_tokens import SessionClaims, SessionTokenError, decode_session_token


class ShopUser(AnonymousUser):
    """The merchant behind a session token: no Django account, just the shop (and Shopify's user id)."""

    def __init__(self, shop: Shop, claims: SessionClaims) -> None:
        super().__init__()
        self.shop = shop
        self.shopify_user_id = claims.sub

    def __str__(self) -> str:
        return f"shop:{self.shop.domain}"

    def __repr__(self) -> str:
        return f"<ShopUser {self.shop.domain}>"

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


class SessionTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request) -> tuple[ShopUser, SessionClaims] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no session token: let the permission answer 401
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <session token>'")
        try:
            token = header[1].decode("ascii")
            claims = decode_session_token(token, api_key=settings.SHOPIFY_API_KEY, secret=settings.SHOPIFY_API_SECRET)
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("session token is not ASCII") from None
        except SessionTokenError as exc:
            raise exceptions.AuthenticationFailed(f"invalid session token: {exc.message}") from None
        shop = installed_shop(claims.shop)
        if shop is None:
            raise exceptions.AuthenticationFailed(f"{claims.shop} has not installed the app (or uninstalled it)")
        return ShopUser(shop, claims), claims

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when authentication is missing or fails.
        return 'Bearer realm="shopify"'


class IsShopUser(BasePermission):
    message = "a valid Shopify session token is required"

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ShopUser)
