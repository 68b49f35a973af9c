"""django-q2 entry point of the look previews (takes an id, calls the service)."""

from __future__ import annotations

from videos.looks.services import make_looks


def make_looks_task(look_id: str) -> str:
    return make_looks(look_id)
