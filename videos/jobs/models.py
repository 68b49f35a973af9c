"""Jobs, batches, the per-shop credit ledger and the shop's video settings.

A `VideoJob` records each finished stage (the fetched inputs, the spec, the stored MP4, the staged upload,
the media GID, media READY) so a re-run after a crash skips what is done. Who runs it is decided by a lease
(`lease_owner`, `lease_expires_at`) taken with a conditional UPDATE (videos/jobs/lease.py).
"""

from __future__ import annotations

import uuid

from django.db import models

from shopify_app.models import Shop


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    COMPOSING = "composing", "Composing"
    RENDERING = "rendering", "Rendering"
    UPLOADING = "uploading", "Uploading"
    ATTACHING = "attaching", "Attaching"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL = frozenset({JobStatus.READY, JobStatus.FAILED, JobStatus.CANCELLED})
RUNNING = frozenset(set(JobStatus) - TERMINAL - {JobStatus.QUEUED})
# What the merchant reads while a job is in a status (the API's `stage_label`).
STAGE_LABELS = {
    JobStatus.QUEUED: "Waiting to start",
    JobStatus.FETCHING: "Getting the product's photos",
    JobStatus.COMPOSING: "Planning the video",
    JobStatus.RENDERING: "Making the video",
    JobStatus.UPLOADING: "Uploading to Shopify",
    JobStatus.ATTACHING: "Adding the video to the product",
    JobStatus.PROCESSING: "Shopify is processing the video",
    JobStatus.READY: "Ready",
    JobStatus.FAILED: "Failed",
    JobStatus.CANCELLED: "Cancelled",
}


class CreditState(models.TextChoices):
    NONE = "none"
    FROZEN = "frozen"
    CHARGED = "charged"
    RELEASED = "released"


class JobBatch(models.Model):
    """Many products at once (the bulk action): one job each, progress summed over them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="video_batches")
    options = models.JSONField(default=dict, blank=True)
    instruction = models.TextField(blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.id} ({self.total} products)"


class VideoJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="video_jobs")
    batch = models.ForeignKey(JobBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    # An edit ("make it vertical") is a new job made from this one's options.
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="edits")
    product_id = models.CharField(max_length=64)  # gid://shopify/Product/N
    product_title = models.CharField(max_length=255, blank=True, default="")
    # The product's photo when the job was made, so lists show what the video is of before any stage ran.
    product_image_url = models.URLField(max_length=1000, blank=True, default="")

    # What was asked: composer options (videos.composer.ComposeOptions fields) and a plain instruction.
    options = models.JSONField(default=dict, blank=True)
    instruction = models.TextField(blank=True, default="")
    interpretation = models.JSONField(default=dict, blank=True)
    publish = models.BooleanField(default=True, help_text="Put the video on the product when it is rendered.")
    backend = models.CharField(max_length=16, default="local")

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    wait_reason = models.CharField(max_length=200, blank=True, default="")
    timings = models.JSONField(default=dict, blank=True)  # {stage: seconds}
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.TextField(blank=True, default="")

    # Checkpoints: each finished stage is recorded here and skipped on a re-run.
    inputs = models.JSONField(null=True, blank=True)  # fetched product facts + downloaded file paths
    spec = models.JSONField(null=True, blank=True)
    video_file = models.CharField(max_length=255, blank=True, default="")  # Django storage names
    poster_file = models.CharField(max_length=255, blank=True, default="")
    video_bytes = models.BigIntegerField(null=True, blank=True)
    staged_resource_url = models.TextField(blank=True, default="")
    staged_at = models.DateTimeField(null=True, blank=True)
    attach_attempted_at = models.DateTimeField(null=True, blank=True)
    media_id = models.CharField(max_length=128, blank=True, default="")
    media_ready_at = models.DateTimeField(null=True, blank=True)
    # Set while the job waits for Shopify to process its video without a worker (videos/jobs/waiting.py):
    # when the next look is due. Such a job holds none of the shop's worker slots.
    media_check_at = models.DateTimeField(null=True, blank=True)
    replaced_media_ids = models.JSONField(default=list, blank=True)
    published = models.BooleanField(default=False)
    credit_state = models.CharField(max_length=10, choices=CreditState.choices, default=CreditState.NONE)

    # Execution: handed to the broker at `enqueued_at`; run by whoever holds an unexpired lease.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["shop", "status"], name="videojob_shop_status"),
            models.Index(fields=["shop", "product_id"], name="videojob_shop_product"),
            models.Index(fields=["status", "lease_expires_at"], name="videojob_status_lease"),
        ]

    def __str__(self) -> str:
        return f"job {self.id} ({self.status}) for {self.product_id}"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def stage_label(self) -> str:
        if self.status == JobStatus.QUEUED and self.wait_reason:
            return self.wait_reason
        if self.status == JobStatus.READY and not self.published:
            return "Ready (not on the product yet)" if self.publish is False else "Ready"
        return STAGE_LABELS.get(self.status, self.status)


class CreditAccount(models.Model):
    """A shop's video credits: `available` to start jobs, `frozen` by unfinished jobs (total = both).
    The monthly allowance comes from the shop's plan (Shopify App Pricing, read through the Admin API)."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="credit_account")
    available = models.IntegerField(default=0)
    frozen = models.IntegerField(default=0)
    plan = models.CharField(max_length=64, default="free")
    monthly_allowance = models.PositiveIntegerField(default=0)
    period_start = models.DateTimeField()
    plan_checked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(available__gte=0), name="credit_available_not_negative"),
            models.CheckConstraint(condition=models.Q(frozen__gte=0), name="credit_frozen_not_negative"),
        ]

    def __str__(self) -> str:
        return f"credits of {self.shop_id}: {self.available} available, {self.frozen} frozen"

    @property
    def total(self) -> int:
        return self.available + self.frozen


