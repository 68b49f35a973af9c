"""A Shopify stand-in on loopback: Admin GraphQL, OAuth/token exchange, staged uploads, CDN, a tiny "admin"
that frames the app with signed links, fault injection and inspection. Every shop lives under
`{base_url}/shops/{shop}` (what SHOPIFY_ADMIN_BASE points the app at) instead of `https://{shop}`.

This module is the emulator's lifecycle (start, stop, reset) and the Python API tests drive it with;
`routes` serves HTTP, and each endpoint's work lives in its own module (graphql_api, uploads,
oauth_endpoints, admin_page, cdn, control) over the in-memory `state`.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from typing import Any

import httpx

from devtools.shopify_emulator.faults import Faults
from devtools.shopify_emulator.routes import API_VERSIONS, Handler
from devtools.shopify_emulator.state import Clock, EmuShop, Store
from shopify_app.domains import validate_shop_domain
from shopify_app.session_tokens import issue_session_token
from shopify_app.signatures import query_hmac, webhook_hmac


class ShopifyEmulator:
    def __init__(
        self,
        *,
        api_key: str,
        api_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        app_url: str | None = None,
        scopes: str = "read_products,write_products,write_files",
        dev_session: bool = False,
        clock: Clock | None = None,
        bucket_max: float = 1000.0,
        restore_rate: float = 50.0,
        processing_polls: int = 2,
        token_ttl_s: int = 3600,
    ) -> None:
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.server.emulator = self  # type: ignore[attr-defined]
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        self.api_key, self.api_secret, self.app_url = api_key, api_secret, app_url
        self.scopes = [s for s in scopes.split(",") if s]
        self.dev_session = dev_session
        self.signing_key = secrets.token_bytes(32)  # signs staged-upload policies
        self.faults = Faults()
        self._store_options = {"bucket_max": bucket_max, "restore_rate": restore_rate,
                               "processing_polls": processing_polls, "token_ttl_s": token_ttl_s}
        self.store = Store(base_url=self.base_url, clock=clock, **self._store_options)
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> ShopifyEmulator:
        self._thread = threading.Thread(target=self.server.serve_forever, name="shopify-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.faults.clear()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> ShopifyEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self, *, clock: Clock | None = None, **options: Any) -> None:
        """Forget every shop, token, upload and fault; `options` override the Store settings given at start."""
        self.faults.clear()
        self.store = Store(base_url=self.base_url, clock=clock, **(self._store_options | options))

    # --- Python API for tests -------------------------------------------------------------------
    def shop(self, domain: str) -> EmuShop:
        return self.store.shop(validate_shop_domain(domain))

    def inject(self, kind: str, **options: Any) -> None:
        """Make the next request(s) fail: kind throttle|5xx|429|hang|401|drop, times=N, target=graphql|oauth|upload."""
        self.faults.add(kind, **options)

    def install(self, domain: str, *, expiring: bool = False) -> dict[str, Any]:
        """Install the app directly (as if a grant happened); returns the token answer."""
        return self.store.issue_tokens(validate_shop_domain(domain), self.scopes, expiring=expiring)

    def uninstall(self, domain: str, *, webhook_url: str | None = None) -> None:
        self.store.uninstall(domain)
        if webhook_url:
            self.deliver_webhook(webhook_url, "app/uninstalled", domain, {"myshopify_domain": domain})

    def session_token(self, domain: str, *, ttl_s: int = 60, now: float | None = None) -> str:
        return issue_session_token(domain, api_key=self.api_key, secret=self.api_secret, ttl_s=ttl_s, now=now)

    def products(self, domain: str) -> list[dict[str, Any]]:
        """Inspection: the shop's products with their media (status, kind, size) as plain dicts."""
        shop = self.shop(domain)
        with self.store.lock:
            return [
                {"id": p.gid, "title": p.title, "media": [self._media_info(shop, m) for m in p.media_ids if m in shop.media]}
                for p in shop.products.values()
            ]

    def product_media(self, domain: str, product_id: str) -> list[dict[str, Any]]:
        found = [p for p in self.products(domain) if p["id"] == product_id]
        if not found:
            raise KeyError(f"{domain} has no product {product_id}")
        return found[0]["media"]

    @staticmethod
    def _media_info(shop: EmuShop, media_id: str) -> dict[str, Any]:
        m = shop.media[media_id]
        return {"id": m.id, "kind": m.kind, "status": m.status, "alt": m.alt, "filename": m.filename,
                "bytes": len(m.data or b""), "errors": list(m.errors)}

    def signed_query(self, domain: str, params: list[tuple[str, str]] | None = None, *, id_token: bool = True) -> list[tuple[str, str]]:
        """Query pairs as the admin sends them to the app (shop, host, timestamp, id_token..., hmac last)."""
        store_name = domain.removesuffix(".myshopify.com")
        pairs = list(params or []) + [
            ("embedded", "1"),
            ("host", base64.urlsafe_b64encode(f"admin.shopify.com/store/{store_name}".encode()).decode().rstrip("=")),
            ("locale", "en"),
            ("shop", domain),
            ("timestamp", str(int(time.time()))),
        ]
        if id_token:
            pairs.append(("id_token", self.session_token(domain)))
        return [*pairs, ("hmac", query_hmac(pairs, self.api_secret))]

    def webhook(self, topic: str, domain: str, payload: dict[str, Any], *, webhook_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        """A delivery as Shopify sends it: (raw body, headers with a valid HMAC)."""
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": webhook_hmac(body, self.api_secret),
            "X-Shopify-Shop-Domain": domain,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-API-Version": API_VERSIONS[-1],
            "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        return body, headers

    def deliver_webhook(self, url: str, topic: str, domain: str, payload: dict[str, Any]) -> int:
        body, headers = self.webhook(topic, domain, payload)
        return httpx.post(url, content=body, headers=headers, timeout=10).status_code
