"""The emulator's HTTP side: the routing table, dispatch, responses and fault injection. Each route stays
thin and hands the work to the module that does it (graphql_api, uploads, oauth_endpoints, admin_page,
cdn, control)."""

from __future__ import annotations

import json
import logging
import re
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from devtools.shopify_emulator import cdn, control, oauth_endpoints
from devtools.shopify_emulator.admin_page import admin_page
from devtools.shopify_emulator.graphql_api import handle_graphql
from devtools.shopify_emulator.uploads import UploadRefused, accept_upload
from shopify_app.domains import InvalidShopDomain, validate_shop_domain

if TYPE_CHECKING:
    from devtools.shopify_emulator.server import ShopifyEmulator

log = logging.getLogger(__name__)

API_VERSIONS = ("2026-07",)
INVALID_TOKEN = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
CORS = {"Access-Control-Allow-Origin": "*"}


class Handler(BaseHTTPRequestHandler):
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

    def _drop(self) -> None:
        """The work is done, the answer is lost: close the connection without a response."""
        self.close_connection = True

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", {"Location": location})

    def _fault(self, target: str, fault: Any = None) -> bool:
        """Apply a queued fault for `target`; True when the response was already sent. A hang waits and then
        answers normally (the client has given up by then); throttle is the GraphQL endpoint's business."""
        fault = fault or self.emulator.faults.take(target)
        if fault is None or fault.kind in ("throttle", "drop"):
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
        if fault is not None and fault.kind == "drop":
            return self._drop()
        self._json(200, answer)

    def _upload(self, resource: str) -> None:
        fault = self.emulator.faults.take("upload")
        if self._fault("upload", fault):
            return
        try:
            status, body = accept_upload(self.emulator.store, self.headers.get("Content-Type", ""), self.body,
                                         signing_key=self.emulator.signing_key)
        except UploadRefused as exc:
            return self._send(exc.status, exc.xml(), "application/xml")
        if fault is not None and fault.kind == "drop":
            return self._drop()
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
        status, body, content_type = admin_page(self.emulator, shop, key, path, self.query_pairs)
        self._send(status, body.encode(), content_type)

    # --- CDN ------------------------------------------------------------------------------------
    def _cdn_file(self, name: str) -> None:
        self._send(*cdn.sample_file(name))

    def _cdn_video(self, number: str) -> None:
        self._send(*cdn.ready_video(self.emulator.store, int(number)))

    # --- control and inspection ----------------------------------------------------------------
    def _dev_session_token(self) -> None:
        self._json(*control.dev_session_token(self.emulator, self.query), CORS)

    def _add_fault(self) -> None:
        self._json(*control.add_fault(self.emulator, self.body))

    def _clear_faults(self) -> None:
        self._json(*control.clear_faults(self.emulator))

    def _inspect_products(self, shop: str) -> None:
        self._json(*control.inspect_products(self.emulator, shop))

    def _uninstall(self, shop: str) -> None:
        self._json(*control.uninstall(self.emulator, shop, self.body))

    def _health(self) -> None:
        self._json(*control.health(self.emulator))
