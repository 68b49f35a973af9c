"""The JSON API as the embedded UI uses it: shapes from the contract, errors as {"error": {code, message}},
every query scoped to the shop in the session token."""

from __future__ import annotations

import time

import pytest

from tests.jobs.fixtures import TEST_SHOP, photo_bytes
from videos.jobs import services
from videos.jobs.models import JobBatch, JobStatus, VideoJob
from videos.jobs.pipeline import run_job

pytestmark = pytest.mark.django_db

JOB_KEYS = {"id", "product_id", "product_title", "status", "stage_label", "progress", "error_code", "error_message",
            "video_url", "poster_url", "media_id", "published", "options", "instruction", "interpretation", "batch_id",
            "created_at", "updated_at", "timings", "product_image_url", "made_with", "replaced_by", "waiting_s",
            "out_of_date"}
FAST = {"duration": 2, "music": "none"}


@pytest.fixture
def api(client, shopify_shop, shopify_emulator):  # noqa: ANN201
    """`api.get/post/put(path, json)` as the shop's embedded UI (a fresh session token each call)."""

    class Api:
        def _headers(self, shop: str = TEST_SHOP) -> dict[str, str]:
            return {"Authorization": f"Bearer {shopify_emulator.session_token(shop)}"}

        def get(self, path: str, shop: str = TEST_SHOP, **params):  # noqa: ANN003, ANN201
            return client.get(f"/api/{path}", params, headers=self._headers(shop))

        def post(self, path: str, body: dict | None = None, shop: str = TEST_SHOP):  # noqa: ANN201
            return client.post(f"/api/{path}", body or {}, content_type="application/json", headers=self._headers(shop))

        def put(self, path: str, body: dict):  # noqa: ANN201
            return client.put(f"/api/{path}", body, content_type="application/json", headers=self._headers())

        def upload(self, path: str, data: dict):  # noqa: ANN201
            return client.post(f"/api/{path}", data, headers=self._headers())

    return Api()


def error_of(response) -> tuple[int, str]:  # noqa: ANN001
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return response.status_code, body["error"]["code"]


def test_no_session_token_is_a_401_in_the_error_format(client, shopify_shop):
    response = client.get("/api/jobs")

    assert error_of(response) == (401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_products_list_shows_thumbnails_prices_and_video_state(api, shopify_shop, shopify_emulator, tiny_product):
    product = tiny_product(price="12.50")
    job = services.create_job(shopify_shop, product, FAST)
    run_job(job.pk)

    body = api.get("products", query="Tiny").json()

    [row] = body["products"]
    assert row == {"id": product, "title": row["title"], "thumbnail_url": row["thumbnail_url"], "price": "12.50",
                   "currency": "USD", "has_video": True,
                   "latest_job": {"id": str(job.pk), "status": "ready", "progress": 100}, "out_of_date": None}
    assert row["thumbnail_url"].startswith("http") and body["next_cursor"] is None
    without = api.get("products", has_video="false").json()["products"]
    assert product not in [p["id"] for p in without] and len(without) == 4  # the emulator's sample catalogue


def test_products_paginate_and_a_bad_cursor_is_a_400(api, shopify_emulator, tiny_product):
    for _ in range(26):
        tiny_product(count=1)

    first = api.get("products").json()
    second = api.get("products", after=first["next_cursor"]).json()

    assert len(first["products"]) == 25 and first["next_cursor"]
    assert len(second["products"]) == 5 and second["next_cursor"] is None
    assert error_of(api.get("products", after="nonsense")) == (400, "invalid_cursor")


def test_creating_a_job_answers_with_the_contracts_job(api, tiny_product):
    product = tiny_product()

    response = api.post("jobs", {"product_id": product, "template": "bold", "duration": 6,
                                 "instruction": "make it vertical, wobbly"})

    assert response.status_code == 201
    job = response.json()
    assert set(job) == JOB_KEYS
    assert (job["status"], job["progress"], job["published"], job["batch_id"]) == ("queued", 0, False, None)
    assert job["options"]["template"] == "bold" and job["options"]["duration"] == 6
    assert job["interpretation"]["understood"] and job["interpretation"]["unrecognised"] == ["wobbly"]
    assert job["stage_label"].startswith("Waiting")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product_id": "gid://shopify/Order/1"}, "product_id"),
        ({"product_id": "{product} "}, "product_id"),  # not trimmed into another value
        ({"product_id": 12}, "product_id"),
        ({"product_id": "{product}", "template": "disco"}, "template"),
        ({"product_id": "{product}", "duration": 1}, "duration"),
        ({"product_id": "{product}", "music": "/etc/passwd.mp3"}, "music"),
        ({"product_id": "{product}", "instruction": "make it 900 seconds long"}, "instruction"),
        ({"product_id": "{product}", "instruction": 900}, "instruction"),
        ({"product_id": "{product}", "instruction": ["make it short"]}, "instruction"),
        ({"product_id": "{product}", "cta_text": {"text": "Buy"}}, "cta_text"),
        ({}, "product_id"),
    ],
)
def test_bad_job_requests_are_400s_naming_the_field(api, tiny_product, body, field):
    product = tiny_product()
    body = {k: v.format(product=product) if isinstance(v, str) else v for k, v in body.items()}

    response = api.post("jobs", body)

    assert error_of(response) == (400, "invalid")
    assert field in response.json()["error"]["fields"]
    assert not VideoJob.objects.exists()


