"""Request validation and response shapes of the API (the contract in the UI's hands: docs + /api/schema/)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videos.composer.templates import TEMPLATES
from videos.jobs import files, selectors
from videos.jobs.freshness import selectors as freshness
from videos.jobs.models import JobStatus, ShopSettings, VideoJob
from videos.jobs.options import MAX_INSTRUCTION
from videos.music.library import BEDS, MUSIC_PREFIX, mood_of
from videos.spec import ASPECTS, MAX_DURATION_S


# --- fields --------------------------------------------------------------------------------------
class StrictCharField(serializers.CharField):
    """A JSON string and nothing else (DRF's CharField would take 12 or 1.5 and store "12")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictRegexField(StrictCharField, serializers.RegexField):
    pass


MUSIC_ERROR = "must be a track from the library, a mood, 'auto' or 'none'"
NO_MUSIC = frozenset({"", "none", "off", "no", "auto"})


def library_music(value: str) -> str:
    """A library bed (`pulse`, `music:pulse`), a mood (`calm`, `mood:calm`), "auto" or "none". Checked
    against the library only: a path is refused unread, so the answer says nothing about the server's files."""
    lowered = value.strip().lower()
    beds = {bed.name for bed in BEDS}
    if (lowered in NO_MUSIC or lowered.removeprefix(MUSIC_PREFIX) in beds
            or mood_of(lowered.removeprefix("mood:")) is not None):
        return value
    raise serializers.ValidationError(MUSIC_ERROR)


def music_field(**kwargs: Any) -> StrictCharField:
    # No length check of its own: every library choice is short, and one message for any other value.
    return StrictCharField(validators=[library_music], **kwargs)


# --- requests ------------------------------------------------------------------------------------
class OptionsSerializer(serializers.Serializer):
    template = serializers.ChoiceField(choices=sorted(TEMPLATES), required=False)
    aspect = serializers.ChoiceField(choices=list(ASPECTS), required=False)
    duration = serializers.FloatField(min_value=2.0, max_value=MAX_DURATION_S, required=False)
    music = music_field(required=False)
    instruction = StrictCharField(max_length=MAX_INSTRUCTION, required=False, allow_blank=True)
    show_title = serializers.BooleanField(required=False)
    show_price = serializers.BooleanField(required=False)
    show_badge = serializers.BooleanField(required=False)
    show_cta = serializers.BooleanField(required=False)
    cta_text = StrictCharField(max_length=60, required=False, allow_null=True)

    def option_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.validated_data.items() if k not in ("instruction", "product_id", "product_ids")}


# A product GID, or just its number (what admin links pass as `id`).
PRODUCT_ID = r"^(gid://shopify/Product/)?[1-9][0-9]{0,18}$"
PRODUCT_ID_ERROR = "must be a Shopify product id like gid://shopify/Product/123"


def product_id_field() -> StrictRegexField:
    # Not trimmed: " 123 " is refused rather than silently taken for another value.
    return StrictRegexField(PRODUCT_ID, max_length=60, trim_whitespace=False,
                            error_messages={"invalid": PRODUCT_ID_ERROR})


class JobCreateSerializer(OptionsSerializer):
    product_id = product_id_field()


class BatchCreateSerializer(OptionsSerializer):
    product_ids = serializers.ListField(child=product_id_field(), allow_empty=False, max_length=1000)


class EditSerializer(serializers.Serializer):
    instruction = StrictCharField(max_length=MAX_INSTRUCTION)


class InstructionSerializer(serializers.Serializer):
    instruction = StrictCharField(max_length=MAX_INSTRUCTION, allow_blank=True)


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
    default_music = music_field(required=False)
    brand_primary = StrictCharField(max_length=7, allow_blank=True, allow_null=True, required=False)
    brand_secondary = StrictCharField(max_length=7, allow_blank=True, allow_null=True, required=False)
    brand_text = StrictCharField(max_length=7, allow_blank=True, allow_null=True, required=False)

    class Meta:
        model = ShopSettings
        fields = ["default_template", "default_aspect", "default_duration", "default_music", "brand_primary",
                  "brand_secondary", "brand_text", "logo_url", "auto_publish", "keep_current", "keep_current_note"]
        extra_kwargs = {"auto_publish": {"required": False}, "keep_current": {"required": False},
                        "keep_current_note": {"read_only": True}}

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
        fields = ["id", "product_id", "product_title", "product_image_url", "status", "progress", "error_message"]


class OutOfDateSerializer(serializers.Serializer):
    """Why a product's video no longer shows the product as it is ("Keep videos up to date")."""

    reason = serializers.CharField(help_text='in the merchant\'s words: "price changed from $48.00 to $39.00"')
    changes = serializers.ListField(child=serializers.CharField(), help_text="each change on its own")
    since = serializers.DateTimeField(help_text="when the video went out of date")
    remake_at = serializers.DateTimeField(allow_null=True, help_text="when the automatic remake starts; null "
                                          "unless the setting is \"automatically\"")
    job_id = serializers.UUIDField(help_text="the job that made the out-of-date video (POST its /regenerate)")


