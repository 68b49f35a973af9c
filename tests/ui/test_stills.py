"""The template stills the Generate page shows (static/showreel/templates/, made by `manage.py render_template_stills`)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from PIL import Image

from videos.composer.templates import TEMPLATES
from videos.management.commands.render_template_stills import STILL_SIDE


def test_every_template_has_a_square_still_served_as_a_static_file() -> None:
    for name in TEMPLATES:
        path = finders.find(f"showreel/templates/{name}.jpg")
        assert path, f"no still for template {name!r}: run `manage.py render_template_stills {name}`"
        with Image.open(path) as still:
            assert still.format == "JPEG" and still.size == (STILL_SIDE, STILL_SIDE)


def test_the_stills_of_two_templates_differ() -> None:
    # Each still is that template's own title card, not a shared placeholder.
    pixels = {}
    for name in TEMPLATES:
        with Image.open(finders.find(f"showreel/templates/{name}.jpg")) as still:
            pixels[name] = still.convert("L").resize((16, 16)).tobytes()
    assert len(set(pixels.values())) == len(TEMPLATES)
