"""Encryption at rest for secrets the app keeps (Shopify access tokens, the NemoVideo token).

Keys come from `FIELD_ENCRYPTION_KEYS` (comma-separated Fernet keys, newest first). MultiFernet
decrypts with any listed key and encrypts with the first, so a key is rotated by putting a new one in
front, running `rotate()` over stored values, then dropping the old one.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

# cryptography is imported when a secret is first read or written, not with the models: commands that never
# touch one (render_video, bench_render) start without its native library.


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    from cryptography.fernet import Fernet, MultiFernet

    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty: set at least one Fernet key")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt `token` with the newest key."""
    from cryptography.fernet import InvalidToken

    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured keys") from exc
