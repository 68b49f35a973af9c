"""Browsing the embedded app without rendering anything: home, search and filter, bulk selection, the
Chinese instruction preview, settings, and the sign-in error state."""

from __future__ import annotations

import re

import pytest

from tests.ui.helpers import SHOP, UI, script_errors, view

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_lists_the_shops_products_with_credits_and_an_empty_job_list(ui: UI) -> None:
    # Given the app opened from the admin for the first time (installed by token exchange)
    page = ui.open("/app/")
    # Then every product is listed with its thumbnail, price and "No video", and a Generate button
    rows = page.locator(".product-row")
    rows.first.wait_for()
    assert rows.count() == len(ui.products) == 4
    cap = page.locator(".product-row", has_text="Red Baseball Cap")
    assert cap.locator("img.thumb").get_attribute("src").startswith(ui.emulator.base_url)
    assert "$24.00" in cap.inner_text() and "No video" in cap.inner_text()
    assert cap.get_by_role("link", name="Generate video for Red Baseball Cap").is_visible()
    # And the credits left and an empty "recent videos" state
    page.get_by_text("credits left").first.wait_for()
    assert re.search(r"\d+ credits? left", page.locator('[data-slot="credits-badge"]').inner_text())
    page.get_by_text("No videos yet").wait_for()
    ui.shot("home")
    assert not script_errors(ui)


def test_search_and_the_video_filter_narrow_the_list(ui: UI) -> None:
    page = ui.open("/app/")
    page.locator(".product-row").first.wait_for()
    # When the merchant searches for "cap"
    page.get_by_label("Search products").fill("cap")
    # Then only the cap is left
    page.wait_for_function("document.querySelectorAll('.product-row').length === 1")
    assert "Red Baseball Cap" in page.locator(".product-row").inner_text()
    # When the search is cleared and the filter asks for products that already have a video
    home = view(page, "home")
    home.get_by_label("Search products").fill("")
    home.get_by_label("Video", exact=True).select_option("true")
    # Then the empty state explains that nothing matches (no product has a video yet)
    page.get_by_text("No products match").wait_for()
    assert page.locator(".product-row").count() == 0


def test_bulk_selection_on_home_opens_bulk_with_the_chosen_products(ui: UI) -> None:
    page = ui.open("/app/")
    page.locator(".product-row").first.wait_for()
    bulk = page.get_by_role("button", name=re.compile("Generate .*videos"))
    assert bulk.is_disabled()
    # When two products are ticked (keyboard: the checkboxes are real, labelled inputs)
    page.get_by_label("Select Red Baseball Cap").check()
    page.get_by_label("Select Ripped Jeans").press("Space")
    assert page.get_by_text("2 selected").is_visible()
    bulk.click()
    # Then the bulk page lists exactly those two, in their details
    page.locator('section[data-view="bulk"]').wait_for()
    page.get_by_role("heading", name="2 selected products").wait_for()
    titles = page.locator('[data-slot="selection"] .product-title')
    page.wait_for_function("!document.querySelector('[data-slot=selection]').innerText.includes('Product ')")
    assert sorted(titles.all_inner_texts()) == ["Red Baseball Cap", "Ripped Jeans"]
    assert page.get_by_role("button", name="Generate 2 videos").is_enabled()


def test_a_chinese_instruction_shows_what_was_understood(ui: UI) -> None:
    # Given the Generate page the product-details admin link opens
    juice = ui.product("Cold-Pressed Apple Juice")
    page = ui.open("/app/generate", [("id", juice["id"])])
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Cold-Pressed Apple Juice").wait_for()
    # When the merchant types an instruction in Chinese (30 s, vertical, upbeat music) with a word it can't use
    generate.get_by_label("Anything else? Describe it in your own words").fill("做成30秒的竖版视频，音乐要欢快，加一只猫")
    # Then the understood parts come back as chips, and the unknown word is shown as not understood
    understood = generate.locator('[data-slot="understood"] li')
    understood.first.wait_for()
    text = " ".join(understood.all_inner_texts())
    assert "30" in text and "9:16" in text, text
    assert re.search(r"upbeat|欢快", text), text
    assert "猫" in generate.locator('[data-slot="unrecognised"]').inner_text()
    ui.shot("generate-instruction-zh")
    assert not script_errors(ui)


