"""The API side of "Keep videos up to date": the setting, the out-of-date list the home page shows, the
out-of-date note on products and jobs, and the one-click remake ("Ask me")."""

from __future__ import annotations

import pytest

from devtools.shopify_emulator.product_webhooks import edit_product
from tests.jobs.fixtures import TEST_SHOP
from tests.keep_current.test_keep_current import FAST, after_quiet, made_video
from videos.jobs.models import JobStatus, VideoJob

pytestmark = pytest.mark.django_db


def test_the_setting_is_off_by_default_and_takes_only_known_modes(api):
    assert api.get("settings").json()["keep_current"] == "off"

    refused = api.put("settings", {"keep_current": "sometimes"})
    chosen = api.put("settings", {"keep_current": "ask"})

    assert refused.status_code == 400 and "keep_current" in refused.json()["error"]["fields"]
    assert chosen.status_code == 200
    assert (chosen.json()["keep_current"], chosen.json()["keep_current_note"]) == ("ask", "")


def test_ask_me_lists_the_out_of_date_video_and_one_click_remakes_it(api, shopify_shop, shopify_emulator,
                                                                      tiny_product, deliver):
    # Given "Ask me" and a video showing $48.00
    assert api.put("settings", {"keep_current": "ask"}).status_code == 200
    product = tiny_product(price="48.00", count=3)
    old = made_video(shopify_shop, product, deliver)

    # When the price changes
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200]

    # Then the home page's list, the product and the job say so, and nothing is remade unasked
    [listed] = api.get("products/out-of-date").json()["products"]
    assert (listed["product_id"], listed["job_id"], listed["reason"], listed["remake_at"]) == (
        product, str(old.pk), "price changed from $48.00 to $39.00", None)
    assert listed["since"] and listed["changes"] == ["price changed from $48.00 to $39.00"]
    assert api.get(f"jobs/{old.pk}").json()["out_of_date"]["reason"] == listed["reason"]
    [card] = [p for p in api.get("products").json()["products"] if p["id"] == product]
    assert card["out_of_date"]["reason"] == listed["reason"]
    assert after_quiet()["started"] == 0

    # When the merchant clicks to remake it: one new job, same options and instruction
    made = api.post(f"jobs/{old.pk}/regenerate")
    again = api.post(f"jobs/{old.pk}/regenerate")

    assert made.status_code == 201, made.json()
    new = VideoJob.objects.get(pk=made.json()["id"])
    assert (new.options, new.instruction, new.status) == (old.options, old.instruction, JobStatus.QUEUED)
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_running"
    assert api.get("products/out-of-date").json()["products"] == []
    assert api.get(f"jobs/{old.pk}").json()["out_of_date"] is None


def test_regenerate_without_credits_is_a_402_and_makes_no_job(api, shopify_shop, tiny_product, deliver, credits_for):
    old = made_video(shopify_shop, tiny_product(), deliver, **FAST)
    credits_for(shopify_shop, 0)

    response = api.post(f"jobs/{old.pk}/regenerate")

    assert response.status_code == 402 and response.json()["error"]["code"] == "no_credits"
    assert VideoJob.objects.count() == 1