def test_no_credits_is_a_402_before_any_work(api, shopify_shop, credits_for, tiny_product):
    credits_for(shopify_shop, 0)

    response = api.post("jobs", {"product_id": tiny_product()})

    assert error_of(response) == (402, "no_credits")
    assert not VideoJob.objects.exists()


def test_another_shops_job_is_not_found(api, shopify_emulator):
    from shopify_app import services as shopify_services
    from shopify_app.admin_api.oauth import TokenGrant

    other = "other-shop.myshopify.com"
    answer = shopify_emulator.install(other)
    other_shop = shopify_services.store_grant(other, TokenGrant(access_token=answer["access_token"], scopes=[]))
    theirs = services.create_job(other_shop, "gid://shopify/Product/1", FAST)

    assert error_of(api.get(f"jobs/{theirs.pk}")) == (404, "not_found")
    assert error_of(api.post(f"jobs/{theirs.pk}/cancel")) == (404, "not_found")
    assert error_of(api.get("jobs/not-a-uuid")) == (404, "not_found")
    assert api.get("jobs").json()["results"] == []
    assert api.get("jobs", shop=other).json()["results"][0]["id"] == str(theirs.pk)


def test_jobs_list_filters_and_pages_newest_first(api, shopify_shop, settings, credits_for):
    settings.SHOWREEL_JOBS_PER_SHOP = 0  # nothing is handed to workers in this test
    credits_for(shopify_shop, 30)
    made = [services.create_job(shopify_shop, f"gid://shopify/Product/{n % 2 + 1}", FAST) for n in range(27)]
    VideoJob.objects.filter(pk=made[0].pk).update(status=JobStatus.FAILED)

    page = api.get("jobs").json()
    assert len(page["results"]) == 25 and page["next"]
    assert page["results"][0]["id"] == str(made[-1].pk)
    assert [j["id"] for j in api.get("jobs", status="failed").json()["results"]] == [str(made[0].pk)]
    assert len(api.get("jobs", product_id="2").json()["results"]) == 13
    assert error_of(api.get("jobs", status="sleeping")) == (400, "invalid")


