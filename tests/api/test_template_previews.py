"""GET /api/products/<number>/template-previews: the template cards' stills drawn from the product's own hero
photo (downloaded once, rendered once, then read from disk), the sample stills when it has none, and every
failure a JSON 4xx or a fallback, never a 500."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.contrib.staticfiles import finders
from PIL import Image, ImageDraw

from tests.jobs.fixtures import TEST_SHOP, add_product
from videos.composer.templates import TEMPLATES

pytestmark = pytest.mark.django_db

GREEN = (30, 190, 70)  # in none of the sample stills, so a preview showing it was drawn from this photo


@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path):  # noqa: ANN001, ANN201
    # Photo URLs on the fake CDN repeat from test to test with other bytes; each test gets an empty cache.
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def api(client, shopify_shop, shopify_emulator):  # noqa: ANN001, ANN201
    def get(path: str, shop: str = TEST_SHOP, **params):  # noqa: ANN003, ANN202
        token = shopify_emulator.session_token(shop)
        return client.get(f"/api/{path}", params, headers={"Authorization": f"Bearer {token}"})

    return get


def green_photo() -> bytes:
    """A green disc on white, as merchants shoot products."""
    image = Image.new("RGB", (240, 240), (255, 255, 255))
    ImageDraw.Draw(image).ellipse((40, 40, 200, 200), fill=GREEN)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def green_share(jpeg: bytes) -> float:
    rgb = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)
    return float((np.abs(rgb - np.array(GREEN)).sum(axis=2) < 60).mean())


def number(gid: str) -> str:
    return gid.rsplit("/", 1)[-1]


def sample_urls(api) -> dict[str, str]:  # noqa: ANN001
    return {t["name"]: t["still_url"] for t in api("templates").json()}


def test_a_product_with_a_photo_previews_every_template_from_it_and_caches_both(
        api, client, shopify_emulator, fake_cdn, settings):  # noqa: ANN001
    # given a product whose hero photo is a green disc, and a second photo that is never needed
    hero = fake_cdn.add("hero.jpg", green_photo(), "image/jpeg")
    other = fake_cdn.add("other.jpg", green_photo(), "image/jpeg")
    product = add_product(shopify_emulator, "Green Ball", [hero, other])

    # when the Generate page asks for its template previews
    response = api(f"products/{number(product)}/template-previews", aspect="1:1")

    # then every template has a still of its own, drawn from that photo (green), unlike the sample stills
    assert response.status_code == 200, response.content
    previews = response.json()["templates"]
    assert [p["name"] for p in previews] == list(TEMPLATES)
    assert all(p["own_photos"] for p in previews)
    samples = sample_urls(api)
    stills = {}
    for preview in previews:
        assert preview["still_url"] != samples[preview["name"]]
        still = client.get(preview["still_url"])
        assert still.status_code == 200 and still["Content-Type"] == "image/jpeg"
        stills[preview["name"]] = b"".join(still.streaming_content)
        with open(finders.find(f"showreel/templates/{preview['name']}.jpg"), "rb") as handle:
            sample = handle.read()
        assert green_share(stills[preview["name"]]) > 0.03 > 0.005 > green_share(sample), preview["name"]
        width, height = Image.open(io.BytesIO(stills[preview["name"]])).size
        assert width == height  # 1:1
    assert len(set(stills.values())) == len(TEMPLATES)
    # and only the hero photo was downloaded, once
    assert fake_cdn.hits == {"/files/hero.jpg": 1}
    written = {p: p.stat().st_mtime_ns for p in (settings.VAR_DIR / "template-previews").rglob("*.jpg")}
    assert len(written) == len(TEMPLATES) + 1  # the stills and the photo

    # when the page is opened again
    again = api(f"products/{number(product)}/template-previews").json()["templates"]

    # then the same stills come from disk: no second download, nothing drawn again
    assert all(p["own_photos"] for p in again)
    assert fake_cdn.hits == {"/files/hero.jpg": 1}
    assert {p: p.stat().st_mtime_ns for p in (settings.VAR_DIR / "template-previews").rglob("*.jpg")} == written
    assert [b"".join(client.get(p["still_url"]).streaming_content) for p in again] == list(stills.values())


def test_a_product_without_photos_gets_the_sample_stills(api, shopify_emulator):
    product = add_product(shopify_emulator, "No Photos", [])

    previews = api(f"products/{number(product)}/template-previews").json()["templates"]

    samples = sample_urls(api)
    assert [(p["name"], p["still_url"], p["own_photos"]) for p in previews] == \
        [(name, samples[name], False) for name in TEMPLATES]


@pytest.mark.parametrize("photo", ["missing", "not an image"])
def test_a_photo_that_cannot_be_used_falls_back_to_the_sample_stills(api, shopify_emulator, fake_cdn, photo):
    url = fake_cdn.add("broken.jpg", b"\xff\xd8 not really a JPEG", "image/jpeg") if photo == "not an image" \
        else f"{fake_cdn.base_url}/files/gone.jpg"
    product = add_product(shopify_emulator, "Broken Photo", [url])

    response = api(f"products/{number(product)}/template-previews")

    assert response.status_code == 200
    samples = sample_urls(api)
    assert [(p["still_url"], p["own_photos"]) for p in response.json()["templates"]] == \
        [(samples[name], False) for name in TEMPLATES]


def test_another_shops_product_and_bad_requests_are_json_errors(api, client, shopify_emulator, fake_cdn):
    from shopify_app import services as shopify_services
    from shopify_app.admin_api.oauth import TokenGrant

    other = "other-shop.myshopify.com"
    answer = shopify_emulator.install(other)
    shopify_services.store_grant(other, TokenGrant(access_token=answer["access_token"], scopes=answer["scope"].split(",")))
    theirs = add_product(shopify_emulator, "Their Thing", [fake_cdn.add("theirs.jpg", green_photo(), "image/jpeg")],
                         domain=other)

    cases = [
        (api(f"products/{number(theirs)}/template-previews"), 404, "not_found"),  # another shop's product
        (api("products/not-a-number/template-previews"), 404, "not_found"),
        (api(f"products/{number(theirs)}/template-previews", aspect="2:1"), 400, "invalid"),
        (client.get("/api/template-previews/forged-token"), 404, "not_found"),
    ]

    for response, status, code in cases:
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.content
    assert fake_cdn.hits == {}  # nothing of theirs was downloaded
    # while the owner sees its own photo
    assert api(f"products/{number(theirs)}/template-previews", shop=other).json()["templates"][0]["own_photos"]
