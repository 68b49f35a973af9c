"""Where the NemoVideo token comes from: `NEMO_TOKEN`, or an anonymous token issued to this
installation's stable client id, stored encrypted and re-acquired when NemoVideo rejects it (1001)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shopify_app import crypto
from videos.backends.nemo.errors import NemoAuthError
from videos.backends.nemo.models import NemoCredential

# Re-acquire a little before the stated expiry rather than fail a request on it.
EXPIRY_MARGIN = timedelta(minutes=5)


@dataclass
class AnonymousToken:
    """`data` of POST /api/auth/anonymous-token (docs/nemo-protocol.md §1)."""

    token: str
    user_id: str = ""
    expires_at: datetime | None = None
    credits: int | None = None

    @classmethod
    def from_data(cls, data: dict) -> AnonymousToken:
        expires = data.get("expires_at")
        return cls(
            token=str(data["token"]),
            user_id=str(data.get("user_id") or ""),
            expires_at=parse_datetime(expires) if isinstance(expires, str) else None,
            credits=data.get("credits") if isinstance(data.get("credits"), int) else None,
        )


class TokenProvider(Protocol):
    can_refresh: bool

    def token(self) -> str: ...

    def refresh(self, rejected: str) -> str: ...

    @property
    def user_id(self) -> str: ...

    @property
    def client_id(self) -> str: ...


class StaticToken:
    """A token from `NEMO_TOKEN`: used as is; when rejected, an operator has to replace it."""

    can_refresh = False

    def __init__(self, token: str, client_id: str = "") -> None:
        self._token = token
        self._client_id = client_id

    def token(self) -> str:
        return self._token

    def refresh(self, rejected: str) -> str:
        raise NemoAuthError("NemoVideo rejected the configured NEMO_TOKEN; replace it in the settings")

    @property
    def user_id(self) -> str:
        return ""

    @property
    def client_id(self) -> str:
        return self._client_id


class StoredAnonymousToken:
    """The anonymous token of this installation, kept in `NemoCredential`.

    `acquire(client_id)` asks NemoVideo for a token (the client's anonymous-token call)."""

    can_refresh = True

    def __init__(self, acquire: Callable[[str], AnonymousToken], client_id_override: str = "") -> None:
        self._acquire = acquire
        self._override = client_id_override
        self._cached: str | None = None
        self._user_id = ""
        self._client_id = ""

    def token(self) -> str:
        if self._cached:
            return self._cached
        credential = self._credential()
        if credential.token_encrypted and not _expired(credential):
            self._remember(credential, crypto.decrypt(credential.token_encrypted))
            return self._cached or ""
        return self.refresh(rejected="")

    def refresh(self, rejected: str) -> str:
        with transaction.atomic():
            credential = self._credential(lock=True)
            if credential.token_encrypted and not _expired(credential):
                current = crypto.decrypt(credential.token_encrypted)
                if current != rejected:  # another worker already re-acquired it
                    self._remember(credential, current)
                    return current
            issued = self._acquire(credential.client_id)
            credential.token_encrypted = crypto.encrypt(issued.token)
            credential.user_id = issued.user_id or credential.user_id
            credential.expires_at = issued.expires_at
            credential.save(update_fields=["token_encrypted", "user_id", "expires_at", "updated_at"])
        self._remember(credential, issued.token)
        return issued.token

    @property
    def user_id(self) -> str:
        if not self._client_id:
            self._credential()
        return self._user_id

    @property
    def client_id(self) -> str:
        if not self._client_id:
            self._credential()
        return self._client_id

    def _remember(self, credential: NemoCredential, token: str) -> None:
        self._cached = token
        self._user_id = credential.user_id

    def _credential(self, *, lock: bool = False) -> NemoCredential:
        queryset = NemoCredential.objects.select_for_update() if lock else NemoCredential.objects
        credential, _ = queryset.get_or_create(
            name="default", defaults={"client_id": self._override or str(uuid.uuid4())}
        )
        if self._override and credential.client_id != self._override:
            # A token belongs to the client id it was issued to; a new id starts afresh.
            credential.client_id = self._override
            credential.token_encrypted = ""
            credential.user_id = ""
            credential.expires_at = None
            credential.save()
        self._client_id = credential.client_id
        self._user_id = credential.user_id
        return credential


def _expired(credential: NemoCredential) -> bool:
    return credential.expires_at is not None and credential.expires_at - EXPIRY_MARGIN <= timezone.now()
