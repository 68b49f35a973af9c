"""Request validation and response shapes of the API (the contract in the UI's hands: docs + /api/schema/)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from videos.composer.templates import TEMPLATES
from videos.jobs import files
from videos.jobs.models import JobStatus, ShopSettings, VideoJob
from videos.jobs.options import MAX_INSTRUCTION
from videos.spec import ASPECTS, MAX_DURATION_S


# --- requests ------------------------------------------------------------------------------------
class OptionsSerializer(serializers.Serializer):
    template = serializers.ChoiceField(choices=sorted(TEMPLATES), required=False)
    aspect = serializers.ChoiceField(choices=list(ASPECTS), required=False)
    duration = serializers.FloatField(min_value=2.0, max_value=MAX_DURATION_S, required=False)
    music = serializers.CharField(max_length=64, required=False)
    instruction = serializers.CharField(max_length=MAX_INSTRUCTION, required=False, allow_blank=True)
    show_title = serializers.BooleanField(required=False)
    show_price = serializers.BooleanField(required=False)
    show_badge = serializers.BooleanField(required=False)
    show_cta = serializers.BooleanField(required=False)
    cta_text = serializers.CharField(max_length=60, required=False, allow_null=True)

    def option_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.validated_data.items() if k not in ("instruction", "product_id", "product_ids")}


# A product GID, or just its number (what admin links pass as `id`).
PRODUCT_ID = r"^(gid://shopify/Product/)?[1-9][0-9]{0,18}$"
PRODUCT_ID_ERROR = "must be a Shopify product id like gid://shopify/Product/123"


def product_id_field() -> serializers.RegexField:
    return serializers.RegexField(PRODUCT_ID, max_length=60, error_messages={"invalid": PRODUCT_ID_ERROR})


class JobCreateSerializer(OptionsSerializer):
    product_id = product_id_field()


class BatchCreateSerializer(OptionsSerializer):
    product_ids = serializers.ListField(child=product_id_field(), allow_empty=False, max_length=1000)


class EditSerializer(serializers.Serializer):
    instruction = serializers.CharField(max_length=MAX_INSTRUCTION)


class InstructionSerializer(serializers.Serializer):
    instruction = serializers.CharField(max_length=MAX_INSTRUCTION, allow_blank=True)


class JobFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.values, required=False)
    product_id = serializers.CharField(max_length=100, required=False)
    cursor = serializers.CharField(required=False)


class ProductFilterSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=200, required=False, allow_blank=True)
    has_video = serializers.BooleanField(required=False, allow_null=True, default=None)
    after = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SettingsSerializer(serializers.ModelSerializer):
    logo_url = serializers.SerializerMethodField()
    default_template = serializers.ChoiceField(choices=sorted(TEMPLATES), required=False)
    default_aspect = serializers.ChoiceField(choices=list(ASPECTS), required=False)
    default_duration = serializers.FloatField(min_value=2.0, max_value=120.0, required=False)
    brand_primary = serializers.CharField(max_length=7, allow_blank=True, allow_null=True, required=False)
    brand_secondary = serializers.CharField(max_length=7, allow_blank=True, allow_null=True, required=False)
    brand_text = serializers.CharField(max_length=7, allow_blank=True, allow_null=True, required=False)

    class Meta:
        model = ShopSettings
        fields = ["default_template", "default_aspect", "default_duration", "default_music", "brand_primary",
                  "brand_secondary", "brand_text", "logo_url", "auto_publish"]
        extra_kwargs = {"default_music": {"required": False}, "auto_publish": {"required": False}}

    def get_logo_url(self, obj: ShopSettings) -> str | None:
        return files.url(obj.logo_file, self.context.get("request")) if obj.logo_file else None


class LogoSerializer(serializers.Serializer):
    logo = serializers.FileField()


# --- responses -----------------------------------------------------------------------------------
class InterpretationSerializer(serializers.Serializer):
    understood = serializers.ListField(child=serializers.CharField())
    unrecognised = serializers.ListField(child=serializers.CharField())
    conflicts = serializers.ListField(child=serializers.CharField())


class JobSummarySerializer(serializers.ModelSerializer):
    error_message = serializers.CharField()

    class Meta:
        model = VideoJob
        fields = ["id", "product_id", "product_title", "status", "progress", "error_message"]


class JobSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(read_only=True)
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    interpretation = serializers.SerializerMethodField()
    batch_id = serializers.UUIDField(allow_null=True)
    timings = serializers.DictField(child=serializers.FloatField())
    options = serializers.DictField()

    class Meta:
        model = VideoJob
        fields = ["id", "product_id", "product_title", "status", "stage_label", "progress", "error_code",
                  "error_message", "video_url", "poster_url", "media_id", "published", "options", "instruction",
                  "interpretation", "batch_id", "created_at", "updated_at", "timings"]

    def get_video_url(self, job: VideoJob) -> str | None:
        return files.url(job.video_file, self.context.get("request")) if job.video_file else None

    def get_poster_url(self, job: VideoJob) -> str | None:
        return files.url(job.poster_file, self.context.get("request")) if job.poster_file else None

    def get_interpretation(self, job: VideoJob) -> dict[str, list[str]]:
        data = job.interpretation or {}
        return {key: list(data.get(key) or []) for key in ("understood", "unrecognised", "conflicts")}


class JobListSerializer(serializers.Serializer):
    results = JobSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class LatestJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    progress = serializers.IntegerField()


class ProductSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)
    price = serializers.CharField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    has_video = serializers.BooleanField()
    latest_job = LatestJobSerializer(allow_null=True)


class ProductListSerializer(serializers.Serializer):
    products = ProductSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class BatchSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    progress = serializers.IntegerField()
    jobs = JobSummarySerializer(many=True)


class CreditsSerializer(serializers.Serializer):
    available = serializers.IntegerField()
    frozen = serializers.IntegerField()
    total = serializers.IntegerField()
    plan = serializers.CharField()
    monthly_allowance = serializers.IntegerField()
    backend = serializers.CharField()
    cloud_credits = serializers.DictField(allow_null=True)


class TemplateSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    still_url = serializers.CharField()


class MusicSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    mood = serializers.CharField()
    tempo = serializers.FloatField()
    preview_url = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = serializers.DictField()
