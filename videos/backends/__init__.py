"""Render backends: the local renderer (default) and the NemoVideo cloud backend, behind one interface."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from videos.backends.base import RenderBackend, RenderError, RenderResult

BACKENDS = {
    "local": "videos.backends.local.LocalBackend",
    "nemo": "videos.backends.nemo.backend.NemoBackend",
}


def get_backend(name: str | None = None) -> RenderBackend:
    """The backend called `name`, or the one `VIDEO_BACKEND` selects."""
    name = name or settings.VIDEO_BACKEND
    if name not in BACKENDS:
        raise RenderError(f"unknown video backend {name!r}; choose one of {', '.join(BACKENDS)}", retryable=False)
    return import_string(BACKENDS[name])()


__all__ = ["RenderBackend", "RenderError", "RenderResult", "get_backend"]