class CreditEntry(models.Model):
    """One movement on the ledger (kept for the record; the account row holds the balance)."""

    class Kind(models.TextChoices):
        GRANT = "grant"  # the monthly allowance (or a plan upgrade's difference)
        FREEZE = "freeze"
        CHARGE = "charge"
        RELEASE = "release"
        ADJUST = "adjust"

    account = models.ForeignKey(CreditAccount, on_delete=models.CASCADE, related_name="entries")
    job = models.ForeignKey(VideoJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.IntegerField()
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class KeepCurrent(models.TextChoices):
    OFF = "off", "Off"
    ASK = "ask", "Ask me"
    AUTO = "auto", "Automatically"


class ShopSettings(models.Model):
    """The defaults a shop's new videos start from, and its brand."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="video_settings")
    default_template = models.CharField(max_length=32, default="clean")
    default_aspect = models.CharField(max_length=8, default="1:1")
    default_duration = models.FloatField(default=15.0)
    default_music = models.CharField(max_length=64, default="auto")
    brand_primary = models.CharField(max_length=7, blank=True, default="")
    brand_secondary = models.CharField(max_length=7, blank=True, default="")
    brand_text = models.CharField(max_length=7, blank=True, default="")
    logo_file = models.CharField(max_length=255, blank=True, default="")
    # Off until the merchant turns it on: nothing goes on a product page unasked.
    auto_publish = models.BooleanField(default=False)
    # "Keep videos up to date" (videos/jobs/freshness): off, ask (list out-of-date videos) or auto (remake them).
    keep_current = models.CharField(max_length=8, choices=KeepCurrent.choices, default=KeepCurrent.OFF)
    keep_current_note = models.CharField(max_length=300, blank=True, default="")  # e.g. why auto fell back to ask
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"video settings of {self.shop_id}"


class ProductFreshness(models.Model):
    """Whether the video on a product (made by `job`) still shows the product as it is: written by the
    products/update webhook, read by the home page; `due_at` is when an automatic remake may start (the edits
    have settled), claimed by the sweep with a conditional UPDATE."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="product_freshness")
    product_id = models.CharField(max_length=64)
    job = models.ForeignKey(VideoJob, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500, blank=True, default="")  # merchant words; "" = up to date
    changes = models.JSONField(default=list, blank=True)  # [{"field", "before", "after", "text"}]
    stale_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    product_updated_at = models.DateTimeField(null=True, blank=True)  # newest delivery seen (older ones are ignored)
    regeneration = models.ForeignKey(VideoJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "product_id"], name="freshness_one_per_product")]
        indexes = [models.Index(fields=["due_at"], name="freshness_due")]

    def __str__(self) -> str:
        return f"freshness of {self.product_id}: {self.reason or 'up to date'}"
