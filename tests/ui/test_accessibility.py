"""Every page at the admin's desktop width (1280 px) and a phone's (375 px), as it looks without the Polaris
and App Bridge scripts (the CDN is unreachable here): axe-core finds no violation, and the page's primary
action is on screen without scrolling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import UI, NobodysQueue, view

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 375)
# WCAG 2.0-2.2 A and AA, axe's best practices (heading order, landmarks) and its experimental rules (a link's
# accessible name must contain its visible text).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"]
HEIGHT = {1280: 800, 375: 667}


def axe_script() -> Path:
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (dev extra) carries axe-core")
    return Path(axe.__file__).parent / "axe.min.js"


def violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now (AXE_TAGS), one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    found = page.evaluate("""async (TAGS) => {
      const result = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: TAGS } });
      return result.violations.map(v => `${v.id}: ${v.help} -> ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""", AXE_TAGS)
    return list(found)


def primary_on_screen(page: Any, name: str) -> None:
    """The view's primary action is visible in the first screen (no scrolling), enabled or not."""
    page.evaluate("window.scrollTo(0, 0)")
    button = view(page, name).locator("[data-primary]")
    button.wait_for()
    box = button.bounding_box()
    size = page.viewport_size
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (name, box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (name, box, size)


def test_every_page_has_no_axe_violations_and_its_primary_action_on_screen(ui: UI, settings) -> None:  # noqa: ANN001
    from videos.jobs import services
    from videos.jobs.pipeline import run_job

    shop = ui.install()
    cap, jeans = ui.product("Red Baseball Cap"), ui.product("Ripped Jeans")
    # A finished video (made here, not through the broker) and a batch that waits: their pages have content
    ready = services.create_job(shop, cap["id"], {"duration": 2, "music": "none"})
    run_job(ready.pk)
    with NobodysQueue(settings):
        batch = services.create_batch(shop, [jeans["id"], ui.product("Cold-Pressed Apple Juice")["id"]], {"duration": 2})
    numbers = [p["id"].rsplit("/", 1)[-1] for p in (cap, jeans)]

    page = ui.open("/app/")
    pages = [
        ("home", "#/", lambda v: v.locator(".product-row").first.wait_for()),
        ("generate", f"#/generate/{numbers[1]}", lambda v: v.locator(".template-card img").first.wait_for()),
        ("job", f"#/jobs/{ready.pk}", lambda v: v.locator('[data-status="ready"]').wait_for()),
        ("bulk", f"#/bulk?ids={','.join(numbers)}", lambda v: v.locator(".template-card").first.wait_for()),
        ("batch", f"#/batches/{batch.pk}", lambda v: v.locator(".batch-row").nth(1).wait_for()),
        ("settings", "#/settings", lambda v: v.locator('form[data-form="settings"]').wait_for()),
    ]
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT[width]})
        for name, hash_, loaded in pages:
            page.evaluate("h => { location.hash = h; }", hash_)
            loaded(view(page, name))
            page.wait_for_function("() => !document.querySelector('section:not([hidden]) [aria-busy=true]')")
            if name not in ("batch", "settings"):  # a batch has no primary action; Settings' is its save bar
                primary_on_screen(page, name)
            found[f"{name}@{width}"] = violations(page)
            ui.shot(f"a11y-{name}-{width}")
        # Settings with unsaved changes: the save bar is on screen, and still nothing for axe
        settings_view = view(page, "settings")
        settings_view.get_by_label("Template").select_option("bold")
        bar = page.get_by_role("region", name="Unsaved changes")
        bar.wait_for()
        assert bar.get_by_role("button", name="Save").bounding_box()["y"] < HEIGHT[width]
        found[f"settings-save-bar@{width}"] = violations(page)
        bar.get_by_role("button", name="Discard").click()
        bar.wait_for(state="hidden")
    assert {k: v for k, v in found.items() if v} == {}


def test_dialogs_have_no_axe_violations(ui: UI, settings) -> None:  # noqa: ANN001
    from videos.jobs import services

    shop = ui.install()
    with NobodysQueue(settings):
        waiting = services.create_job(shop, ui.product("Ripped Jeans")["id"], {"duration": 2})
    page = ui.open("/app/", hash=f"#/jobs/{waiting.pk}")
    job = view(page, "job")
    job.get_by_role("button", name="Cancel", exact=True).click()
    dialog = page.get_by_role("dialog", name="Cancel this video?")
    dialog.wait_for()
    assert violations(page) == []
    dialog.get_by_role("button", name="Keep making it").click()
    page.evaluate("location.hash = '#/'")
    view(page, "home").get_by_role("button", name="Choose products for videos").click()
    picker = page.get_by_role("dialog", name="Choose products")
    picker.get_by_label("Ripped Jeans").wait_for()
    assert violations(page) == []
