"""A set of look previews: one product, the merchant's options, three templates."""

from __future__ import annotations

import uuid

from django.db import models

from shopify_app.models import Shop


class LookSet(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        MAKING = "making"
        READY = "ready"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="look_sets")
    product_id = models.CharField(max_length=64)
    product_title = models.CharField(max_length=255, blank=True, default="")
    product_image_url = models.URLField(max_length=1000, blank=True, default="")
    options = models.JSONField(default=dict, blank=True)
    instruction = models.TextField(blank=True, default="")
    templates = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    error_message = models.TextField(blank=True, default="")
    # The fetched product (the job's `inputs` shape) and, per template, the full-size spec and the preview files.
    inputs = models.JSONField(null=True, blank=True)
    looks = models.JSONField(default=dict, blank=True)  # {template: {"spec", "video_file", "poster_file"}}
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["shop", "created_at"], name="lookset_shop_created")]

    def __str__(self) -> str:
        return f"looks {self.id} ({self.status}) for {self.product_id}"
