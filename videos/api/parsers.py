"""JSON bodies with a size and a nesting limit.

Size: DRF reads the body as a stream, which skips Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, so the limit
is applied here (a 413 in the API's error shape). Nesting: Python's decoder and DRF's field checks recurse,
so a body of a few KB nested a thousand deep would otherwise end in a RecursionError (a 500). No request of
the API nests deeper than an object holding a list.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from videos.api.errors import PayloadTooLarge

MAX_DEPTH = 8
TOO_DEEP = f"JSON parse error - nested more than {MAX_DEPTH} levels deep"


def depth(value: Any) -> int:
    """How deeply lists and objects nest in a decoded JSON value, counted without recursion (stops once past
    MAX_DEPTH)."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_DEPTH:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