def test_cancel_retry_publish_and_edit(api, client, tiny_product):
    job_id = api.post("jobs", {"product_id": tiny_product(), **FAST}).json()["id"]

    cancelled = api.post(f"jobs/{job_id}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert error_of(api.post(f"jobs/{job_id}/cancel")) == (409, "not_cancellable")
    assert error_of(api.post(f"jobs/{job_id}/publish")) == (409, "not_publishable")
    retried = api.post(f"jobs/{job_id}/retry")
    assert (retried.status_code, retried.json()["status"]) == (200, "queued")
    assert error_of(api.post(f"jobs/{job_id}/retry")) == (409, "not_retryable")

    run_job(job_id)
    ready = api.get(f"jobs/{job_id}").json()
    assert (ready["status"], ready["published"], ready["progress"]) == ("ready", True, 100)
    video = client.get(ready["video_url"])
    assert (video.status_code, video["Content-Type"]) == (200, "video/mp4")
    assert b"ftyp" in b"".join(video.streaming_content)[:16]
    assert client.get(ready["poster_url"])["Content-Type"] == "image/jpeg"

    edited = api.post(f"jobs/{job_id}/edit", {"instruction": "make it square and slower"})
    assert edited.status_code == 201
    assert edited.json()["id"] != job_id and edited.json()["instruction"] == "make it square and slower"
    assert len(edited.json()["interpretation"]["understood"]) == 2
    assert error_of(api.post(f"jobs/{job_id}/edit", {"instruction": ""})) == (400, "invalid")


def test_batches_accept_500_products_at_once_and_report_progress(api, shopify_shop, credits_for):
    credits_for(shopify_shop, 1000)
    ids = [f"gid://shopify/Product/{n}" for n in range(1, 501)]
    warm = api.post("batches", {"product_ids": ids, **FAST})  # first request of the process pays for imports
    JobBatch.objects.filter(pk=warm.json()["id"]).delete()
    VideoJob.objects.all().delete()

    started = time.perf_counter()
    response = api.post("batches", {"product_ids": ids, **FAST})
    elapsed = time.perf_counter() - started

    assert response.status_code == 201, response.content[:300]
    batch = response.json()
    assert elapsed < 1.0, f"500 products took {elapsed:.2f} s"
    assert (batch["total"], batch["progress"], batch["counts"]["queued"]) == (500, 0, 500)
    assert set(batch["jobs"][0]) == {"id", "product_id", "product_title", "product_image_url", "status", "progress",
                                     "error_message"}
    assert VideoJob.objects.exclude(enqueued_at=None).count() == 2  # the rest wait for the concurrency cap
    VideoJob.objects.filter(pk__in=[j["id"] for j in batch["jobs"][:250]]).update(status=JobStatus.READY, progress=100)
    again = api.get(f"batches/{batch['id']}").json()
    assert (again["progress"], again["counts"]["ready"], again["counts"]["queued"]) == (50, 250, 250)
    assert JobBatch.objects.get().jobs.count() == 500


def test_credits_settings_templates_music_and_instruction_preview(api, shopify_shop, settings):
    settings.SHOWREEL_PLANS = {"free": 10}
    credits = api.get("credits").json()
    assert credits == {"available": 10, "frozen": 0, "total": 10, "plan": "free", "monthly_allowance": 10,
                       "plan_url": f"https://admin.shopify.com/store/{TEST_SHOP.removesuffix('.myshopify.com')}"
                                   "/charges/showreel/pricing_plans",
                       "backend": "local", "cloud_credits": None}

    changed = api.put("settings", {"default_template": "luxe", "brand_primary": "#112233", "auto_publish": False})
    assert changed.status_code == 200
    assert api.get("settings").json() == {
        "default_template": "luxe", "default_aspect": "1:1", "default_duration": 15.0, "default_music": "auto",
        "brand_primary": "#112233", "brand_secondary": "", "brand_text": "", "logo_url": None, "auto_publish": False,
        "keep_current": "off", "keep_current_note": ""}
    assert error_of(api.put("settings", {"brand_text": "red"})) == (400, "invalid")
    assert error_of(api.put("settings", {"default_music": "polka-from-disk.mp3"})) == (400, "invalid")

    templates = api.get("templates").json()
    assert [t["name"] for t in templates] == ["clean", "bold", "luxe", "sale"]
    assert templates[0]["still_url"].endswith("/static/showreel/templates/clean.jpg")
    music = api.get("music").json()
    assert music and set(music[0]) == {"name", "label", "mood", "tempo", "preview_url"}

    preview = api.post("instructions/preview", {"instruction": "30 seconds, no music, upbeat, sparkles"}).json()
    assert preview["understood"] and preview["unrecognised"] == ["sparkles"] and preview["conflicts"]


def test_logo_upload_checks_the_file_and_serves_it_behind_a_signed_link(api, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SHOWREEL_LOGO_MAX_BYTES = 50_000
    good = api.upload("settings/logo", {"logo": SimpleUploadedFile("logo.png", photo_bytes(3), "image/png")})
    assert good.status_code == 200 and good.json()["logo_url"]
    assert client.get(good.json()["logo_url"]).status_code == 200
    assert client.get(good.json()["logo_url"][:-3] + "xyz").status_code == 404

    fake = SimpleUploadedFile("logo.png", b"GIF89a not really", "image/png")
    assert error_of(api.upload("settings/logo", {"logo": fake})) == (400, "invalid")
    huge = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 60_000, "image/png")
    assert "limit" in api.upload("settings/logo", {"logo": huge}).json()["error"]["message"]
