"""A Shopify emulator for tests and local runs (never production). See docs/shopify-emulator.md."""

from shopify_app.emulator.server import ShopifyEmulator
from shopify_app.emulator.state import Clock, FakeClock

__all__ = ["Clock", "FakeClock", "ShopifyEmulator"]
