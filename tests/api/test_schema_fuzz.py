"""Schemathesis against /api/schema/: requests generated from the OpenAPI schema (valid and invalid) get a
4xx or a 2xx, never a 5xx, and every error is in the API's error format."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings

from tests.jobs.fixtures import TEST_SHOP, reinstall

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (dev extra) is not installed")
NOT_SET = pytest.importorskip("schemathesis.core").NOT_SET

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 10
OURS = r"^/api/(products|shopify/products|jobs|batches|credits|settings|templates|music|instructions)"


def send(client, case, headers: dict[str, str]):  # noqa: ANN001, ANN201
    """One generated case through Django's test client (keeps the test's database transaction)."""
    path = case.formatted_path
    query = {k: v for k, v in (case.query or {}).items() if v is not None}
    if query:
        path += "?" + urlencode(query, doseq=True)
    if case.body is NOT_SET:
        return client.generic(case.method, path, headers=headers)
    if case.media_type and case.media_type.startswith("multipart/"):
        body = case.body if isinstance(case.body, dict) else {}
        form = {str(k) or "field": (SimpleUploadedFile("upload.bin", v) if isinstance(v, bytes) else
                                    "" if v is None else str(v)) for k, v in body.items()}
        return client.post(path, form, headers=headers)
    return client.generic(case.method, path, json.dumps(case.body), content_type="application/json", headers=headers)


def fuzz(operation, client, token, seen: dict[str, set[int]]):  # noqa: ANN001, ANN201
    """A Hypothesis test sending EXAMPLES_PER_OPERATION generated cases of one operation."""

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case) -> None:  # noqa: ANN001
        response = send(client, case, {"Authorization": f"Bearer {token()}"})
        seen.setdefault(operation.label, set()).add(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.body!r}: {response.content[:300]!r}"
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            assert set(response.json()) == {"error"}, response.content[:300]

    return check


def test_generated_requests_never_get_a_server_error(client, shopify_shop, shopify_emulator, tiny_product):
    reinstall(shopify_emulator, bucket_max=1e9, restore_rate=1e9)  # no THROTTLED waits in this test
    tiny_product()
    spec = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    schema = schemathesis.openapi.from_dict(spec).include(path_regex=OURS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    seen: dict[str, set[int]] = {}

    for operation in operations:
        fuzz(operation, client, lambda: shopify_emulator.session_token(TEST_SHOP), seen)()

    assert set(seen) == {operation.label for operation in operations}
