"""The console log filter masks Shopify credentials that would otherwise end up in log lines."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings

from shopify_app.log_filters import RedactShopifySecrets, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('"GET /app/?shop=a.myshopify.com&id_token=eyJhbGciOi.eyJpc3Mi.sig&hmac=abc HTTP/1.1" 200', "eyJhbGciOi.eyJpc3Mi.sig"),
        ("GET /auth/callback?code=a94a110d86d2452eb3e2af4cfb8a3828&shop=a.myshopify.com", "a94a110d86d2452eb3e2af4cfb8a3828"),
        ("token shpat_0123456789abcdef rejected", "0123456789abcdef"),
        ("Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
    ],
)
def test_secrets_are_masked(line, secret):
    assert secret not in redact(line) and "[redacted]" in redact(line)


def test_ordinary_lines_are_untouched():
    line = "shopify products: THROTTLED on a.myshopify.com, waiting 0.50s"
    assert redact(line) == line


def test_filter_rewrites_the_record_and_is_on_the_console_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "refresh %s", ("shprt_abc123",), None)
    assert RedactShopifySecrets().filter(record) and record.getMessage() == "refresh shprt_[redacted]"
    assert "shopify_redact" in settings.LOGGING["handlers"]["console"]["filters"]


def test_runserver_request_lines_go_through_the_redacting_handler():
    # django.server (runserver's request lines) would otherwise keep Django's own handler, without the filter;
    # tests/deploy/test_gunicorn.py reads the real output of runserver and gunicorn.
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
    assert not settings.LOGGING["loggers"]["django.server"]["propagate"]
