"""Keep videos up to date, driven through the emulator: a merchant's edit fires products/update, the webhook
marks the video out of date, and the sweep remakes it once the edits have been quiet for the set period."""

from __future__ import annotations

import time

import pytest

from devtools.shopify_emulator.product_webhooks import edit_product, pending
from tests.jobs.fixtures import TEST_SHOP, photo_bytes
from tests.keep_current.conftest import QUIET_S
from videos.jobs import preferences, services
from videos.jobs.freshness import selectors as freshness
from videos.jobs.freshness.services import start_due
from videos.jobs.models import JobStatus, ProductFreshness, VideoJob
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

FAST = {"duration": 9, "music": "none"}  # with 3 photos: title, then price, then the end card


def made_video(shop, product, deliver, **options) -> VideoJob:  # noqa: ANN001, ANN003
    """A READY video on the product; the products/update its own attach fired is delivered."""
    job = services.create_job(shop, product, {**FAST, **options}, "end with 'Shop now'")
    assert run_job(job.pk) == JobStatus.READY
    codes = deliver()
    assert codes and set(codes) == {200}
    job.refresh_from_db()
    return job


def shown_text(job: VideoJob, role: str) -> list[str]:
    return [segment["text"] for track in job.spec["tracks"] for segment in track["segments"]
            if segment.get("type") == "text" and segment.get("role") == role]


def after_quiet() -> dict[str, int]:
    time.sleep(QUIET_S + 0.05)
    return start_due()


def test_price_change_remakes_the_video_once_after_the_quiet_period_with_the_new_price(
        shopify_shop, shopify_emulator, tiny_product, deliver):
    # Given a video made by the app showing $48.00, and "Keep videos up to date" set to automatically
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    old = made_video(shopify_shop, product, deliver)
    assert shown_text(old, "price") == ["$48.00"]

    # When the merchant puts it on sale for $39.00
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200]

    # Then it is out of date at once, in the merchant's words, but nothing starts before the edits settle
    row = ProductFreshness.objects.get(product_id=product)
    assert row.reason == "price changed from $48.00 to $39.00"
    assert start_due() == {"started": 0, "asked": 0, "skipped": 0}
    # And after the quiet period exactly one remake starts, with the same options and instruction
    assert after_quiet()["started"] == 1
    assert start_due()["started"] == 0
    new = VideoJob.objects.exclude(pk=old.pk).get(product_id=product)
    assert (new.parent_id, new.options, new.instruction) == (old.pk, old.options, old.instruction)
    assert freshness.out_of_date(shopify_shop) == {}  # being remade: no longer listed

    # And the new video shows the new price and replaces the old one on the product
    assert run_job(new.pk) == JobStatus.READY
    new.refresh_from_db()
    assert shown_text(new, "price") == ["$39.00"]
    assert set(deliver()) == {200}  # its own attach and the old video's removal
    row.refresh_from_db()
    assert (row.job_id, row.reason) == (new.pk, "")
    assert after_quiet()["started"] == 0
    assert VideoJob.objects.filter(product_id=product).count() == 2


def test_a_photo_swap_remakes_once(shopify_shop, shopify_emulator, tiny_product, fake_cdn, deliver):
    product = tiny_product(count=2)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    old = made_video(shopify_shop, product, deliver)
    first, second = [item["url"] for item in old.inputs["images"]]

    # When the merchant replaces the first photo with a new one
    new_photo = fake_cdn.add("swapped.png", photo_bytes(40))
    edit_product(shopify_emulator, TEST_SHOP, product, photos=[new_photo, second])
    assert deliver() == [200]

    assert ProductFreshness.objects.get(product_id=product).reason == "a photo was replaced"
    assert after_quiet()["started"] == 1
    new = VideoJob.objects.exclude(pk=old.pk).get(product_id=product)
    assert run_job(new.pk) == JobStatus.READY
    new.refresh_from_db()
    assert [item["url"] for item in new.inputs["images"]] == [new_photo, second] and first != new_photo


def test_inventory_tags_description_and_the_apps_own_media_trigger_nothing(
        shopify_shop, shopify_emulator, tiny_product, deliver):
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    job = services.create_job(shopify_shop, product, FAST)
    run_job(job.pk)
    own = pending(shopify_emulator)
    assert own and all(topic == "products/update" for topic, _, _ in own)  # the app's attach fired them

    assert set(deliver()) == {200}
    edit_product(shopify_emulator, TEST_SHOP, product, inventory=3, tags=["sale", "summer"],
                 description_html="<p>Now in a new fabric.</p>")
    assert deliver() == [200]

    assert not ProductFreshness.objects.exclude(reason="").exists()
    assert after_quiet()["started"] == 0
    assert VideoJob.objects.filter(product_id=product).count() == 1


