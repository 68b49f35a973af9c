"""The sample catalogue every emulated shop starts with, built from the photos in examples/photos/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

PHOTOS_DIR = Path(settings.BASE_DIR) / "examples" / "photos"

SAMPLE_PRODUCTS: list[dict] = [
    {
        "title": "Blue Slip-On Sneakers",
        "handle": "blue-slip-on-sneakers",
        "description_html": "<p>Lightweight canvas slip-ons in ocean blue, with a cushioned insole for all-day wear.</p>",
        "vendor": "Showreel Sample Co.",
        "product_type": "Shoes",
        "tags": ["sneakers", "shoes", "summer"],
        "price": "48.00",
        "compare_at": "60.00",
        "images": [
            ("slipon-blue-side.png", "Blue slip-on sneaker, side view"),
            ("slipon-blue-top.png", "Blue slip-on sneaker, from above"),
            ("slipon-blue-pair-angle.png", "Pair of blue slip-on sneakers"),
        ],
    },
    {
        "title": "Red Baseball Cap",
        "handle": "red-baseball-cap",
        "description_html": "<p>Six-panel cotton cap with an adjustable strap.</p>",
        "vendor": "Showreel Sample Co.",
        "product_type": "Hats",
        "tags": ["cap", "accessories"],
        "price": "24.00",
        "compare_at": None,
        "images": [
            ("cap-red-front.png", "Red cap, front"),
            ("cap-red-three-quarter.png", "Red cap, three-quarter view"),
        ],
    },
    {
        "title": "Cold-Pressed Apple Juice",
        "handle": "cold-pressed-apple-juice",
        "description_html": "<p>Pressed from orchard apples, nothing added.</p>",
        "vendor": "Orchard Sample Drinks",
        "product_type": "Beverages",
        "tags": ["juice", "drinks"],
        "price": "6.50",
        "compare_at": "8.00",
        "images": [
            ("juice-bottle-apple-on-white.jpg", "Bottle of apple juice"),
            ("juice-bottles-row-banner.jpg", "A row of juice bottles"),
        ],
    },
    {
        "title": "Ripped Jeans",
        "handle": "ripped-jeans",
        "description_html": "<p>High-rise denim with distressed knees.</p>",
        "vendor": "Showreel Sample Co.",
        "product_type": "Jeans",
        "tags": ["denim", "jeans"],
        "price": "79.00",
        "compare_at": None,
        "images": [("jeans-woman-ripped-lifestyle.jpg", "Woman wearing ripped jeans")],
    },
]

SAMPLE_FILES = frozenset(name for product in SAMPLE_PRODUCTS for name, _ in product["images"])


@cache
def image_size(name: str) -> tuple[int | None, int | None]:
    from PIL import Image  # header only; the pixels are never decoded here

    try:
        with Image.open(PHOTOS_DIR / name) as image:
            return image.size
    except OSError:
        return None, None
