"""The Generate page's template cards show the product being edited (its own photo in each template), and the
sample stills for a product without photos."""

from __future__ import annotations

import pytest

from tests.jobs.fixtures import add_product
from tests.ui.helpers import SHOP, UI, script_errors, view
from tests.ui.test_accessibility import violations
from videos.composer.templates import TEMPLATES

pytestmark = pytest.mark.django_db(transaction=True)

OWN = ".template-card img[src*='/api/template-previews/']"
LOADED = "[...document.querySelectorAll('.template-card img')].every(i => i.complete && i.naturalWidth > 0)"


def test_the_template_cards_show_the_products_own_photo_and_samples_without_one(ui: UI) -> None:
    ui.install()
    cap = ui.product("Red Baseball Cap")
    bare = add_product(ui.emulator, "Plain Gift Card", [], domain=SHOP)

    # Given the Generate page of a product with photos
    page = ui.open("/app/generate", [("id", cap["id"])])
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Red Baseball Cap").wait_for()

    # Then every template card comes to show a still of this product, loaded, its alt naming the template
    page.wait_for_function(f"document.querySelectorAll(\"{OWN}\").length === {len(TEMPLATES)}")
    page.wait_for_function(LOADED)
    alts = generate.locator(".template-card img").evaluate_all("images => images.map(i => i.alt)")
    labels = generate.locator(".template-card .name").all_inner_texts()
    assert alts == [f"{label} template, shown with this product's photo" for label in labels]
    # and each radio is still named by its template alone
    assert generate.get_by_role("radio", name=labels[0], exact=True).count() == 1
    assert violations(page) == []
    ui.shot("generate-own-previews")  # docs/screenshot-generate.png is a copy of this one

    # When the merchant moves on to a product without photos
    with page.expect_response(lambda r: "/template-previews" in r.url and r.request.method == "GET") as answer:
        page.evaluate("h => { location.hash = h; }", f"#/generate/{bare.rsplit('/', 1)[-1]}")
    generate.get_by_role("heading", name="Generate video: Plain Gift Card").wait_for()

    # Then its cards keep the sample stills (not the previous product's)
    assert not any(t["own_photos"] for t in answer.value.json()["templates"])
    page.wait_for_function(LOADED)
    images = generate.locator(".template-card img")
    assert images.count() == len(TEMPLATES)
    assert all("/static/showreel/templates/" in src for src in images.evaluate_all("i => i.map(x => x.src)"))
    assert generate.locator(OWN).count() == 0
    assert not script_errors(ui)
