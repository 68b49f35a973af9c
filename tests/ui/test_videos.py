"""Making videos through the UI, end to end: the API, the job worker, the renderer (240 px, 8 fps), the
emulator's uploads and media. Each test renders up to three videos of a few seconds."""

from __future__ import annotations

import re

import pytest

from tests.ui.helpers import SHOP, UI, api_get, script_errors, view
from tests.ui.test_accessibility import violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Records every status the job page shows, to prove the merchant watched the stages go by.
WATCH_STATUS = """() => {
  window.__seen = [];
  const slot = document.querySelector('section[data-view="job"] [data-slot="status"]');
  const note = () => { const b = slot.querySelector('[data-status]'); if (b && window.__seen.at(-1) !== b.dataset.status) window.__seen.push(b.dataset.status); };
  new MutationObserver(note).observe(slot, {childList: true, subtree: true});
  note();
}"""


def wait_for_status(job, status: str, timeout: float = 30_000) -> None:  # noqa: ANN001
    job.locator(f'[data-slot="status"] [data-status="{status}"]').wait_for(timeout=timeout)


def facts(job) -> dict[str, str]:  # noqa: ANN001
    """The job page's details as {label: value}."""
    terms = job.locator('[data-slot="facts"] dt').all_inner_texts()
    values = job.locator('[data-slot="facts"] dd').all_inner_texts()
    return dict(zip(terms, values, strict=True))


def test_generate_with_a_chinese_instruction_watch_it_publish_it_edit_it(ui: UI) -> None:
    # Given a merchant who publishes by hand (a new shop's default)
    ui.install()
    cap = ui.product("Red Baseball Cap")
    # And the Generate page the product's "Generate video" admin link opens
    page = ui.open("/app/generate", [("id", cap["id"])])
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Red Baseball Cap").wait_for()
    generate.locator(".template-card img").first.wait_for()
    # Then the page says plainly what happens to the finished video
    generate.get_by_text("it goes on the product page only when you press Publish").wait_for()
    # When the merchant picks Bold, 5 seconds, and asks in Chinese for 10 seconds, vertical, cheerful music
    generate.get_by_role("radio", name=re.compile("^Bold")).check()
    generate.get_by_label("Length").select_option("5")
    generate.get_by_label("Anything else? Describe it in your own words").fill("做一个10秒的竖屏视频，音乐要欢快")
    generate.locator('[data-slot="understood"] li').nth(2).wait_for()
    assert generate.locator('[data-slot="unrecognised"]').is_hidden()
    page.wait_for_function("[...document.querySelectorAll('.template-card img')].every(i => i.complete)")
    ui.shot("generate")
    generate.get_by_role("button", name="Generate video").click()
    # Then the job page shows the stages live, ending in Ready
    job = view(page, "job")
    assert re.search(r"#/jobs/[0-9a-f-]{36}$", page.url)
    page.evaluate(WATCH_STATUS)
    job.locator('[data-slot="status"] [data-status]').wait_for()
    wait_for_status(job, "ready")
    seen = page.evaluate("window.__seen")
    assert seen[-1] == "ready" and len(seen) >= 2, seen  # at least one stage before "ready" was on screen
    # And the details state what was made, in words, as the API has it: the instruction won over the choices
    made = api_get(page, f"/jobs/{page.url.rsplit('/', 1)[-1]}")["made_with"]
    assert (made["duration"], made["aspect"], made["template"]) == (10.0, "9:16", "bold") and made["music"]
    shown = facts(job)
    assert shown["Length"] == "10 seconds" and shown["Shape"] == "Vertical (9:16)" and shown["Template"] == "Bold"
    assert shown["Music"] == made["music"].capitalize()
    assert "Timings" not in shown and "Length: 10 seconds" in shown["Changes asked for"]
    # And the video plays in the player, with its poster, 10 s long and vertical
    player = job.locator("video")
    assert player.get_attribute("poster")
    page.wait_for_function("v => v.readyState >= 2 && v.duration > 4", arg=player.element_handle())
    assert 9.5 <= player.evaluate("v => v.duration") <= 10.5
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("v => v.currentTime > 0.3", arg=player.element_handle())
    width, height = player.evaluate("v => [v.videoWidth, v.videoHeight]")
    assert height == 240 and width < height  # the tests' render size, vertical
    assert ui.page.request.get(player.get_attribute("poster")).headers["content-type"] == "image/jpeg"
    ui.shot("job-ready")
    # When the merchant publishes it to the product
    assert job.get_by_text("Not on the product page yet.").is_visible()
    assert not [m for m in ui.emulator.product_media(SHOP, cap["id"]) if m["kind"] == "VIDEO"]
    job.get_by_role("button", name="Publish to product").click()
    job.get_by_text("Published: the video is on the product page.").wait_for(timeout=30_000)
    # Then the product has the video in Shopify, READY
    videos = [m for m in ui.emulator.product_media(SHOP, cap["id"]) if m["kind"] == "VIDEO"]
    assert [m["status"] for m in videos] == ["READY"]
    # When the merchant asks for a change in plain words and re-renders
    first = page.url
    edit = job.locator('form[data-form="edit"]')
    edit.get_by_label("What should change?").fill("make it 3 seconds, no music")
    edit.locator('[data-slot="understood"] li').first.wait_for()
    edit.get_by_role("button", name="Re-render with changes").click()
    # Then a new job for the same product renders with the change applied, and says so
    page.wait_for_function("u => location.href !== u", arg=first)
    job = view(page, "job")
    wait_for_status(job, "ready")
    player = job.locator("video")
    page.wait_for_function("v => v.readyState >= 1", arg=player.element_handle())
    assert 2.5 <= player.evaluate("v => v.duration") <= 3.5
    assert job.get_by_role("heading", name="Red Baseball Cap").is_visible()
    shown = facts(job)
    assert (shown["Length"], shown["Music"], shown["Shape"]) == ("3 seconds", "No music", "Vertical (9:16)")
    assert "make it 3 seconds, no music" in shown["Instruction"]
    # When the new one is published, the first one says it was replaced and offers no Publish
    job.get_by_role("button", name="Publish to product").click()
    job.get_by_text("Published: the video is on the product page.").wait_for(timeout=30_000)
    page.goto(first)
    job = view(page, "job")
    job.get_by_text("A newer video replaced this one").wait_for()
    assert job.get_by_role("button", name="Publish to product").is_hidden()
    assert job.get_by_text("Replaced: a newer video is on the product page.").is_visible()
    # And home lists the product as having a video
    page.get_by_role("link", name="Products", exact=True).click()
    row = view(page, "home").locator(".product-row", has_text="Red Baseball Cap")
    row.get_by_text("Has video").wait_for()
    assert not script_errors(ui)


