"""Several products by id in one Admin API query (the Bulk page's selection): titles, photos and prices."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from shopify_app.admin_api import operations
from videos.api import selectors
from videos.api import serializers as s
from videos.api.base import ShopAPIView, validated
from videos.jobs import services

MAX_IDS = operations.MAX_NODES


class ProductIdsSerializer(serializers.Serializer):
    ids = serializers.RegexField(r"^[0-9a-zA-Z:/,]{1,20000}$", help_text="product numbers or gids, comma-separated")

    def validate_ids(self, value: str) -> list[str]:
        ids = list(dict.fromkeys(services.normalise_product_id(v) for v in value.split(",") if v.strip()))
        if not 1 <= len(ids) <= MAX_IDS:
            raise serializers.ValidationError(f"give 1 to {MAX_IDS} product ids")
        return ids


class ProductCardsSerializer(serializers.Serializer):
    products = s.ProductCardSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField(), help_text="ids this store has no product for")


class ProductCardsView(ShopAPIView):
    @extend_schema(parameters=[OpenApiParameter("ids", str, required=True)], responses={200: ProductCardsSerializer})
    def get(self, request: Request) -> Response:
        ids = validated(ProductIdsSerializer, request.query_params).validated_data["ids"]
        return Response(selectors.product_cards(self.shop, ids))
