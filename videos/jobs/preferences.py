"""Writes to a shop's video settings: defaults for new videos, brand colours, the logo, auto-publish, keeping
videos up to date."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from shopify_app.models import Shop
from videos.composer.brand import MIN_DURATION_S
from videos.composer.templates import TEMPLATES
from videos.jobs import files
from videos.jobs.errors import ServiceError
from videos.jobs.freshness import services as freshness
from videos.jobs.models import KeepCurrent, ShopSettings
from videos.jobs.options import check_music
from videos.jobs.services import shop_settings
from videos.spec import ASPECTS

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
MAX_LOGO_PIXELS = 25_000_000
MAX_DEFAULT_DURATION_S = 120.0


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError("invalid", f"{field.replace('_', ' ')}: {message}", fields={field: [message]})


def update_settings(shop: Shop, data: dict[str, Any]) -> ShopSettings:
    """Change the given settings (others stay); every value is checked before any is saved."""
    current = shop_settings(shop)
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name == "default_template":
            if value not in TEMPLATES:
                raise _invalid(name, f"unknown template {value!r}; choose one of {', '.join(TEMPLATES)}")
        elif name == "default_aspect":
            if value not in ASPECTS:
                raise _invalid(name, f"unknown aspect {value!r}; choose one of {', '.join(ASPECTS)}")
        elif name == "default_duration":
            if not MIN_DURATION_S <= float(value) <= MAX_DEFAULT_DURATION_S:
                raise _invalid(name, f"must be {MIN_DURATION_S:g}-{MAX_DEFAULT_DURATION_S:g} seconds")
            value = float(value)
        elif name == "default_music":
            try:
                check_music(value)
            except ServiceError as exc:
                raise _invalid(name, exc.message) from None
        elif name in ("brand_primary", "brand_secondary", "brand_text"):
            value = value or ""
            if value and not COLOR.match(value):
                raise _invalid(name, f"must be a colour like #1A2B3C, got {value!r}")
            value = value.upper()
        elif name == "auto_publish":
            value = bool(value)
        elif name == "keep_current":
            if value not in KeepCurrent.values:
                raise _invalid(name, f"unknown choice {value!r}; choose one of {', '.join(KeepCurrent.values)}")
        else:
            continue
        changes[name] = value
    mode_changed = "keep_current" in changes and changes["keep_current"] != current.keep_current
    if mode_changed:
        changes["keep_current_note"] = ""  # the merchant has seen why it changed (e.g. credits ran out)
    for name, value in changes.items():
        setattr(current, name, value)
    if changes:
        current.save()
    if mode_changed:
        freshness.mode_changed(shop, current.keep_current)
    return current


def save_logo(shop: Shop, content: bytes) -> ShopSettings:
    """Store a logo (PNG, JPG or WEBP, size- and pixel-capped, checked by decoding it) for the end card."""
    limit = settings.SHOWREEL_LOGO_MAX_BYTES
    if not content:
        raise _invalid("logo", "the file is empty")
    if len(content) > limit:
        raise _invalid("logo", f"the file is {len(content) / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB")
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format or ""
            if kind not in LOGO_FORMATS:
                raise _invalid("logo", f"{kind or 'this file type'} is not accepted; use PNG, JPG or WEBP")
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise _invalid("logo", f"the image is {image.width}x{image.height} pixels; that is too large")
            image.load()
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _invalid("logo", "not a readable PNG, JPG or WEBP image") from None
    current = shop_settings(shop)
    digest = hashlib.sha256(content).hexdigest()[:16]
    name = default_storage.save(f"showreel/{shop.pk}/logo/{digest}{LOGO_FORMATS[kind]}", ContentFile(content))
    old = current.logo_file
    current.logo_file = name
    current.save(update_fields=["logo_file", "updated_at"])
    if old and old != name:
        files.delete(old)
    return current