class OutOfDateProductSerializer(OutOfDateSerializer):
    product_id = serializers.CharField()
    product_title = serializers.CharField(allow_blank=True)


class OutOfDateListSerializer(serializers.Serializer):
    keep_current = serializers.ChoiceField(choices=["off", "ask", "auto"], help_text="the shop's setting")
    note = serializers.CharField(allow_blank=True, help_text="why the setting changed by itself, e.g. credits ran "
                                 "out and \"automatically\" fell back to \"ask\"; empty otherwise")
    products = OutOfDateProductSerializer(many=True)


class MadeWithSerializer(serializers.Serializer):
    """What a video is made with, its instruction applied (the job page's details)."""

    template = serializers.CharField(allow_null=True)
    template_label = serializers.CharField(allow_null=True)
    aspect = serializers.CharField(allow_null=True)
    duration = serializers.FloatField(allow_null=True)
    music = serializers.CharField(allow_null=True, help_text="the track used; null for no music")


class JobSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(read_only=True)
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    interpretation = serializers.SerializerMethodField()
    batch_id = serializers.UUIDField(allow_null=True)
    timings = serializers.DictField(child=serializers.FloatField())
    options = serializers.DictField()
    made_with = serializers.SerializerMethodField()
    replaced_by = serializers.SerializerMethodField()
    waiting_s = serializers.SerializerMethodField()
    out_of_date = serializers.SerializerMethodField()

    class Meta:
        model = VideoJob
        fields = ["id", "product_id", "product_title", "product_image_url", "status", "stage_label", "progress",
                  "error_code", "error_message", "video_url", "poster_url", "media_id", "published", "options",
                  "instruction", "interpretation", "batch_id", "created_at", "updated_at", "timings", "made_with",
                  "replaced_by", "waiting_s", "out_of_date"]

    @extend_schema_field(MadeWithSerializer)
    def get_made_with(self, job: VideoJob) -> dict[str, Any]:
        return selectors.made_with(job)

    def get_replaced_by(self, job: VideoJob) -> str | None:
        newer = selectors.replaced_by(job)
        return str(newer.pk) if newer else None

    def get_waiting_s(self, job: VideoJob) -> int:
        return selectors.waiting_seconds(job)

    @extend_schema_field(OutOfDateSerializer(allow_null=True))
    def get_out_of_date(self, job: VideoJob) -> dict[str, Any] | None:
        return freshness.out_of_date_for_job(job)

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


class ProductCardFields(serializers.Serializer):
    """What every product card shows (api/selectors.py `_card`)."""

    id = serializers.CharField()
    title = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)
    price = serializers.CharField(allow_null=True)
    currency = serializers.CharField(allow_null=True)


class ProductCardSerializer(ProductCardFields):
    media_count = serializers.IntegerField()


class ProductSerializer(ProductCardFields):
    has_video = serializers.BooleanField()
    latest_job = LatestJobSerializer(allow_null=True)
    out_of_date = OutOfDateSerializer(allow_null=True, required=False)


class ProductListSerializer(serializers.Serializer):
    products = ProductSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class MediaItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField(help_text="IMAGE, VIDEO, EXTERNAL_VIDEO or MODEL_3D")
    status = serializers.CharField()
    alt = serializers.CharField(allow_blank=True)
    image_url = serializers.CharField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    preview_url = serializers.CharField(allow_null=True)
    video_sources = serializers.ListField(child=serializers.DictField())
    duration_ms = serializers.IntegerField(allow_null=True)
    errors = serializers.ListField(child=serializers.DictField())


class ProductDetailSerializer(serializers.Serializer):
    """One product as the Admin API has it (prices as exact decimal strings)."""

    id = serializers.CharField()
    title = serializers.CharField()
    handle = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    vendor = serializers.CharField(allow_blank=True)
    product_type = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField(allow_blank=True)
    # Decimal amounts as Shopify's MoneyV2.amount strings, so money stays exact in JSON.
    price = serializers.CharField(allow_null=True)
    compare_at_price = serializers.CharField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    featured_media_id = serializers.CharField(allow_null=True)
    media = MediaItemSerializer(many=True)


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
    plan_url = serializers.URLField(help_text="the plan page Shopify hosts (Shopify App Pricing)")
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


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="What went wrong, for code: invalid, not_found, no_credits, ...")
    message = serializers.CharField(help_text="What went wrong, in plain words for the merchant.")
    retryable = serializers.BooleanField(required=False, help_text="Present and true when trying again may help.")
    fields = serializers.DictField(required=False, help_text="For `invalid`: the messages for each field.")


class ErrorSerializer(serializers.Serializer):
    """Every error of the API (any 4xx, and 503 when Shopify is unavailable)."""

    error = ErrorDetailSerializer()
