"""The installation's NemoVideo identity (registered on the videos app through `videos/models.py`)."""

from __future__ import annotations

from django.db import models


class NemoCredential(models.Model):
    """A stable `X-Client-Id` and the anonymous token NemoVideo issued to it (docs/nemo-protocol.md §1).

    The vendor limits anonymous tokens per client id, so the id must survive restarts; the token is a
    secret and is kept encrypted with `shopify_app.crypto` (never read `token_encrypted` directly)."""

    name = models.CharField(max_length=32, unique=True, default="default")
    client_id = models.CharField(max_length=64)
    token_encrypted = models.TextField(blank=True, default="")
    user_id = models.CharField(max_length=128, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "videos"

    def __str__(self) -> str:
        return f"NemoVideo client {self.client_id}"
