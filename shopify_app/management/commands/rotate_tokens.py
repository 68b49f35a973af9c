"""Re-encrypt stored Shopify tokens with the newest key in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after it), run this command,
then drop the old key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shopify_app.crypto import DecryptionError
from shopify_app.services import rotate_tokens


class Command(BaseCommand):
    help = "Re-encrypt every stored Shopify token with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options) -> None:
        try:
            changed = rotate_tokens()
        except DecryptionError as exc:
            raise CommandError(f"{exc}; keep the old key in FIELD_ENCRYPTION_KEYS until rotation is done") from None
        self.stdout.write(f"re-encrypted the tokens of {changed} shop(s)")