def test_bulk_generate_three_products_with_per_product_progress(ui: UI) -> None:
    # Given a shop that publishes by hand, whose merchant chooses three products with the resource picker
    # (App Bridge's inside the admin; its stand-in here)
    ui.install(auto_publish=False)
    titles = ["Red Baseball Cap", "Cold-Pressed Apple Juice", "Ripped Jeans"]
    page = ui.open("/app/")
    view(page, "home").get_by_role("button", name="Choose products for videos").click()
    picker = page.get_by_role("dialog", name="Choose products")
    for title in titles:
        picker.get_by_label(title).check()
    picker.get_by_text("3 selected").wait_for()
    picker.get_by_role("button", name="Select").click()
    bulk = view(page, "bulk")
    bulk.get_by_role("heading", name="3 selected products").wait_for()
    page.wait_for_function("!document.querySelector('[data-slot=selection]').innerText.includes('Loading')")
    assert sorted(bulk.locator('[data-slot="selection"] .product-title').all_inner_texts()) == sorted(titles)
    # When the options are set once for all and Generate is pressed
    bulk.get_by_label("Length").select_option("5")
    bulk.get_by_role("radio", name="No music").check()
    ui.shot("bulk")
    bulk.get_by_role("button", name="Generate 3 videos").click()
    # Then the batch page follows each product to Ready
    batch = view(page, "batch")
    assert re.search(r"#/batches/[0-9a-f-]{36}$", page.url)
    rows = batch.locator(".batch-row")
    rows.nth(2).wait_for()
    batch.get_by_text("All videos are ready").wait_for(timeout=60_000)
    assert rows.count() == 3
    assert [r.get_attribute("data-status") for r in rows.all()] == ["ready"] * 3
    assert sorted(batch.locator(".batch-row .product-title").all_inner_texts()) == sorted(titles)
    assert batch.get_by_role("progressbar", name="Batch progress").get_attribute("aria-valuenow") == "100"
    assert "3 ready" in batch.locator('[data-slot="counts"]').inner_text().lower()
    ui.shot("batch")
    assert not script_errors(ui)