def test_templates_show_their_stills_and_music_can_be_previewed(ui: UI) -> None:
    juice = ui.product("Cold-Pressed Apple Juice")
    page = ui.open("/app/generate", [("id", juice["id"])])
    cards = page.locator(".template-card")
    cards.first.wait_for()
    assert cards.count() >= 4
    # Every still loads (a broken image would be swapped for a placeholder)
    page.wait_for_function("[...document.querySelectorAll('.template-card img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator(".template-card .still-missing").count() == 0
    # A template is picked by keyboard like any radio button
    page.get_by_role("radio", name=re.compile("^Bold")).check()
    assert page.get_by_role("radio", name=re.compile("^Bold")).is_checked()
    # The play button previews a music bed (the WAV really loads) and toggles to pause
    play = page.locator(".play-btn").first
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("document.querySelector('.play-btn[aria-pressed=true]') !== null")


def test_settings_are_saved_and_bad_values_are_explained(ui: UI) -> None:
    page = ui.open("/app/", hash="#/settings")
    settings_view = view(page, "settings")
    form = settings_view.locator('form[data-form="settings"]')
    form.wait_for()
    # A colour that isn't #RRGGBB is refused in the page, with the reason
    form.get_by_label("Accent colour", exact=True).fill("red")
    form.get_by_role("button", name="Save").click()
    page.get_by_text("colour must look like #1A2B3C").wait_for()
    # Valid values are saved and still there after a reload
    form.get_by_label("Accent colour", exact=True).fill("#FF3B30")
    form.get_by_label("Template").select_option("sale")
    form.get_by_label("Publish finished videos to the product automatically").check()
    form.get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved").first.wait_for()
    page.reload()
    form.wait_for()
    assert form.get_by_label("Accent colour", exact=True).input_value().upper() == "#FF3B30"
    assert form.get_by_label("Template").input_value() == "sale"
    assert form.get_by_label("Publish finished videos to the product automatically").is_checked()
    ui.shot("settings")


def test_logo_upload_shows_the_logo_or_the_reason_it_was_refused(ui: UI, tmp_path) -> None:  # noqa: ANN001
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 40), (200, 30, 30, 255)).save(logo)
    not_an_image = tmp_path / "logo.png.txt"
    not_an_image.write_text("not a picture")
    page = ui.open("/app/", hash="#/settings")
    page.locator('form[data-form="settings"]').wait_for()
    page.get_by_label(re.compile("^Logo")).set_input_files(str(not_an_image))
    error = page.locator('[data-slot="logo-error"]')
    error.wait_for()
    assert error.inner_text().strip()
    page.get_by_label(re.compile("^Logo")).set_input_files(str(logo))
    page.locator('img[data-slot="logo-preview"]:not([hidden])').wait_for()
    page.wait_for_function("document.querySelector('img[data-slot=logo-preview]').naturalWidth === 120")
    assert error.is_hidden()


def test_generate_without_credits_explains_why_nothing_started(ui: UI) -> None:
    from videos.jobs.credits import account_for
    from videos.jobs.models import CreditAccount, VideoJob

    # Given a shop that has used up its credits
    shop = ui.install()
    CreditAccount.objects.filter(pk=account_for(shop).pk).update(available=0)
    jeans = ui.product("Ripped Jeans")
    page = ui.open("/app/generate", [("id", jeans["id"])])
    generate = view(page, "generate")
    generate.get_by_text("You have no credits left this month.").wait_for()
    # When Generate is pressed anyway
    generate.get_by_role("button", name="Generate video").click()
    # Then the page stays, says why in plain words, and no job was made
    alert = generate.get_by_role("alert")
    alert.wait_for()
    assert "You're out of credits" in alert.inner_text()
    assert page.locator('[data-slot="credits-badge"]').inner_text().startswith("0 credits")
    assert VideoJob.objects.count() == 0
    assert "#/generate/" in page.url


def test_keyboard_only_reaches_generate_and_a_narrow_frame_does_not_scroll_sideways(ui: UI) -> None:
    page = ui.open("/app/")
    page.set_viewport_size({"width": 390, "height": 800})  # the admin on a phone, or a narrow window
    home = view(page, "home")
    home.locator(".product-row").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ui.shot("home-narrow")
    # Tab from the product's checkbox reaches its Generate link, which Enter follows
    home.get_by_label("Select Red Baseball Cap").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Generate video for Red Baseball Cap":
            break
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Enter")
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Red Baseball Cap").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_unknown_videos_and_pages_get_a_clear_error_state(ui: UI) -> None:
    ui.install()
    page = ui.open("/app/", hash="#/jobs/00000000-0000-4000-8000-000000000000")
    job = view(page, "job")
    alert = job.get_by_role("alert")
    alert.wait_for()
    assert "Could not load this video" in alert.inner_text()
    assert "does not exist" in alert.inner_text()
    assert alert.get_by_role("button", name="Try again").is_visible()
    page.evaluate("location.hash = '#/nowhere'")
    page.get_by_text("Page not found").wait_for()
    page.get_by_role("link", name="Go to products").click()
    view(page, "home").locator(".product-row").first.wait_for()


def test_without_app_bridge_or_a_dev_session_the_page_says_how_to_sign_in(ui: UI, settings) -> None:  # noqa: ANN001
    settings.SHOPIFY_DEV_SESSION = False
    page = ui.open("/app/")
    page.get_by_text("Showreel could not sign in").wait_for()
    assert "Open Showreel from your Shopify admin" in page.locator('[data-slot="app-banner"]').inner_text()


def test_the_app_works_inside_the_emulated_admin_frame(ui: UI) -> None:
    # The emulated admin frames {app_url}/app/ with a signed query, like admin.shopify.com does
    ui.page.goto(f"{ui.emulator.base_url}/shops/{SHOP}/admin/apps/{ui.emulator.api_key}/")
    frame = ui.page.frame_locator("iframe")
    frame.locator(".product-row").first.wait_for()
    assert frame.locator(".product-row").count() == 4

