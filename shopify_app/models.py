"""Shops that installed the app, and the webhook deliveries already handled.

Access and refresh tokens are stored encrypted (shopify_app/crypto.py, MultiFernet); the model only ever
holds ciphertext in its fields, and repr/str show the domain only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from shopify_app import crypto


class Shop(models.Model):
    domain = models.CharField(max_length=255, unique=True)
    access_token_ciphertext = models.TextField(blank=True, default="", editable=False)
    # Set for expiring offline tokens only (Shopify: 1 h access token, refresh token valid longer).
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_ciphertext = models.TextField(blank=True, default="", editable=False)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.TextField(blank=True, default="", help_text="Granted access scopes, comma-separated.")
    installed_at = models.DateTimeField(null=True, blank=True)
    uninstalled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_installed(self) -> bool:
        return self.installed_at is not None and self.uninstalled_at is None and bool(self.access_token_ciphertext)

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    @property
    def access_token(self) -> str:
        """The plaintext offline token (decrypted on each read; never store or log it)."""
        if not self.access_token_ciphertext:
            raise LookupError(f"{self.domain} has no access token")
        return crypto.decrypt(self.access_token_ciphertext)

    @property
    def refresh_token(self) -> str | None:
        return crypto.decrypt(self.refresh_token_ciphertext) if self.refresh_token_ciphertext else None

    def set_tokens(
        self,
        access_token: str,
        *,
        expires_at: datetime | None = None,
        refresh_token: str | None = None,
        refresh_expires_at: datetime | None = None,
    ) -> None:
        """Store new tokens (encrypted); the caller saves."""
        self.access_token_ciphertext = crypto.encrypt(access_token)
        self.access_token_expires_at = expires_at
        self.refresh_token_ciphertext = crypto.encrypt(refresh_token) if refresh_token else ""
        self.refresh_token_expires_at = refresh_expires_at if refresh_token else None

    def erase_tokens(self) -> None:
        self.access_token_ciphertext = ""
        self.access_token_expires_at = None
        self.refresh_token_ciphertext = ""
        self.refresh_token_expires_at = None

    def token_expires_within(self, seconds: float) -> bool:
        if self.access_token_expires_at is None:
            return False
        return (self.access_token_expires_at - timezone.now()).total_seconds() <= seconds


class WebhookDelivery(models.Model):
    """One handled webhook delivery; the unique id makes a replayed delivery a no-op."""

    webhook_id = models.CharField(max_length=255, unique=True)
    topic = models.CharField(max_length=100)
    shop_domain = models.CharField(max_length=255, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.topic} for {self.shop_domain} ({self.webhook_id})"
