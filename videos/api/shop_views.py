"""Credits, settings, the template and music catalogues, instruction previews, and stored files."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from videos.api import serializers as s
from videos.api.base import ShopAPIView, validated
from videos.api.previews import sample_still_url
from videos.composer.templates import TEMPLATES
from videos.jobs import credits, files, preferences, services
from videos.jobs import options as job_options
from videos.music.library import MusicError, bed_path, list_beds

log = logging.getLogger(__name__)


class CreditsView(ShopAPIView):
    @extend_schema(responses={200: s.CreditsSerializer})
    def get(self, request: Request) -> Response:
        account = credits.refresh_plan(self.shop)
        cloud = None
        if settings.VIDEO_BACKEND == "nemo":
            cloud = _cloud_credits()
        return Response({"available": account.available, "frozen": account.frozen, "total": account.total,
                         "plan": account.plan, "monthly_allowance": account.monthly_allowance,
                         "plan_url": plan_url(self.shop.domain),
                         "backend": settings.VIDEO_BACKEND, "cloud_credits": cloud})


def plan_url(shop_domain: str) -> str:
    """The plan page Shopify hosts for apps sold through Shopify App Pricing (opened at the admin's top level).
    https://shopify.dev/docs/apps/launch/billing/shopify-app-pricing"""
    store = shop_domain.removesuffix(".myshopify.com")
    return f"https://admin.shopify.com/store/{store}/charges/{settings.SHOPIFY_APP_HANDLE}/pricing_plans"


def _cloud_credits() -> dict | None:
    from videos.backends.nemo.errors import NemoError
    from videos.backends.nemo.selectors import get_credit_balance

    try:
        balance = get_credit_balance()
    except NemoError as exc:
        log.info("credits: NemoVideo balance unavailable: %s", exc)
        return None
    return {"available": balance.available, "frozen": balance.frozen, "total": balance.total}


def settings_payload(current, request: Request) -> dict:  # noqa: ANN001
    return s.SettingsSerializer(current, context={"request": request}).data


class SettingsView(ShopAPIView):
    @extend_schema(responses={200: s.SettingsSerializer})
    def get(self, request: Request) -> Response:
        return Response(settings_payload(services.shop_settings(self.shop), request))

    @extend_schema(request=s.SettingsSerializer, responses={200: s.SettingsSerializer})
    def put(self, request: Request) -> Response:
        data = validated(s.SettingsSerializer, request.data).validated_data
        return Response(settings_payload(preferences.update_settings(self.shop, dict(data)), request))


class LogoView(ShopAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": s.LogoSerializer}, responses={200: s.SettingsSerializer})
    def post(self, request: Request) -> Response:
        upload = validated(s.LogoSerializer, request.data).validated_data["logo"]
        limit = settings.SHOWREEL_LOGO_MAX_BYTES
        content = upload.read(limit + 1)
        return Response(settings_payload(preferences.save_logo(self.shop, content), request))


class TemplatesView(ShopAPIView):
    @extend_schema(responses={200: s.TemplateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([
            {"name": t.name, "label": t.label, "description": t.description,
             "still_url": sample_still_url(request, t.name)}
            for t in TEMPLATES.values()
        ])


class MusicView(ShopAPIView):
    @extend_schema(responses={200: s.MusicSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([
            {"name": bed.name, "label": bed.name.replace("-", " ").replace("_", " ").title(), "mood": bed.mood,
             "tempo": bed.tempo,
             "preview_url": request.build_absolute_uri(reverse("videos-api-music-preview", kwargs={"name": bed.name}))}
            for bed in list_beds()
        ])


class InstructionPreviewView(ShopAPIView):
    @extend_schema(request=s.InstructionSerializer, responses={200: s.InterpretationSerializer})
    def post(self, request: Request) -> Response:
        data = validated(s.InstructionSerializer, request.data).validated_data
        # Checked against the shop's defaults, as a new video would be: "100 minutes" is a field error here.
        return Response(job_options.interpretation(data["instruction"], services.default_options(self.shop)))


# --- plain Django views: <audio>/<video>/<img> cannot send the session token ----------------------
def music_preview(request: HttpRequest, name: str) -> FileResponse:
    """A library bed as WAV (app content, the same for every shop)."""
    try:
        path = bed_path(name)
    except MusicError:
        raise Http404("no such music") from None
    return FileResponse(path.open("rb"), content_type="audio/wav")


def stored_file(request: HttpRequest, token: str) -> FileResponse:
    """A stored video, poster or logo behind a signed, expiring link (see videos.jobs.files.url)."""
    name = files.name_from_token(token)
    if not name or not default_storage.exists(name):
        raise Http404("link expired or file gone")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = f'inline; filename="{Path(name).name}"'
    return response

