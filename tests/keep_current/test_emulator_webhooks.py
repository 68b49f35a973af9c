"""The emulator's products/update deliveries over real HTTP (what a local run sends to the app)."""

from __future__ import annotations

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from devtools.shopify_emulator.product_webhooks import edit_product, start_delivery
from shopify_app.signatures import verify_webhook_hmac


def test_a_merchant_edit_is_delivered_signed_with_the_products_media(shopify_emulator):
    received: queue.Queue = queue.Queue()

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put((dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shop = "delivery-test.myshopify.com"
    product = shopify_emulator.products(shop)[0]
    stop = start_delivery(shopify_emulator, f"http://127.0.0.1:{server.server_address[1]}/webhooks/shopify",
                          every_s=0.05)
    try:
        edit_product(shopify_emulator, shop, product["id"], price="39.00")
        headers, body = received.get(timeout=5)
    finally:
        stop.set()
        server.shutdown()

    verify_webhook_hmac(body, headers["X-Shopify-Hmac-Sha256"], shopify_emulator.api_secret)  # raises if not
    payload = json.loads(body)
    assert (headers["X-Shopify-Topic"], headers["X-Shopify-Shop-Domain"]) == ("products/update", shop)
    assert payload["admin_graphql_api_id"] == product["id"] and payload["variants"][0]["price"] == "39.00"
    assert [m["admin_graphql_api_id"] for m in payload["media"]] == [m["id"] for m in product["media"]]
