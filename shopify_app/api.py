"""JSON endpoints for the embedded UI, authenticated by the App Bridge session token.

Everything is read through `request.user.shop` (the shop the token names) with that shop's own Admin token,
so a shop can only ever see its own products.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from rest_framework.exceptions import APIException, AuthenticationFailed, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shopify_app import services
from shopify_app.admin_api import operations
from shopify_app.admin_api.errors import NotFoundError, ShopifyError, ShopUninstalledError
from shopify_app.authentication import IsShopUser, SessionTokenAuthentication


class ShopifyUpstreamError(APIException):
    """Shopify failed: 503 when a retry may help, else 502; the body says which."""

    def __init__(self, error: ShopifyError) -> None:
        super().__init__({"detail": error.message, "retryable": error.retryable})
        self.status_code = 503 if error.retryable else 502


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NotFoundError as exc:
        raise NotFound(exc.message) from None
    except ShopUninstalledError as exc:
        raise AuthenticationFailed(exc.message) from None
    except ShopifyError as exc:
        raise ShopifyUpstreamError(exc) from None


def _jsonable(value: Any) -> Any:
    """asdict() output with money kept exact: Decimal as a string, as Shopify's MoneyV2.amount is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class ShopAPIView(APIView):
    authentication_classes = [SessionTokenAuthentication]
    permission_classes = [IsShopUser]


class SessionView(ShopAPIView):
    """Who is asking: the shop the session token names."""

    def get(self, request: Request) -> Response:
        shop = request.user.shop
        return Response(
            {
                "shop": shop.domain,
                "scopes": shop.scope_list,
                "installed_at": shop.installed_at,
                "shopify_user_id": request.user.shopify_user_id,
            }
        )


class ProductListView(ShopAPIView):
    def get(self, request: Request) -> Response:
        try:
            first = int(request.query_params.get("first", "25"))
        except ValueError:
            first = 0
        if not 1 <= first <= 100:
            return Response({"detail": "first must be an integer from 1 to 100"}, status=400)
        client = _call(services.admin_client, request.user.shop)
        page = _call(
            operations.list_products,
            client,
            first=first,
            after=request.query_params.get("after") or None,
            query=request.query_params.get("q") or None,
        )
        return Response(_jsonable(asdict(page)))


class ProductDetailView(ShopAPIView):
    def get(self, request: Request, product_id: int) -> Response:
        client = _call(services.admin_client, request.user.shop)
        return Response(_jsonable(asdict(_call(operations.get_product, client, product_id))))
