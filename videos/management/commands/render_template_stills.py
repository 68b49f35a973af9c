"""Render the template stills the Generate page shows on its template cards
(static/showreel/templates/<name>.jpg, served as `still_url` by /api/templates).

They are committed, so this runs only when a template's look changes:

    .venv/bin/python manage.py render_template_stills            # every template
    .venv/bin/python manage.py render_template_stills bold sale  # some

Each still is the composer's own title-card frame (`template_still_spec`) of the sample sneakers, rendered
by the local backend at STILL_SIDE px square, so a card shows what that template really looks like.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

STILL_SIDE = 360
STILLS_DIR = Path(__file__).resolve().parents[3] / "static" / "showreel" / "templates"
PHOTOS = Path(__file__).resolve().parents[3] / "examples" / "photos"


def render_still(name: str, out_dir: Path = STILLS_DIR) -> Path:
    from PIL import Image

    from videos.backends.local import LocalBackend
    from videos.composer import Product, ProductImage
    from videos.composer.stills import template_still_spec
    from videos.render.still import shrink

    product = Product(
        title="Blue Slip-On Sneakers",
        images=[ProductImage(PHOTOS / "slipon-blue-pair-angle.png", "Pair of blue slip-on sneakers")],
        price=Decimal("48.00"),
        compare_at_price=Decimal("60.00"),
        currency="USD",
    )
    spec = shrink(template_still_spec(name, product), STILL_SIDE)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.jpg"
    with tempfile.TemporaryDirectory() as tmp:
        poster = Path(tmp) / "poster.jpg"
        LocalBackend().render(spec, Path(tmp) / "still.mp4", poster=poster)
        with Image.open(poster) as image:
            image.convert("RGB").save(target, "JPEG", quality=85, optimize=True, progressive=True)
    return target


class Command(BaseCommand):
    help = "Render the template cards' stills (static/showreel/templates/) from the sample sneakers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("templates", nargs="*", help="template names (default: every template)")

    def handle(self, *args, **options) -> None:
        from videos.composer.templates import TEMPLATES

        names = options["templates"] or sorted(TEMPLATES)
        unknown = [n for n in names if n not in TEMPLATES]
        if unknown:
            raise CommandError(f"unknown template(s): {', '.join(unknown)}; choose from {', '.join(sorted(TEMPLATES))}")
        for name in names:
            self.stdout.write(str(render_still(name)))
