"""A Shopify stand-in on loopback: Admin GraphQL, OAuth/token exchange, staged uploads, CDN, a tiny "admin"
that frames the app with signed links, fault injection and inspection. Every shop lives under
`{base_url}/shops/{shop}` (what SHOPIFY_ADMIN_BASE points the app at) instead of `https://{shop}`.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
import threading
import time
import uuid
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx

from devtools.shopify_emulator import oauth_endpoints
from devtools.shopify_emulator.faults import Faults
from devtools.shopify_emulator.graphql_api import handle_graphql
from devtools.shopify_emulator.samples import PHOTOS_DIR, SAMPLE_FILES
from devtools.shopify_emulator.state import Clock, EmuShop, Store
from devtools.shopify_emulator.uploads import UploadRefused, accept_upload
from shopify_app.domains import InvalidShopDomain, validate_shop_domain
from shopify_app.session_tokens import issue_session_token
from shopify_app.signatures import query_hmac, webhook_hmac

log = logging.getLogger(__name__)

API_VERSIONS = ("2026-07",)
INVALID_TOKEN = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


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
        self.server = ThreadingHTTPServer((host, port), _Handler)
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
        """Make the next request(s) fail: kind throttle|5xx|429|hang|401, times=N, target=graphql|oauth|upload."""
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ShopifyEmulator/1"

    ROUTES: list[tuple[str, re.Pattern[str], str]] = [
        ("POST", re.compile(r"/shops/(?P<shop>[^/]+)/admin/api/(?P<version>[^/]+)/graphql\.json"), "graphql"),
        ("POST", re.compile(r"/shops/(?P<shop>[^/]+)/admin/oauth/access_token"), "access_token"),
        ("GET", re.compile(r"/shops/(?P<shop>[^/]+)/admin/oauth/authorize"), "authorize"),
        ("GET", re.compile(r"/shops/(?P<shop>[^/]+)/admin/apps/(?P<key>[^/]+)(?P<path>/.*)?"), "admin_app"),
        ("POST", re.compile(r"/staged-uploads/(?P<resource>[a-z]+)"), "upload"),
        ("GET", re.compile(r"/cdn/shop/files/(?P<name>[A-Za-z0-9._-]+)"), "cdn_file"),
        ("GET", re.compile(r"/cdn/shop/videos/(?P<number>\d+)\.mp4"), "cdn_video"),
        ("GET", re.compile(r"/_emulator/session-token"), "dev_session_token"),
        ("POST", re.compile(r"/_emulator/faults"), "add_fault"),
        ("DELETE", re.compile(r"/_emulator/faults"), "clear_faults"),
        ("GET", re.compile(r"/_emulator/shops/(?P<shop>[^/]+)/products"), "inspect_products"),
        ("POST", re.compile(r"/_emulator/shops/(?P<shop>[^/]+)/uninstall"), "uninstall"),
        ("GET", re.compile(r"/_emulator/health"), "health"),
    ]

    @property
    def emulator(self) -> ShopifyEmulator:
        return self.server.emulator  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("emulator: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def do_OPTIONS(self) -> None:  # noqa: N802 (CORS preflight for the dev session-token endpoint)
        self._send(204, b"", "text/plain", {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET",
                                            "Access-Control-Allow-Headers": "*"})

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.query = parse_qs(parts.query)
        self.query_pairs = parse_qsl(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        for route_method, pattern, name in self.ROUTES:
            match = pattern.fullmatch(parts.path)
            if match and route_method == method:
                args = match.groupdict()
                if "shop" in args:
                    try:
                        args["shop"] = validate_shop_domain(args["shop"])
                    except InvalidShopDomain:
                        return self._json(404, {"errors": "Not Found"})
                try:
                    return getattr(self, f"_{name}")(**args)
                except (BrokenPipeError, ConnectionResetError):
                    return None
                except Exception:  # a bug in the double should be loud, not a hung client
                    log.exception("emulator: %s %s failed", method, parts.path)
                    return self._json(500, {"errors": "emulator error (see log)"})
        self._json(404, {"errors": "Not Found"})

    # --- responses ------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", {"Location": location})

    def _fault(self, target: str, fault: Any = None) -> bool:
        """Apply a queued fault for `target`; True when the response was already sent. A hang waits and then
        answers normally (the client has given up by then); throttle is the GraphQL endpoint's business."""
        fault = fault or self.emulator.faults.take(target)
        if fault is None or fault.kind == "throttle":
            return False
        if fault.kind == "hang":
            self.emulator.faults.released.wait(fault.seconds)
            return False
        if fault.kind == "5xx":
            self._json(fault.status, {"errors": "Service Unavailable"})
        elif fault.kind == "429":
            self._json(429, {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."},
                       {"Retry-After": fault.retry_after} if fault.retry_after else None)
        else:  # 401
            self._json(401, INVALID_TOKEN)
        return True

    # --- Admin API ------------------------------------------------------------------------------
    def _graphql(self, shop: str, version: str) -> None:
        fault = self.emulator.faults.take("graphql")
        if self._fault("graphql", fault):
            return
        if version not in API_VERSIONS:
            return self._json(404, {"errors": f"API version {version} is not served by the emulator"})
        store = self.emulator.store
        if store.token_shop(self.headers.get("X-Shopify-Access-Token")) != shop:
            return self._json(401, INVALID_TOKEN)
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            return self._json(400, {"errors": "body is not JSON"})
        if not isinstance(body, dict):
            return self._json(400, {"errors": "body must be a JSON object"})
        answer = handle_graphql(store, store.shop(shop), body, signing_key=self.emulator.signing_key,
                                drained=fault is not None and fault.kind == "throttle")  # empty bucket: THROTTLED
        self._json(200, answer)

    def _upload(self, resource: str) -> None:
        if self._fault("upload"):
            return
        try:
            status, body = accept_upload(self.emulator.store, self.headers.get("Content-Type", ""), self.body,
                                         signing_key=self.emulator.signing_key)
        except UploadRefused as exc:
            return self._send(exc.status, exc.xml(), "application/xml")
        self._send(status, body if status != 204 else b"", "application/xml")

    # --- OAuth and the stand-in admin -----------------------------------------------------------
    def _access_token(self, shop: str) -> None:
        if self._fault("oauth"):
            return
        status, payload = oauth_endpoints.access_token(self.emulator, shop, self.headers.get("Content-Type", ""), self.body)
        self._json(status, payload)

    def _authorize(self, shop: str) -> None:
        status, location_or_error = oauth_endpoints.authorize(self.emulator, shop, self.query)
        if status == 302:
            return self._redirect(location_or_error)
        self._send(status, location_or_error.encode(), "text/plain; charset=utf-8")

    def _admin_app(self, shop: str, key: str, path: str | None) -> None:
        emulator = self.emulator
        if key != emulator.api_key:
            return self._send(404, b"no such app", "text/plain")
        if not emulator.app_url:
            return self._send(503, b"start the emulator with --app-url to open the app", "text/plain")
        path = path if path and path != "/" else "/app/"
        query = emulator.signed_query(shop, [(k, v) for k, v in self.query_pairs if k not in ("hmac", "shop", "timestamp")])
        src = f"{emulator.app_url}{path}?{urlencode(query)}"
        products = "".join(
            f'<li>{escape(p["title"])}: <a href="/shops/{shop}/admin/apps/{key}/app/generate?{urlencode({"id": p["id"]})}">'
            "Generate video</a></li>" for p in emulator.products(shop)
        )
        bulk = urlencode([("ids[]", p["id"]) for p in emulator.products(shop)])
        html = (f"<!doctype html><title>{escape(shop)} admin (emulated)</title><body style='margin:0;display:flex;height:100vh'>"
                f"<nav style='width:22em;padding:1em;font:14px sans-serif'><b>{escape(shop)}</b><ul>{products}</ul>"
                f"<a href='/shops/{shop}/admin/apps/{key}/app/bulk?{bulk}'>Bulk generate (all)</a></nav>"
                f"<iframe src='{escape(src)}' style='flex:1;border:0'></iframe></body>")
        self._send(200, html.encode(), "text/html; charset=utf-8")

    # --- CDN ------------------------------------------------------------------------------------
    def _cdn_file(self, name: str) -> None:
        if name not in SAMPLE_FILES:
            return self._send(404, b"not found", "text/plain")
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        self._send(200, (PHOTOS_DIR / name).read_bytes(), kind, {"Cache-Control": "max-age=3600"})

    def _cdn_video(self, number: str) -> None:
        with self.emulator.store.lock:
            media = next((m for s in self.emulator.store.shops.values() for m in s.media.values()
                          if m.kind == "VIDEO" and m.number == int(number) and m.status == "READY"), None)
            data = media.data if media else None
        if data is None:
            return self._send(404, b"not found", "text/plain")
        self._send(200, data, "video/mp4")

    # --- control and inspection ----------------------------------------------------------------
    def _dev_session_token(self) -> None:
        cors = {"Access-Control-Allow-Origin": "*"}
        if not self.emulator.dev_session:
            return self._json(403, {"error": "dev sessions are off (SHOPIFY_DEV_SESSION=1; never in production)"}, cors)
        try:
            shop = validate_shop_domain((self.query.get("shop") or [""])[0])
        except InvalidShopDomain as exc:
            return self._json(400, {"error": str(exc)}, cors)
        self._json(200, {"token": self.emulator.session_token(shop), "expires_in": 60}, cors)

    def _add_fault(self) -> None:
        try:
            options = json.loads(self.body or b"{}")
            kind = options.pop("kind")
            self.emulator.inject(kind, **options)
        except (ValueError, KeyError, TypeError) as exc:
            return self._json(400, {"error": f"bad fault: {exc}"})
        self._json(201, {"pending": len(self.emulator.faults.pending())})

    def _clear_faults(self) -> None:
        self.emulator.faults.clear()
        self._json(200, {"pending": 0})

    def _inspect_products(self, shop: str) -> None:
        self._json(200, {"products": self.emulator.products(shop)})

    def _uninstall(self, shop: str) -> None:
        options = json.loads(self.body or b"{}") if self.body else {}
        self.emulator.uninstall(shop, webhook_url=options.get("webhook_url"))
        self._json(200, {"uninstalled": shop})

    def _health(self) -> None:
        self._json(200, {"ok": True, "base_url": self.emulator.base_url})
