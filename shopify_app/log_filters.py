"""A logging filter that masks Shopify credentials wherever they would end up in a log line.

Shopify puts the session token (`id_token`) and OAuth `code` in page URLs, which access logs print; tokens
(`shpat_…`, `shprt_…`, `Bearer …`) should never be logged at all, this is the net under that rule."""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    re.compile(r"(?P<keep>[?&](?:id_token|code|session|hmac|subject_token|access_token|refresh_token)=)[^&\s\"']+"),
    re.compile(r"(?P<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?P<keep>\bshp(?:at|rt|ss|ca|pa)_)[A-Za-z0-9]+"),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(r"\g<keep>[redacted]", text)
    return text


class RedactShopifySecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
