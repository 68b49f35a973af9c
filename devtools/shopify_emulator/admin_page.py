"""The emulator's stand-in for the Shopify admin: a product list with "Generate video" links beside an
iframe that opens the app with a signed query, as the real admin embeds it."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from devtools.shopify_emulator.server import ShopifyEmulator

SIGNED_KEYS = ("hmac", "shop", "timestamp")  # the admin sets these itself


def admin_page(
    emulator: ShopifyEmulator, shop: str, key: str, path: str | None, query_pairs: list[tuple[str, str]]
) -> tuple[int, str, str]:
    """`/shops/{shop}/admin/apps/{key}{path}`: (status, body, content type)."""
    if key != emulator.api_key:
        return 404, "no such app", "text/plain"
    if not emulator.app_url:
        return 503, "start the emulator with --app-url to open the app", "text/plain"
    path = path if path and path != "/" else "/app/"
    query = emulator.signed_query(shop, [(k, v) for k, v in query_pairs if k not in SIGNED_KEYS])
    src = f"{emulator.app_url}{path}?{urlencode(query)}"
    products = emulator.products(shop)
    items = "".join(
        f'<li>{escape(p["title"])}: <a href="/shops/{shop}/admin/apps/{key}/app/generate?{urlencode({"id": p["id"]})}">'
        "Generate video</a></li>" for p in products
    )
    bulk = urlencode([("ids[]", p["id"]) for p in products])
    html = (f"<!doctype html><title>{escape(shop)} admin (emulated)</title><body style='margin:0;display:flex;height:100vh'>"
            f"<nav style='width:22em;padding:1em;font:14px sans-serif'><b>{escape(shop)}</b><ul>{items}</ul>"
            f"<a href='/shops/{shop}/admin/apps/{key}/app/bulk?{bulk}'>Bulk generate (all)</a></nav>"
            f"<iframe src='{escape(src)}' style='flex:1;border:0'></iframe></body>")
    return 200, html, "text/html; charset=utf-8"
