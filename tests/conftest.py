"""Fixtures shared by every area's tests. Each area adds its own marked section."""

# --- Shopify edge (Shopify engineer): the Shopify emulator and an installed shop -------------------
# shopify_emulator (fresh emulated Shopify per test, SHOPIFY_ADMIN_BASE set), shopify_shop (installed Shop
# row), shopify_transport (Admin API transport that records waits). See shopify_app/emulator/testing.py.
from shopify_app.emulator.testing import (  # noqa: F401
    shopify_emulator,
    shopify_emulator_server,
    shopify_shop,
    shopify_transport,
)
