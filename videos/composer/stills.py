"""A still of each template's title card, for golden-frame tests and template previews."""

from __future__ import annotations

from videos.composer.brand import BrandSettings, ComposeOptions
from videos.composer.compose import assemble, gather
from videos.composer.product import Product
from videos.spec import VideoSpec

STILL_DURATION_S = 2.0
STILL_TIME_S = 1.0


def template_still_spec(template_name: str, product: Product, *, aspect: str = "1:1", brand: BrandSettings | None = None) -> VideoSpec:
    """A 2 s spec: the hero photo with the template's title card, no music, text not animated, so the frame
    at `poster_time` (1 s) shows the title fully and is the same on every render."""
    ingredients = gather(product, brand or BrandSettings())
    ingredients.media = ingredients.media[:1]
    options = ComposeOptions(duration=STILL_DURATION_S, aspect=aspect, template=template_name, music="none",
                             show_price=False, show_badge=False, show_cta=False, show_logo=False)
    spec = assemble(ingredients, options)
    for segment in spec.segments_of("text"):
        segment.style = segment.style.model_copy(update={"animation": "none"})
    spec.poster_time = STILL_TIME_S
    spec.metadata["still"] = {"template": template_name, "time": STILL_TIME_S}
    return spec
