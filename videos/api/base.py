"""The one base view of the API: session-token auth from the Shopify edge, JSON bodies with a depth limit,
every error in the one error shape (videos/api/errors.py); and `validated`, the request check every view uses."""

from __future__ import annotations

from typing import Any, TypeVar

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from shopify_app.authentication import IsShopUser, SessionTokenAuthentication
from shopify_app.models import Shop
from videos.api import serializers as s
from videos.api.errors import api_exception_handler
from videos.api.parsers import JSONParser
from videos.jobs import selectors
from videos.jobs.errors import ServiceError
from videos.jobs.models import VideoJob

SerializerT = TypeVar("SerializerT", bound=BaseSerializer)


def validated(serializer_class: type[SerializerT], data: Any) -> SerializerT:
    """The serializer over `data`, checked: a 400 naming each bad field otherwise."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer


class ShopAPIView(APIView):
    authentication_classes = [SessionTokenAuthentication]
    permission_classes = [IsShopUser]
    parser_classes = [JSONParser]

    def get_exception_handler(self):  # noqa: ANN201 (DRF's hook)
        return api_exception_handler

    @property
    def shop(self) -> Shop:
        return self.request.user.shop

    def job_or_404(self, job_id: str) -> VideoJob:
        job = selectors.job_for(self.shop, job_id)
        if job is None:
            raise ServiceError("not_found", "This video does not exist (or belongs to another store).", status=404)
        return job

    def job_response(self, job: VideoJob, status: int = 200) -> Response:
        request: Request = self.request
        return Response(s.JobSerializer(job, context={"request": request}).data, status=status)
