"""What POST /api/jobs checks before a job or a credit exists: the music choice (library only, never a path)
and the product itself (this shop's, with something to make a video from)."""

from __future__ import annotations

import json

import pytest

from tests.jobs.fixtures import TEST_SHOP, add_product
from videos.jobs.credits import account_for
from videos.jobs.models import VideoJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(client, shopify_emulator):  # noqa: ANN201
    def request(method: str, path: str, body: dict):  # noqa: ANN202
        headers = {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}
        return client.generic(method, f"/api/{path}", json.dumps(body),
                              content_type="application/json", headers=headers)

    return request


def credits_of(shop) -> tuple[int, int]:  # noqa: ANN001
    account = account_for(shop)
    return account.available, account.frozen


@pytest.mark.parametrize(("method", "path", "field", "extra"), [
    ("POST", "jobs", "music", {"product_id": "1"}),
    ("PUT", "settings", "default_music", {}),
])
def test_music_paths_are_refused_alike_whether_the_file_exists_or_not(send, shopify_shop, tmp_path, method, path,
                                                                        field, extra):
    existing = tmp_path / "song.mp3"
    existing.write_bytes(b"ID3" + b"\0" * 500)

    def answer(choice: str) -> tuple[int, dict]:
        response = send(method, path, {**extra, field: choice})
        return response.status_code, response.json()

    status, body = answer(str(existing))
    assert status == 400 and field in body["error"]["fields"]
    assert answer(str(tmp_path / "gone.mp3")) == (status, body)
    assert answer("song.mp3") == answer("../../etc/passwd") == answer("/etc/passwd") == (status, body)
    assert not VideoJob.objects.exists()


@pytest.mark.parametrize("choice", ["none", "auto", "calm", "mood:playful", "chill"])
def test_library_music_is_accepted(send, shopify_shop, choice):
    response = send("PUT", "settings", {"default_music": choice})

    assert response.status_code == 200 and response.json()["default_music"] == choice


def test_a_library_track_by_name_is_accepted(send, shopify_shop, client, shopify_emulator):
    headers = {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}
    name = client.get("/api/music", headers=headers).json()[0]["name"]

    assert send("PUT", "settings", {"default_music": name}).status_code == 200
    assert send("PUT", "settings", {"default_music": f"music:{name}"}).status_code == 200


def test_a_job_for_a_product_the_shop_does_not_have_is_a_404(send, shopify_shop, shopify_emulator):
    other = "other-shop.myshopify.com"
    shopify_emulator.install(other)
    theirs = shopify_emulator.products(other)[0]["id"]
    before = credits_of(shopify_shop)

    for product_id in (theirs, "gid://shopify/Product/999999999"):
        response = send("POST", "jobs", {"product_id": product_id})

        assert response.status_code == 404 and response.json()["error"]["code"] == "product_not_found"
    assert not VideoJob.objects.exists() and credits_of(shopify_shop) == before


def test_a_job_for_a_product_without_photos_is_a_422(send, shopify_shop, shopify_emulator):
    bare = add_product(shopify_emulator, "Photo-less Scarf", [])
    before = credits_of(shopify_shop)

    response = send("POST", "jobs", {"product_id": bare})

    assert response.status_code == 422 and response.json()["error"]["code"] == "no_media"
    assert "photo" in response.json()["error"]["message"]
    assert not VideoJob.objects.exists() and credits_of(shopify_shop) == before


def test_a_job_for_a_product_with_photos_is_made(send, shopify_shop, tiny_product):
    product = tiny_product()

    response = send("POST", "jobs", {"product_id": product, "duration": 2, "music": "none"})

    assert response.status_code == 201 and response.json()["product_id"] == product