def test_fifty_rapid_updates_give_one_job(shopify_shop, shopify_emulator, tiny_product, deliver):
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    old = made_video(shopify_shop, product, deliver)

    for n in range(50):
        edit_product(shopify_emulator, TEST_SHOP, product, price=f"{40 + n % 7}.00")
        assert deliver() == [200]
        start_due()  # the sweep runs meanwhile: still inside the quiet period
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200]

    assert after_quiet()["started"] == 1
    assert start_due()["started"] == 0
    assert VideoJob.objects.filter(product_id=product).exclude(pk=old.pk).count() == 1


def test_a_redelivered_webhook_is_handled_once(client, shopify_shop, shopify_emulator, tiny_product, deliver):
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    made_video(shopify_shop, product, deliver)
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    [(topic, domain, payload)] = pending(shopify_emulator)
    body, headers = shopify_emulator.webhook(topic, domain, payload, webhook_id="delivery-7")

    first = client.post("/webhooks/shopify", data=body, content_type="application/json", headers=headers)
    due = ProductFreshness.objects.get(product_id=product).due_at
    time.sleep(0.05)
    again = client.post("/webhooks/shopify", data=body, content_type="application/json", headers=headers)

    assert (first.status_code, again.status_code) == (200, 200) and b"already handled" in again.content
    assert ProductFreshness.objects.get(product_id=product).due_at == due  # the quiet period did not restart
    assert after_quiet()["started"] == 1


def test_an_older_delivery_arriving_late_changes_nothing(shopify_shop, shopify_emulator, tiny_product, deliver):
    from devtools.shopify_emulator.state import FakeClock
    from tests.jobs.fixtures import reinstall

    clock = FakeClock()
    shop = reinstall(shopify_emulator, clock=clock)
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shop, {"keep_current": "ask"})
    made_video(shop, product, deliver)
    edit_product(shopify_emulator, TEST_SHOP, product, price="45.00")
    clock.advance(5)
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    older, newer = pending(shopify_emulator)
    shopify_emulator.store.outbox[:] = [newer, older]  # Shopify does not promise order

    assert deliver() == [200, 200]

    assert ProductFreshness.objects.get(product_id=product).reason == "price changed from $48.00 to $39.00"


def test_off_by_default_marks_and_starts_nothing(shopify_shop, shopify_emulator, tiny_product, deliver):
    product = tiny_product(price="48.00", count=3)
    made_video(shopify_shop, product, deliver)

    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200]

    assert services.shop_settings(shopify_shop).keep_current == "off"
    assert not ProductFreshness.objects.exists() and after_quiet()["started"] == 0


def test_running_out_of_credits_falls_back_to_ask_me_and_says_so(
        shopify_shop, shopify_emulator, tiny_product, deliver, credits_for):
    products = [tiny_product(price="48.00", count=3) for _ in range(2)]
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    for product in products:
        made_video(shopify_shop, product, deliver)
    credits_for(shopify_shop, 1)

    for product in products:
        edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200, 200]
    outcome = after_quiet()

    assert (outcome["started"], outcome["asked"]) == (1, 1)
    prefs = services.shop_settings(shopify_shop)
    assert prefs.keep_current == "ask" and "credits ran out" in prefs.keep_current_note
    [listed] = freshness.out_of_date(shopify_shop).values()
    assert listed["reason"] == "price changed from $48.00 to $39.00" and listed["remake_at"] is None
    # Choosing a mode again clears the notice
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    assert services.shop_settings(shopify_shop).keep_current_note == ""


def test_switching_from_automatically_to_ask_me_cancels_the_pending_remake(
        shopify_shop, shopify_emulator, tiny_product, deliver):
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    made_video(shopify_shop, product, deliver)
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200]

    preferences.update_settings(shopify_shop, {"keep_current": "ask"})

    assert after_quiet()["started"] == 0
    [listed] = freshness.out_of_date(shopify_shop).values()
    assert listed["reason"] == "price changed from $48.00 to $39.00" and listed["remake_at"] is None


def test_a_video_the_merchant_took_off_the_product_is_no_longer_watched(
        shopify_shop, shopify_emulator, tiny_product, deliver):
    product = tiny_product(price="48.00", count=3)
    preferences.update_settings(shopify_shop, {"keep_current": "auto"})
    job = made_video(shopify_shop, product, deliver)
    edit_product(shopify_emulator, TEST_SHOP, product, price="39.00")
    assert deliver() == [200]

    with shopify_emulator.store.lock:  # the merchant deletes the video in the admin
        emu_shop = shopify_emulator.shop(TEST_SHOP)
        emu_product = emu_shop.product(product)
        emu_product.media_ids.remove(job.media_id)
        emu_shop.media.pop(job.media_id)
        shopify_emulator.store.product_changed(emu_shop, emu_product)
    assert deliver() == [200]

    assert not ProductFreshness.objects.exists() and after_quiet()["started"] == 0


def test_the_cluster_runs_the_remakes_every_minute():
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="showreel: keep videos up to date")

    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)
    assert import_string(schedule.func)() == {"started": 0, "asked": 0, "skipped": 0}
