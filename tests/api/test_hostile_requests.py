"""Hostile bodies on every /api/ endpoint that takes one: each gets a JSON error with a 4xx (never a 500 or
Django's HTML page), and nothing is made or charged."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.jobs.fixtures import TEST_SHOP
from videos.api.parsers import MAX_DEPTH
from videos.jobs import services
from videos.jobs.credits import account_for
from videos.jobs.models import VideoJob

pytestmark = pytest.mark.django_db

LIMIT = 20_000  # DATA_UPLOAD_MAX_MEMORY_SIZE in these tests, so an oversized body stays small
JSON_BODIES = {"/api/jobs": "POST", "/api/batches": "POST", "/api/settings": "PUT",
               "/api/instructions/preview": "POST", "/api/jobs/{job_id}/edit": "POST", "/api/looks": "POST",
               "/api/looks/{look_id}/pick": "POST"}
MULTIPART_BODIES = {"/api/settings/logo": "POST"}
NESTED = "[" * 1000 + "]" * 1000  # 2 KB, the depth that used to end in a RecursionError
NESTED_FIELD = '{"instruction": ' + "[" * 1000 + "]" * 1000 + ', "product_id": "1"}'

# (name, content type, body, expected status for a JSON endpoint, for the multipart one)
CASES = [
    ("nested", "application/json", NESTED, 400, 415),
    ("nested field", "application/json", NESTED_FIELD, 400, 415),
    ("just past the depth limit", "application/json", "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), 400, 415),
    ("oversized", "application/json", json.dumps({"instruction": "x" * LIMIT}), 413, 415),
    ("malformed", "application/json", '{"product_id": ', 400, 415),
    ("not utf-8", "application/json", b'{"instruction": "\xff\xfe"}', 400, 415),
    ("plain text", "text/plain", "make it short", 415, 415),
    ("form", "application/x-www-form-urlencoded", "product_id=1", 415, 415),
    ("xml", "application/xml", "<job/>", 415, 415),
]


@pytest.fixture
def call(client, shopify_emulator, settings):  # noqa: ANN201
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT

    def send(method: str, path: str, body: str | bytes | dict, content_type: str | None = None):  # noqa: ANN202
        headers = {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}
        if content_type is None:  # multipart
            return client.generic(method, path, **_multipart(client, body), headers=headers)
        return client.generic(method, path, body, content_type=content_type, headers=headers)

    return send


def _multipart(client, data: dict) -> dict:  # noqa: ANN001
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def credits_of(shop) -> tuple[int, int]:  # noqa: ANN001
    account = account_for(shop)
    return account.available, account.frozen


def json_error(response) -> tuple[int, str]:  # noqa: ANN001
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"] and body["error"]["code"], body
    return response.status_code, body["error"]["code"]


def test_the_lists_below_cover_every_endpoint_that_takes_a_body(client):
    spec = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    with_body = {(path, method.upper()) for path, operations in spec["paths"].items()
                 for method, operation in operations.items() if "requestBody" in operation}

    assert with_body == {(p, m) for p, m in (JSON_BODIES | MULTIPART_BODIES).items()}


@pytest.mark.parametrize(("name", "content_type", "body", "status", "multipart_status"), CASES,
                         ids=[case[0] for case in CASES])
@pytest.mark.parametrize(("path", "method"), [*JSON_BODIES.items(), *MULTIPART_BODIES.items()])
def test_hostile_bodies_get_a_json_4xx(call, shopify_shop, tiny_product, path, method, name, content_type, body,
                                       status, multipart_status):
    if "{job_id}" in path:  # an edit needs a job to edit
        path = path.format(job_id=services.create_job(shopify_shop, tiny_product(), {"duration": 2}).pk)
    if "{look_id}" in path:  # a pick needs a set of looks to pick from
        from videos.looks.models import LookSet

        path = path.format(look_id=LookSet.objects.create(shop=shopify_shop, product_id=tiny_product(),
                                                          templates=["clean"]).pk)
    jobs_before = VideoJob.objects.count()
    credits_before = credits_of(shopify_shop)

    response = call(method, path, body, content_type)

    assert json_error(response)[0] == (multipart_status if path in MULTIPART_BODIES else status)
    assert VideoJob.objects.count() == jobs_before
    assert credits_of(shopify_shop) == credits_before


def test_multipart_fields_over_the_limit_are_a_413(call, shopify_shop):
    response = call("POST", "/api/settings/logo", {"logo": SimpleUploadedFile("logo.png", b"\x89PNG"),
                                                   "note": "x" * LIMIT})

    assert json_error(response) == (413, "too_large")


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/no-such-endpoint", 404),
    ("GET", "/api/files/not-a-signed-token", 404),
    ("GET", "/api/music/no-such-track/preview", 404),
    ("DELETE", "/api/jobs", 405),
])
def test_errors_outside_the_api_views_are_json_too(call, shopify_shop, method, path, status):
    assert json_error(call(method, path, "", "application/json"))[0] == status


def test_pages_outside_the_api_keep_djangos_answers(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")
