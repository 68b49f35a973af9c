"""Compare looks: three short previews of a product in three templates (no credit), then the picked look made
in full (one credit). See videos/looks/services.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from videos.api import serializers as s
from videos.api.base import ShopAPIView, validated
from videos.composer.templates import TEMPLATES
from videos.jobs import files
from videos.jobs.errors import ServiceError
from videos.looks import services as looks_services
from videos.looks.models import LookSet


class LooksCreateSerializer(s.JobCreateSerializer):
    pass


class PickSerializer(serializers.Serializer):
    template = serializers.ChoiceField(choices=sorted(TEMPLATES))


class LookSerializer(serializers.Serializer):
    template = serializers.CharField()
    label = serializers.CharField()
    ready = serializers.BooleanField()
    video_url = serializers.CharField(allow_null=True)
    poster_url = serializers.CharField(allow_null=True)


class LookSetSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    product_id = serializers.CharField()
    status = serializers.ChoiceField(choices=LookSet.Status.values)
    error_message = serializers.CharField()
    looks = LookSerializer(many=True)


def payload(looks: LookSet, request: Request) -> dict[str, Any]:
    made = looks.looks or {}
    status, message = looks_services.shown_status(looks)
    return {
        "id": looks.pk, "product_id": looks.product_id, "status": status, "error_message": message,
        "looks": [{"template": name, "label": TEMPLATES[name].label if name in TEMPLATES else name,
                   "ready": name in made,
                   "video_url": files.url(made[name]["video_file"], request) if name in made else None,
                   "poster_url": files.url(made[name]["poster_file"], request) if made.get(name, {}).get("poster_file") else None}
                  for name in looks.templates],
    }


class LooksView(ShopAPIView):
    @extend_schema(request=LooksCreateSerializer, responses={202: LookSetSerializer, 429: s.ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = validated(LooksCreateSerializer, request.data)
        looks = looks_services.create_looks(self.shop, data.validated_data["product_id"], data.option_values(),
                                            data.validated_data.get("instruction", ""))
        return Response(payload(looks, request), status=202)


class LookSetView(ShopAPIView):
    def looks_or_404(self, look_id: str) -> LookSet:
        try:
            found = LookSet.objects.filter(shop=self.shop, pk=look_id).first()
        except (ValueError, TypeError, ValidationError):  # not a UUID
            found = None
        if found is None:
            raise ServiceError("not_found", "These previews do not exist (or belong to another store).", status=404)
        return found

    @extend_schema(responses={200: LookSetSerializer})
    def get(self, request: Request, look_id: str) -> Response:
        return Response(payload(self.looks_or_404(look_id), request))


class LookPickView(LookSetView):
    @extend_schema(request=PickSerializer, responses={201: s.JobSerializer, 402: s.ErrorSerializer,
                                                      409: s.ErrorSerializer})
    def post(self, request: Request, look_id: str) -> Response:
        template = validated(PickSerializer, request.data).validated_data["template"]
        job = looks_services.pick(self.looks_or_404(look_id), template)
        return self.job_response(job, 201)
