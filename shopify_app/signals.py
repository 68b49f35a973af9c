"""Signals other parts of Showreel connect to when a shop leaves.

`shop_uninstalled(sender=Shop, shop=<Shop>, shop_domain=str)`
    Sent after the app/uninstalled webhook erased the shop's tokens. Receivers cancel pending work for the
    shop (queued/running render jobs, uploads); the shop's data may stay until `shop_redacted`.

`shop_redacted(sender=Shop, shop=<Shop or None>, shop_domain=str)`
    Sent for the shop/redact compliance webhook (48 h after uninstall), before the Shop row is deleted.
    Receivers erase everything they hold for the shop: jobs, specs, rendered files, cached product photos.

`product_updated(sender=Shop, shop=<Shop>, shop_domain=str, payload=dict)`
    Sent for products/update (an installed shop only) with the REST product payload. Receivers must be quick
    (the delivery waits for them): record what changed and leave the work to a background task. A receiver
    raises ValueError for a payload it cannot read (the delivery is answered 400).

All three are sent inside the webhook's database transaction with `send()` (not `send_robust`): a receiver that
raises rolls the delivery back and the webhook answers 500, so Shopify delivers it again. Receivers must
therefore be idempotent (a repeated delivery may find half its work done).
"""

from __future__ import annotations

from django.dispatch import Signal

shop_uninstalled = Signal()
shop_redacted = Signal()
product_updated = Signal()