def test_a_failed_job_shows_its_reason_and_retries(ui: UI) -> None:
    from videos.jobs import faults
    from videos.jobs.errors import JobError

    reason = "The photo “cap-red-front.png” could not be read. Replace it in Shopify and try again."

    def unreadable_photo() -> None:
        raise JobError("bad_photo", reason)

    remove = faults.on("fetching", unreadable_photo)
    cap = ui.product("Red Baseball Cap")
    page = ui.open("/app/generate", [("id", cap["id"])])
    generate = view(page, "generate")
    generate.get_by_label("Length").select_option("5")
    generate.get_by_role("button", name="Generate video").click()
    # Then the job fails and says why, in the merchant's words, at the stage where it stopped
    job = view(page, "job")
    wait_for_status(job, "failed")
    alert = job.get_by_role("alert")
    assert "This video could not be made" in alert.inner_text() and reason in alert.inner_text()
    assert "(failed here)" in job.locator('[data-stage="fetching"]').inner_text()
    ui.shot("job-failed")
    # When the cause is fixed and the merchant presses Retry
    remove()
    alert.get_by_role("button", name="Retry").click()
    # Then the same job runs again and ends Ready with a playable video
    wait_for_status(job, "ready")
    assert job.get_by_role("alert").count() == 0
    page.wait_for_function("v => v.readyState >= 2", arg=job.locator("video").element_handle())


def test_cancel_stops_a_running_job(ui: UI) -> None:
    import threading

    from videos.jobs import faults

    release = threading.Event()
    faults.on("fetching", lambda: release.wait(20))  # hold the job in its first stage
    jeans = ui.product("Ripped Jeans")
    page = ui.open("/app/generate", [("id", jeans["id"])])
    view(page, "generate").get_by_role("button", name="Generate video").click()
    job = view(page, "job")
    wait_for_status(job, "fetching")
    job.locator('[data-stage="fetching"].current').wait_for()
    ui.shot("job-progress")
    job.get_by_role("button", name="Cancel", exact=True).click()
    page.get_by_role("dialog", name="Cancel this video?").get_by_role("button", name="Cancel video").click()
    wait_for_status(job, "cancelled")
    release.set()
    assert job.get_by_role("button", name="Cancel").is_hidden()
    assert "Cancelled" in job.locator('[data-slot="banner"]').inner_text()


def test_compare_looks_then_make_the_picked_one(ui: UI) -> None:
    ui.install()
    jeans = ui.product("Ripped Jeans")
    page = ui.open("/app/generate", [("id", jeans["id"])])
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Ripped Jeans").wait_for()
    generate.get_by_label("Length").select_option("5")
    # When the merchant compares looks: three previews side by side, the chosen template first, no credit spent
    generate.get_by_role("button", name="Compare looks").click()
    cards = generate.locator(".look-card")
    cards.nth(2).wait_for()
    assert [c.locator("h3").inner_text() for c in cards.all()] == ["Clean", "Bold", "Luxe"]
    generate.locator(".look-card video").nth(2).wait_for(timeout=30_000)
    for player in generate.locator(".look-card video").all():
        page.wait_for_function("v => v.readyState >= 1 && v.duration > 4", arg=player.element_handle())
    ui.shot("generate-compare-looks")
    assert violations(page) == []
    assert api_get(page, "/credits")["available"] == 10
    # When the Bold look is picked, its video is made in full from that look, for one credit
    generate.get_by_role("button", name="Use Bold").click()
    job = view(page, "job")
    wait_for_status(job, "ready")
    assert facts(job)["Template"] == "Bold" and facts(job)["Length"] == "5 seconds"
    page.wait_for_function("() => document.querySelector('[data-slot=credits-badge]').innerText.includes('9 of 10')")
    assert not script_errors(ui)


def test_a_choice_made_while_the_shop_defaults_load_is_kept(ui: UI) -> None:
    # Given the shop's defaults (15 seconds) that arrive only after the merchant has picked a length
    ui.install()
    jeans = ui.product("Ripped Jeans")
    held: list = []
    ui.page.route(re.compile(r"/api/settings(\?|$)"), lambda route: held.append(route))
    page = ui.open("/app/generate", [("id", jeans["id"])])
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Ripped Jeans").wait_for()
    while not held:  # the page has asked for its defaults
        page.wait_for_timeout(50)
    generate.get_by_label("Length").select_option("5")
    # When the defaults arrive
    held[0].continue_()
    generate.locator(".template-card").first.wait_for()
    # Then the merchant's length stands
    assert generate.get_by_label("Length").input_value() == "5"
