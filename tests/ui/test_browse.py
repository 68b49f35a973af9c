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
    page.get_by_text(re.compile("left this month")).first.wait_for()
    assert re.search(r"\d+ of \d+ left this month", page.locator('[data-slot="credits-badge"]').inner_text())
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
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/api/" in r.url and "products" in r.url else None)
    bulk.click()
    # Then the bulk page lists exactly those two, in their details
    page.locator('section[data-view="bulk"]').wait_for()
    page.get_by_role("heading", name="2 selected products").wait_for()
    titles = page.locator('[data-slot="selection"] .product-title')
    page.wait_for_function("!document.querySelector('[data-slot=selection]').innerText.includes('Product ')")
    assert sorted(titles.all_inner_texts()) == ["Red Baseball Cap", "Ripped Jeans"]
    # And their titles, photos and prices came in one request (one Admin API `nodes` query), not one per row
    assert len([c for c in calls if "/api/products/cards" in c and "ids=" in c]) == 1, calls
    assert not [c for c in calls if "/api/shopify/products/" in c], calls
    assert page.locator('[data-slot="selection"] img.thumb').count() == 2
    assert page.get_by_role("button", name="Generate 2 videos").is_enabled()


def test_a_chinese_instruction_shows_what_was_understood(ui: UI) -> None:
    # Given the Generate page the product-details admin link opens
    juice = ui.product("Cold-Pressed Apple Juice")
    page = ui.open("/app/generate", [("id", juice["id"])])
    generate = view(page, "generate")
    generate.get_by_role("heading", name="Generate video: Cold-Pressed Apple Juice").wait_for()
    # When the merchant types an instruction in Chinese (30 s, vertical, upbeat music) with a word it can't use
    generate.get_by_label("Anything else? Describe it in your own words").fill("做成30秒的竖版视频，音乐要欢快，加一只猫")
    # Then the understood parts come back as chips in plain words, and only the unknown words are not understood
    understood = generate.locator('[data-slot="understood"] li')
    understood.first.wait_for()
    text = " ".join(understood.all_inner_texts())
    assert "Length: 30 seconds" in text and "Shape: Vertical (9:16)" in text and "Music: upbeat" in text, text
    assert "duration" not in text and "mood:" not in text, text
    unknown = generate.locator('[data-slot="unrecognised"]').inner_text()
    assert "猫" in unknown and "音乐" not in unknown  # "音乐要欢快" is one understood phrase
    ui.shot("generate-instruction-zh")
    # When the instruction asks for something that can't be made
    box = generate.get_by_label("Anything else? Describe it in your own words")
    box.fill("做成100分钟的视频")
    # Then the field says so, in a sentence, and is marked invalid
    error = generate.locator('[data-slot="instruction-error"]')
    error.wait_for()
    assert re.match(r"^[A-Z“]", error.inner_text()) and re.search(r"100|6000", error.inner_text())
    assert box.get_attribute("aria-invalid") == "true"
    box.fill("30 seconds")
    error.wait_for(state="hidden")
    assert box.get_attribute("aria-invalid") is None
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


def test_settings_save_bar_saves_discards_and_guards_unsaved_changes(ui: UI) -> None:
    ui.install()
    page = ui.open("/app/", hash="#/settings")
    settings_view = view(page, "settings")
    form = settings_view.locator('form[data-form="settings"]')
    form.wait_for()
    bar = page.get_by_role("region", name="Unsaved changes")
    # Nothing changed: no save bar; a new shop publishes by hand
    assert bar.is_hidden()
    auto = form.get_by_label("Publish finished videos to the product automatically")
    assert not auto.is_checked()
    # A change shows the save bar (at the top, reachable without scrolling); Discard puts the values back
    form.get_by_label("Template").select_option("sale")
    bar.wait_for()
    assert bar.bounding_box()["y"] < 80
    bar.get_by_role("button", name="Discard").click()
    bar.wait_for(state="hidden")
    assert form.get_by_label("Template").input_value() == "clean"
    # A colour that isn't #RRGGBB is refused in the page, with the reason
    form.get_by_label("Accent colour", exact=True).fill("red")
    bar.get_by_role("button", name="Save").click()
    page.get_by_text("colour must look like #1A2B3C").wait_for()
    # Leaving with unsaved changes asks first; declining keeps the merchant and the changes on the page
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.evaluate("location.hash = '#/'")  # what the navigation's Products link does
    page.wait_for_function("location.hash === '#/settings'")
    assert settings_view.is_visible() and form.get_by_label("Accent colour", exact=True).input_value() == "red"
    # Valid values are saved together, confirmed once (a toast, no banner), and still there after a reload
    form.get_by_label("Accent colour", exact=True).fill("#FF3B30")
    form.get_by_label("Template").select_option("sale")
    auto.check()
    bar.get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved").wait_for()
    bar.wait_for(state="hidden")
    assert settings_view.locator('[data-slot="banner"]').inner_text().strip() == ""
    page.reload()
    form.wait_for()
    assert form.get_by_label("Accent colour", exact=True).input_value().upper() == "#FF3B30"
    assert form.get_by_label("Template").input_value() == "sale"
    assert form.get_by_label("Publish finished videos to the product automatically").is_checked()
    ui.shot("settings")


