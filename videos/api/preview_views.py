"""The template cards' previews of the product being edited (videos/api/previews.py), and the stills' files."""

from __future__ import annotations

from dataclasses import asdict

from django.http import FileResponse, Http404, HttpRequest
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from videos.api import previews
from videos.api import serializers as s
from videos.api.base import ShopAPIView, validated
from videos.spec import ASPECTS


class PreviewQuerySerializer(serializers.Serializer):
    aspect = serializers.ChoiceField(choices=list(ASPECTS), default="1:1", help_text="the stills' shape")


class TemplatePreviewSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="the template (as in /api/templates)")
    still_url = serializers.CharField(help_text="a JPEG: this product's own still, or the template's sample")
    own_photos = serializers.BooleanField(help_text="false: the sample still (no photo, or it could not be used)")


class TemplatePreviewsSerializer(serializers.Serializer):
    templates = TemplatePreviewSerializer(many=True)


class TemplatePreviewsView(ShopAPIView):
    @extend_schema(parameters=[PreviewQuerySerializer,
                               OpenApiParameter("product_id", str, OpenApiParameter.PATH, description="the product's number")],
                   responses={200: TemplatePreviewsSerializer, 404: s.ErrorSerializer})
    def get(self, request: Request, product_id: str) -> Response:
        aspect = validated(PreviewQuerySerializer, request.query_params).validated_data["aspect"]
        found = previews.template_previews(self.shop, product_id, aspect, request)
        return Response({"templates": [asdict(preview) for preview in found]})


def template_preview_file(request: HttpRequest, token: str) -> FileResponse:
    """A preview still behind a signed, expiring link (an <img> cannot send the session token)."""
    path = previews.preview_file(token)
    if path is None:
        raise Http404("link expired or file gone")
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response
