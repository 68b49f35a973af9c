"""Keep videos up to date: the products whose video is out of date (the home page's list), and one click to
remake one with the same options and instruction."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from videos.api import serializers as s
from videos.api.base import ShopAPIView
from videos.jobs import services
from videos.jobs.freshness import selectors as freshness
from videos.jobs.freshness.services import remake


class OutOfDateListView(ShopAPIView):
    @extend_schema(responses={200: s.OutOfDateListSerializer})
    def get(self, request: Request) -> Response:
        prefs = services.shop_settings(self.shop)
        return Response(s.OutOfDateListSerializer({
            "keep_current": prefs.keep_current, "note": prefs.keep_current_note,
            "products": list(freshness.out_of_date(self.shop).values()),
        }).data)


class JobRegenerateView(ShopAPIView):
    @extend_schema(request=None, responses={201: s.JobSerializer, 402: s.ErrorSerializer, 409: s.ErrorSerializer})
    def post(self, request: Request, job_id: str) -> Response:
        """A new video for the job's product, made with the job's options and instruction (one credit)."""
        return self.job_response(remake(self.job_or_404(job_id), one_at_a_time=True), 201)
