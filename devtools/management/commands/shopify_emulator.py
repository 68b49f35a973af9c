"""Run the Shopify emulator on loopback for local development (see docs/shopify-emulator.md)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.shopify_emulator import ShopifyEmulator
from devtools.shopify_emulator.product_webhooks import start_delivery
from shopify_app.embedded import dev_session_enabled


class Command(BaseCommand):
    help = "Serve a Shopify stand-in (Admin GraphQL, OAuth, staged uploads, CDN) on 127.0.0.1."
    requires_system_checks: list[str] = []  # a test double: the app's checks are not its business

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8765, help="port (0 = any free port; default 8765)")
        parser.add_argument("--shop", action="append", default=[], help="pre-create this shop (repeatable)")
        parser.add_argument("--app-url", default=settings.SHOPIFY_APP_URL, help="where the app runs (for the admin stand-in)")
        parser.add_argument("--bucket-max", type=float, default=1000.0, help="GraphQL cost bucket size")
        parser.add_argument("--restore-rate", type=float, default=50.0, help="cost points restored per second")
        parser.add_argument("--webhook-url", default=None, help="where products/update deliveries go (default: the "
                            "app URL's /webhooks/shopify; 'none' keeps them queued)")

    def handle(self, *args, **options) -> None:
        if settings.SHOWREEL_ENV == "production" or not settings.SHOPIFY_EMULATOR_ENABLED:
            raise CommandError("the Shopify emulator is a development tool: refused (SHOWREEL_ENV=production "
                               "or SHOPIFY_EMULATOR_ENABLED is off)")
        emulator = ShopifyEmulator(
            api_key=settings.SHOPIFY_API_KEY,
            api_secret=settings.SHOPIFY_API_SECRET,
            host=options["host"],
            port=options["port"],
            app_url=options["app_url"].rstrip("/"),
            scopes=settings.SHOPIFY_SCOPES,
            dev_session=dev_session_enabled(),
            bucket_max=options["bucket_max"],
            restore_rate=options["restore_rate"],
        )
        shops = options["shop"] or ["showreel-dev.myshopify.com"]
        for shop in shops:
            emulator.shop(shop)
        emulator.start()
        webhook_url = options["webhook_url"] or (f"{options['app_url'].rstrip('/')}/webhooks/shopify"
                                                 if options["app_url"] else "none")
        if webhook_url != "none":
            start_delivery(emulator, webhook_url)
        base = emulator.base_url
        self.stdout.write(f"Shopify emulator on {base}\n  export SHOPIFY_ADMIN_BASE={base}")
        for shop in shops:
            self.stdout.write(f"  admin for {shop}: {base}/shops/{shop}/admin/apps/{settings.SHOPIFY_API_KEY}/")
        self.stdout.write(f"  products/update webhooks: {webhook_url}")
        self.stdout.write(f"  dev session tokens: {'on' if emulator.dev_session else 'off (SHOPIFY_DEV_SESSION=1)'}")
        self.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stdout.write("stopping")
        finally:
            emulator.stop()
