"""Reads about shops (no side effects)."""

from __future__ import annotations

from shopify_app.models import Shop


def installed_shop(domain: str) -> Shop | None:
    """The shop if it is installed and holds a token, else None."""
    shop = Shop.objects.filter(domain=domain).first()
    return shop if shop is not None and shop.is_installed else None
