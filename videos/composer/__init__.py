"""The showcase composer: decides what a good product video is and writes it as a `VideoSpec`.

    from videos.composer import BrandSettings, ComposeOptions, Product, compose
    spec = compose(Product.load("examples/products/sneakers.json"), BrandSettings(locale="de"),
                   ComposeOptions(duration=15, aspect="9:16", template="bold"))
"""

from videos.composer.brand import BrandSettings, ComposeOptions
from videos.composer.compose import compose
from videos.composer.errors import ComposeError
from videos.composer.product import Product, ProductImage, ProductVideo

__all__ = ["BrandSettings", "ComposeError", "ComposeOptions", "Product", "ProductImage", "ProductVideo", "compose"]
