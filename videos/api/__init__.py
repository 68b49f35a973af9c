"""The JSON API under /api/ (DRF, session-token auth from the Shopify edge)."""
