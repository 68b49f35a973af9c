"""What a job shows of its product before any stage has run: the title and photo, read for every product
of a request in one Admin API `nodes` query. Shopify not answering leaves them blank (the fetch stage fills
the title in later); it never stops a job from being made."""

from __future__ import annotations

import logging

from shopify_app.admin_api.operations import ProductSummary
from shopify_app.models import Shop

log = logging.getLogger(__name__)


def product_cards(shop: Shop, product_ids: list[str]) -> dict[str, ProductSummary]:
    """{gid: summary} for the products Shopify knows; {} when it can't be asked now."""
    from shopify_app import services as shopify_services
    from shopify_app.admin_api import operations
    from shopify_app.admin_api.errors import ShopifyError

    if not product_ids:
        return {}
    try:
        return operations.get_products(shopify_services.admin_client(shop), product_ids)
    except ShopifyError as exc:
        log.info("jobs: product titles for %s not read now: %s", shop.domain, exc.message)
        return {}
