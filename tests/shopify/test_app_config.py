"""shopify.app.toml and the admin link extensions agree with the code that serves them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from shopify_app.webhooks import HANDLERS

ROOT = Path(settings.BASE_DIR)


def load(path: str) -> dict:
    return tomllib.loads((ROOT / path).read_text())


def test_scopes_and_api_version_match_the_settings():
    app = load("shopify.app.toml")
    assert app["access_scopes"]["scopes"] == settings.SHOPIFY_SCOPES
    assert app["webhooks"]["api_version"] == settings.SHOPIFY_API_VERSION
    assert app["embedded"] is True and app["access_scopes"]["use_legacy_install_flow"] is False
    assert app["auth"]["redirect_urls"][0].endswith(reverse("shopify-auth-callback"))


def test_every_subscribed_topic_is_handled_at_the_webhook_url():
    subscriptions = load("shopify.app.toml")["webhooks"]["subscriptions"]
    topics = {t for s in subscriptions for t in s.get("topics", []) + s.get("compliance_topics", [])}
    assert topics == set(HANDLERS)
    assert {s["uri"] for s in subscriptions} == {reverse("shopify-webhooks")}


@pytest.mark.parametrize(
    ("folder", "target", "view"),
    [("generate-video-link", "admin.product-details.action.link", "shopify-app-generate"),
     ("bulk-generate-videos-link", "admin.product-index.selection-action.link", "shopify-app-bulk")],
)
def test_admin_links_open_the_pages_that_verify_them(folder, target, view):
    extension = load(f"extensions/{folder}/shopify.extension.toml")["extensions"][0]
    assert extension["type"] == "admin_link" and extension["handle"] == folder
    targeting = extension["targeting"][0]
    assert targeting["target"] == target
    assert resolve(targeting["url"]).url_name == view
