"""Every document the app sends validates against Shopify's 2026-07 Admin schema."""

from __future__ import annotations

import pytest
from graphql import validate_schema

from shopify_app.admin_api.documents import (
    GRAPHQL_DIR,
    admin_schema,
    document_names,
    load_document,
    validate_document,
)

EXPECTED = {"file_delete", "media_status", "product", "product_attach_media", "product_nodes", "product_videos", "products", "shop_plan", "staged_uploads_create"}


def test_the_documents_live_under_shopify_app_graphql():
    assert set(document_names()) == EXPECTED
    assert GRAPHQL_DIR.as_posix().endswith("shopify_app/graphql")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_document_validates_against_the_schema(name):
    assert validate_document(load_document(name)) == []


def test_an_invalid_document_is_caught():
    errors = validate_document("query { product(id: 1) { titel } }")
    assert any("Cannot query field 'titel'" in e.message for e in errors)


def test_a_syntax_error_is_reported_not_raised():
    assert validate_document("query {")


def test_only_the_deprecated_implementation_rule_is_tolerated():
    schema = admin_schema()
    assert validate_schema(schema) == []  # the four tolerated errors were dropped, nothing else was there


def test_unknown_document_names_are_refused():
    from shopify_app.admin_api.documents import UnknownDocument

    for name in ["nope", "../schema/admin-2026-07", "product.graphql"]:
        with pytest.raises(UnknownDocument):
            load_document(name)