def test_the_logo_is_saved_with_the_form_or_the_reason_it_was_refused(ui: UI, tmp_path) -> None:  # noqa: ANN001
    from PIL import Image

    from videos.jobs.models import ShopSettings

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 40), (200, 30, 30, 255)).save(logo)
    not_an_image = tmp_path / "logo.png.txt"
    not_an_image.write_text("not a picture")
    shop = ui.install()
    page = ui.open("/app/", hash="#/settings")
    page.locator('form[data-form="settings"]').wait_for()
    bar = page.get_by_role("region", name="Unsaved changes")
    # A file that is not a picture is refused when the form is saved, with the reason next to the field
    page.get_by_label(re.compile("^Logo")).set_input_files(str(not_an_image))
    bar.get_by_role("button", name="Save").click()
    error = page.locator('[data-slot="logo-error"]')
    error.wait_for()
    assert error.inner_text().strip()
    # A real logo is only previewed until Save: nothing is stored before
    page.get_by_label(re.compile("^Logo")).set_input_files(str(logo))
    page.wait_for_function("document.querySelector('img[data-slot=logo-preview]').naturalWidth === 120")
    assert not ShopSettings.objects.get(shop=shop).logo_file
    bar.get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved").wait_for()
    assert ShopSettings.objects.get(shop=shop).logo_file
    assert error.is_hidden()
    page.reload()
    page.wait_for_function("document.querySelector('img[data-slot=logo-preview]').naturalWidth === 120")


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



# What App Bridge gives the page inside the admin, recorded: session tokens (from the emulator, as in
# development), toasts and the resource picker.
FAKE_APP_BRIDGE = """
window.__calls = { toasts: [], pickers: [] };
window.shopify = {
  idToken: async () => {
    const url = document.querySelector('meta[name="showreel-dev-session-url"]').content;
    return (await (await fetch(url)).json()).token;
  },
  toast: { show: (message, options) => window.__calls.toasts.push(message) },
  resourcePicker: async (options) => { window.__calls.pickers.push(options); return window.__pick; },
};
"""


def test_inside_the_admin_app_bridge_draws_nav_title_bar_picker_and_toasts(ui: UI) -> None:
    ui.install()
    cap, jeans = ui.product("Red Baseball Cap"), ui.product("Ripped Jeans")
    ui.page.context.add_init_script(FAKE_APP_BRIDGE)
    page = ui.open("/app/")
    home = view(page, "home")
    home.locator(".product-row").first.wait_for()
    # The admin's navigation and title bar take over: no in-frame tab bar; the page's heading and primary
    # action are handed to s-page (the title bar)
    assert page.evaluate("document.documentElement.classList.contains('app-bridge')")
    assert page.get_by_role("navigation", name="Showreel").is_hidden()
    assert [link.inner_text() for link in page.locator("s-app-nav s-link").all()] == ["Products", "Settings"]
    title = page.locator('s-page[data-slot="page"]')
    assert title.get_attribute("heading") == "Products"
    action = page.locator('[data-slot="title-action"]')
    assert action.get_attribute("slot") == "primary-action" and action.text_content() == "Choose products for videos"
    # The title bar's action opens App Bridge's resource picker; its choice becomes the bulk selection
    page.evaluate("ids => { window.__pick = ids.map(id => ({ id })); }", [cap["id"], jeans["id"]])
    page.evaluate("document.querySelector('[data-slot=title-action]').click()")
    bulk = view(page, "bulk")
    bulk.get_by_role("heading", name="2 selected products").wait_for()
    page.wait_for_function("!document.querySelector('[data-slot=selection]').innerText.includes('Loading')")
    assert sorted(bulk.locator('[data-slot="selection"] .product-title').all_inner_texts()) == ["Red Baseball Cap", "Ripped Jeans"]
    picker = page.evaluate("window.__calls.pickers[0]")
    assert (picker["type"], picker["multiple"]) == ("product", True)
    page.wait_for_function("() => document.querySelector('s-page').getAttribute('heading') === 'Generate videos'")
    assert page.locator('[data-slot="title-action"]').text_content() == "Generate 2 videos"
    # Settings saved through the admin's save bar (it submits the form): one confirmation, App Bridge's toast
    page.evaluate("location.hash = '#/settings'")
    form = view(page, "settings").locator('form[data-form="settings"]')
    form.wait_for()
    assert form.get_attribute("data-save-bar") is not None
    form.get_by_label("Template").select_option("luxe")
    assert page.get_by_role("region", name="Unsaved changes").is_hidden()  # App Bridge shows its own
    form.evaluate("f => f.requestSubmit()")
    page.wait_for_function("window.__calls.toasts.includes('Settings saved')")
    assert page.locator('[data-slot="toasts"]').inner_text() == ""
    assert not script_errors(ui)
