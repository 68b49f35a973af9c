"""Input limits from Django settings, with the same defaults when settings are not configured."""

from __future__ import annotations

DEFAULT_MAX_INPUT_BYTES = 500 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 80_000_000


def _setting(name: str, default: int) -> int:
    try:
        from django.conf import settings

        if settings.configured:
            return int(getattr(settings, name, default))
    except Exception:  # Django missing or misconfigured: the defaults still protect us.
        pass
    return default


def max_input_bytes() -> int:
    return _setting("VIDEO_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES)


def max_image_pixels() -> int:
    return _setting("VIDEO_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)
