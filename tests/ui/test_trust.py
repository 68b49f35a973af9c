"""What a merchant sees must be true: credits as what is left of the monthly allowance (refreshed when a job
ends), Generate only enabled when it can work (with the reason and the next step), a stuck queue visible
with a way out, and lists that name the product from the moment a job exists."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest

from tests.ui.helpers import SHOP, UI, NobodysQueue, api_get, credits_words, script_errors, view

pytestmark = pytest.mark.django_db(transaction=True)

FAST = {"duration": 2, "music": "none"}
API_ERROR = """async ([path, body]) => {
  const src = document.querySelector('script[type="module"][src*="showreel/js/app.js"]').src;
  const { api } = await import(src.replace(/app\\.js.*$/, "api.js"));
  try { await api.post(path, body); return null; } catch (err) { return { status: err.status, code: err.code, extra: err.extra }; }
}"""


def badge(page: Any) -> Any:
    return page.locator('[data-slot="credits-badge"]')


def unstarted_job(ui: UI, shop: Any, settings: Any, title: str) -> Any:
    """A job handed to a queue no worker reads, so it waits (as behind a stopped cluster)."""
    from videos.jobs import services

    with NobodysQueue(settings):
        return services.create_job(shop, ui.product(title)["id"], FAST)


def test_credits_are_what_is_left_of_the_allowance_and_refresh_when_a_job_fails(ui: UI) -> None:
    from videos.jobs import faults
    from videos.jobs.errors import JobError

    # Given a job that will stop in its first stage until the test lets it fail
    go = threading.Event()

    def fail_when_told() -> None:
        go.wait(20)
        raise JobError("bad_photo", "The photo could not be read.")

    faults.on("fetching", fail_when_told)
    ui.install()
    cap = ui.product("Red Baseball Cap")
    page = ui.open("/app/generate", [("id", cap["id"])])
    generate = view(page, "generate")
    # Then the top badge states the credits as the API has them: what is left of the monthly allowance
    credits = api_get(page, "/credits")
    assert credits["available"] == credits["monthly_allowance"] == 10
    page.wait_for_function("t => document.querySelector('[data-slot=credits-badge]').innerText.includes(t)",
                           arg=credits_words(credits))
    generate.get_by_text(f"Uses 1 credit · {credits_words(credits)}").wait_for()
    # When a video is started (an impatient double click), one job is made, one credit is held, the badge says so
    generate.get_by_role("button", name="Generate video").dblclick()
    job = view(page, "job")
    job.locator('[data-slot="status"] [data-status="fetching"]').wait_for()
    held = api_get(page, "/credits")
    assert (held["available"], held["frozen"]) == (9, 1)
    from videos.jobs.models import VideoJob

    assert VideoJob.objects.filter(product_id=cap["id"]).count() == 1
    page.wait_for_function("t => document.querySelector('[data-slot=credits-badge]').innerText.includes(t)",
                           arg=credits_words(held))
    # When it fails, its credit comes back and the badge shows it without a reload
    go.set()
    job.locator('[data-slot="status"] [data-status="failed"]').wait_for()
    back = api_get(page, "/credits")
    assert (back["available"], back["frozen"]) == (10, 0)
    page.wait_for_function("t => document.querySelector('[data-slot=credits-badge]').innerText.includes(t)",
                           arg=credits_words(back))
    assert "Credits: 10 of 10 left this month" in badge(page).inner_text()
    # And home's card states the same figure
    page.evaluate("location.hash = '#/'")
    card = view(page, "home").locator('[data-slot="credits"]')
    card.get_by_text(re.compile("left this month")).wait_for()
    assert credits_words(back) in " ".join(card.inner_text().split())
    assert not script_errors(ui)


def test_generate_says_why_it_cannot_start_and_what_to_do(ui: UI) -> None:
    from tests.jobs.fixtures import add_product
    from videos.jobs.credits import account_for
    from videos.jobs.models import CreditAccount

    shop = ui.install()
    # Given a product without photos
    bare = add_product(ui.emulator, "Bare Shelf", [], domain=SHOP)
    page = ui.open("/app/generate", [("id", bare)])
    generate = view(page, "generate")
    generate.get_by_text("This product has no photos.").wait_for()
    button = generate.get_by_role("button", name="Generate video")
    assert button.is_disabled()
    link = generate.get_by_role("link", name="Add photos in Shopify")
    assert link.get_attribute("href").endswith(f"/products/{bare.rsplit('/', 1)[-1]}")
    assert link.get_attribute("target") == "_top"
    # Given a shop with no credits left
    CreditAccount.objects.filter(pk=account_for(shop).pk).update(available=0)
    jeans = ui.product("Ripped Jeans")
    page.evaluate(f"location.hash = '#/generate/{jeans['id'].rsplit('/', 1)[-1]}'")
    generate.get_by_role("heading", name="Generate video: Ripped Jeans").wait_for()
    generate.get_by_text("You have no credits left this month.").first.wait_for()
    assert generate.get_by_role("button", name="Generate video").is_disabled()
    credits = api_get(page, "/credits")
    plans = generate.get_by_role("link", name="See plans")
    assert plans.get_attribute("href") == credits["plan_url"]
    page.wait_for_function("() => document.querySelector('[data-slot=credits-badge]').innerText.includes('0 of 10 left this month')")
    # And home's out-of-credits banner links to the plan page too
    page.evaluate("location.hash = '#/'")
    home = view(page, "home")
    home.get_by_text("You're out of credits").wait_for()
    assert home.get_by_role("link", name="See plans").get_attribute("href") == credits["plan_url"]
    assert not script_errors(ui)


def test_one_job_at_a_time_per_product_in_the_page_and_on_the_server(ui: UI, settings) -> None:  # noqa: ANN001
    shop = ui.install()
    # Given a video of the cap waiting to start
    waiting = unstarted_job(ui, shop, settings, "Red Baseball Cap")
    cap = ui.product("Red Baseball Cap")
    page = ui.open("/app/generate", [("id", cap["id"])])
    generate = view(page, "generate")
    # Then Generate is disabled, says why, and links to the running job
    generate.get_by_text("A video for this product is already being made.").wait_for()
    assert generate.get_by_role("button", name="Generate video").is_disabled()
    assert generate.get_by_role("link", name="View its progress").get_attribute("href") == f"#/jobs/{waiting.pk}"
    # And the server refuses a second job for the product with a 409 naming the running one
    refused = page.evaluate(API_ERROR, ["/jobs", {"product_id": cap["id"], **FAST}])
    assert refused == {"status": 409, "code": "job_running", "extra": {"job_id": str(waiting.pk)}}
    from videos.jobs.models import VideoJob

    assert VideoJob.objects.filter(product_id=cap["id"]).count() == 1


def test_a_job_waiting_over_a_minute_warns_and_cancels_with_its_credit_back(ui: UI, settings) -> None:  # noqa: ANN001
    from django.utils import timezone

    from videos.jobs.models import VideoJob

    shop = ui.install()
    juice = ui.product("Cold-Pressed Apple Juice")
    job = unstarted_job(ui, shop, settings, "Cold-Pressed Apple Juice")
    VideoJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=2))
    # The recent videos list names the product (stored when the job was made) with its photo
    page = ui.open("/app/")
    recent = view(page, "home").locator('[data-slot="recent-jobs"]')
    recent.get_by_role("link", name="Cold-Pressed Apple Juice").wait_for()
    assert recent.locator("img").first.get_attribute("src").startswith(ui.emulator.base_url)
    assert job.product_title == juice["title"]
    assert "gid://" not in recent.inner_text() and "Video" not in recent.inner_text().split()
    assert "Waiting to start" in recent.inner_text()
    # When the merchant opens it: a warning, in the one wording for waiting, with the way out
    recent.get_by_role("link", name="Cold-Pressed Apple Juice").click()
    page_job = view(page, "job")
    alert = page_job.get_by_role("alert")
    alert.get_by_text("This video hasn't started yet").wait_for()
    assert page_job.locator('[data-slot="status"]').inner_text() == "Waiting to start"
    assert page_job.locator('[data-slot="stage-label"]').inner_text() == "Waiting to start"
    page.wait_for_function("() => document.querySelector('[data-slot=credits-badge]').innerText.includes('9 of 10')")
    # When Cancel is pressed, a confirmation comes first; keeping the job changes nothing
    alert.get_by_role("button", name="Cancel video").click()
    dialog = page.get_by_role("dialog", name="Cancel this video?")
    dialog.wait_for()
    ui.shot("job-cancel-confirm")
    dialog.get_by_role("button", name="Keep making it").click()
    assert dialog.is_hidden()
    assert VideoJob.objects.get(pk=job.pk).status == "queued"
    # And confirming cancels it and gives the credit back, on screen too
    page_job.get_by_role("button", name="Cancel", exact=True).click()
    dialog.get_by_role("button", name="Cancel video").click()
    page_job.locator('[data-slot="status"] [data-status="cancelled"]').wait_for()
    assert "credit was returned" in page_job.locator('[data-slot="banner"]').inner_text()
    page.wait_for_function("() => document.querySelector('[data-slot=credits-badge]').innerText.includes('10 of 10')")
    assert VideoJob.objects.get(pk=job.pk).status == "cancelled"
    assert not script_errors(ui)
