"""The API behind the admin UI's figures: one job at a time per product (409 naming the running one), what a
job is made with (the instruction applied), product cards for many ids in one Admin API query, an
instruction checked against what can be made, and new shops publishing by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.jobs.fixtures import TEST_SHOP
from videos.jobs.models import VideoJob

pytestmark = pytest.mark.django_db
FAST = {"duration": 2, "music": "none"}


@pytest.fixture
def call(client, shopify_shop, shopify_emulator):  # noqa: ANN001, ANN201
    """`call(method, path, body)` as the shop's embedded UI: (status, JSON)."""

    def send(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}
        if method == "GET":
            response = client.get(f"/api/{path}", body or {}, headers=headers)
        else:
            response = client.post(f"/api/{path}", body or {}, content_type="application/json", headers=headers)
        return response.status_code, response.json()

    return send


def test_a_second_job_for_a_product_with_one_unfinished_is_a_409_naming_it(call, tiny_product) -> None:  # noqa: ANN001
    product = tiny_product("Mug")
    status, first = call("POST", "jobs", {"product_id": product, **FAST})
    assert status == 201
    # The job stored the product's title and photo when it was made (before any stage ran)
    assert first["product_title"] == "Mug 1" and first["product_image_url"].startswith("http")

    status, body = call("POST", "jobs", {"product_id": product, **FAST})

    assert status == 409
    assert body["error"]["code"] == "job_running" and body["error"]["job_id"] == first["id"]
    assert VideoJob.objects.filter(product_id=product).count() == 1


def test_made_with_applies_the_instruction_to_the_choices(call, tiny_product) -> None:  # noqa: ANN001
    status, job = call("POST", "jobs", {"product_id": tiny_product(), "duration": 15, "template": "bold",
                                        "instruction": "做一个10秒的竖屏视频，音乐要欢快"})

    assert status == 201
    made = job["made_with"]
    assert (made["duration"], made["aspect"], made["template"], made["template_label"]) == (10.0, "9:16", "bold", "Bold")
    assert made["music"] == "sunrise"  # the upbeat bed, the track that will actually play
    assert job["interpretation"]["unrecognised"] == []


def test_product_cards_come_from_one_nodes_query_and_name_the_missing(call, tiny_product) -> None:  # noqa: ANN001
    mug, cup = tiny_product("Mug"), tiny_product("Cup")
    unknown = "gid://shopify/Product/999999"

    status, body = call("GET", "products/cards", {"ids": ",".join([mug.rsplit("/", 1)[-1], cup, unknown])})

    assert status == 200
    assert [p["title"] for p in body["products"]] == ["Mug 1", "Cup 2"]
    assert all(p["thumbnail_url"].startswith("http") and p["media_count"] == 2 for p in body["products"])
    assert body["missing"] == [unknown]
    status, body = call("GET", "products/cards", {"ids": "not-a-product"})
    assert status == 400 and body["error"]["code"] == "invalid"


def test_the_preview_says_what_cannot_be_made_and_covers_music_then_mood(call) -> None:  # noqa: ANN001
    status, body = call("POST", "instructions/preview", {"instruction": "做成100分钟的视频"})

    # Flagged by the instruction reader (a conflict) or refused when applied (a 400 on the field): the UI shows
    # either as the field's error; what must not happen is a 100-minute length going through.
    if status == 400:
        assert body["error"]["fields"]["instruction"]
    else:
        assert status == 200 and body["understood"] == [] and "100" in " ".join(body["conflicts"])
    status, body = call("POST", "instructions/preview", {"instruction": "音乐要欢快"})
    assert status == 200 and body["unrecognised"] == [] and len(body["understood"]) == 1


def test_a_new_shop_publishes_by_hand_until_it_turns_auto_publish_on(db) -> None:  # noqa: ANN001
    from shopify_app.models import Shop
    from videos.jobs import services

    shop = Shop.objects.create(domain="fresh-shop.myshopify.com")

    assert services.shop_settings(shop).auto_publish is False


def test_compare_looks_makes_three_previews_free_and_the_pick_renders_that_spec(call, tiny_product, settings) -> None:  # noqa: ANN001
    from datetime import timedelta

    from django.utils import timezone

    from shopify_app.models import Shop
    from videos.jobs.credits import account_for
    from videos.jobs.models import CreditAccount
    from videos.looks.models import LookSet
    from videos.looks.services import make_looks

    settings.SHOWREEL_LOOKS_PER_DAY = 1
    product = tiny_product("Mug")
    account = account_for(Shop.objects.get())
    before = (account.available, account.frozen)

    status, looks = call("POST", "looks", {"product_id": product, "template": "luxe", "duration": 3, "music": "none"})

    assert status == 202 and [look["template"] for look in looks["looks"]][0] == "luxe" and len(looks["looks"]) == 3
    assert make_looks(looks["id"]) == "ready"
    status, looks = call("GET", f"looks/{looks['id']}")
    assert status == 200 and looks["status"] == "ready" and all(look["video_url"] for look in looks["looks"])
    account.refresh_from_db()
    assert (account.available, account.frozen) == before  # previews cost no credit
    # Past the day's cap another set is refused
    status, body = call("POST", "looks", {"product_id": product})
    assert status == 429 and body["error"]["code"] == "looks_cap"
    # Picking one makes a job from that look's own spec, which takes the credit
    status, job = call("POST", f"looks/{looks['id']}/pick", {"template": "bold"})
    assert status == 201 and job["options"]["template"] == "bold"
    made = VideoJob.objects.get(pk=job["id"])
    assert made.spec == LookSet.objects.get().looks["bold"]["spec"] and made.spec["metadata"]["template"] == "bold"
    assert made.product_title == "Mug 1" and made.product_image_url.startswith("http")
    assert CreditAccount.objects.get(pk=account.pk).available == before[0] - 1
    from videos.jobs.pipeline import first_stage

    assert first_stage(made) == "rendering"  # the look's photos and spec are used as they are
    # A set whose worker was lost reads as failed after a while, so the page stops waiting for it
    from videos.looks.services import shown_status

    stalled = LookSet.objects.create(shop=Shop.objects.get(), product_id=product, templates=["clean"])
    LookSet.objects.filter(pk=stalled.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    stalled.refresh_from_db()
    assert shown_status(stalled)[0] == "failed" and shown_status(LookSet.objects.get(pk=looks["id"]))[0] == "ready"
    LookSet.objects.filter(pk=stalled.pk).delete()
    # Days later the previews and their photos are removed
    from videos.jobs import files
    from videos.looks.services import remove_old_looks, work_dir

    kept = LookSet.objects.get()
    stored = kept.looks["bold"]["video_file"]
    assert files.exists(stored) and work_dir(kept).is_dir()
    LookSet.objects.update(created_at=timezone.now() - timedelta(days=4))
    assert remove_old_looks() == 1
    assert not files.exists(stored) and not work_dir(kept).exists() and not LookSet.objects.exists()
