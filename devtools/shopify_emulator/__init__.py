"""A Shopify emulator for tests and local runs (never production). See docs/shopify-emulator.md."""

from devtools.shopify_emulator.server import ShopifyEmulator
from devtools.shopify_emulator.state import Clock, FakeClock

__all__ = ["Clock", "FakeClock", "ShopifyEmulator"]
