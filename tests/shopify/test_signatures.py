"""Query and webhook HMACs against the public vectors of Shopify's own libraries
(https://github.com/Shopify/shopify_python_api, test/session_test.py), plus a regression vector of ours."""

from __future__ import annotations

import time

import pytest
from django.http import QueryDict

from shopify_app.signatures import (
    SignatureError,
    query_hmac,
    signing_message,
    verify_query_hmac,
    verify_webhook_hmac,
    webhook_hmac,
)

# shopify_python_api test/session_test.py::test_hmac_calculation (Shopify's documentation example).
DOC_PARAMS = {
    "shop": "some-shop.myshopify.com",
    "code": "a94a110d86d2452eb3e2af4cfb8a3828",
    "timestamp": "1337178173",
    "hmac": "2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2",
}


def test_documentation_vector_signs_sorted_pairs_without_hmac():
    assert signing_message(DOC_PARAMS) == "code=a94a110d86d2452eb3e2af4cfb8a3828&shop=some-shop.myshopify.com&timestamp=1337178173"
    assert query_hmac(DOC_PARAMS, "hush") == DOC_PARAMS["hmac"]
    verify_query_hmac(DOC_PARAMS, "hush", max_age_s=None)


def test_delimiters_inside_keys_and_values_are_escaped():
    # shopify_python_api test_hmac_calculation_with_ampersand_and_equal_sign_characters.
    params = {"a": "1&b=2", "c=3&d": "4"}
    assert signing_message(params) == "a=1%26b=2&c%3D3%26d=4"
    assert query_hmac(params, "secret") == "8de3c7e965d22fa21e059868e4004f5b6fbdcef293d1622ff9408edd6325bc6b"


def test_array_params_from_bulk_links_are_signed_as_json_lists():
    # shopify_python_api test_param_validation_of_param_values_with_lists, as a real query string would carry it.
    query = QueryDict("shop=some-shop.myshopify.com&ids[]=2&ids[]=1&hmac=b93b9f82996f6f8bf9f1b7bbddec284c8fabacdc4e12dc80550b4705f3003b1e")
    assert signing_message(query) == 'ids=["2", "1"]&shop=some-shop.myshopify.com'
    verify_query_hmac(query, "hush", max_age_s=None)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"shop": "other-shop.myshopify.com"}, "bad_hmac"),  # tampered value
        ({"hmac": "0" * 64}, "bad_hmac"),
        ({"hmac": ""}, "missing_hmac"),
    ],
)
def test_tampered_or_missing_query_hmac_is_refused(change, code):
    with pytest.raises(SignatureError) as caught:
        verify_query_hmac(DOC_PARAMS | change, "hush", max_age_s=None)
    assert caught.value.code == code


def test_repeated_plain_parameter_is_refused_rather_than_guessed():
    query = QueryDict("shop=a.myshopify.com&shop=b.myshopify.com&hmac=x")
    with pytest.raises(SignatureError, match="repeated"):
        verify_query_hmac(query, "hush", max_age_s=None)


def test_stale_timestamp_is_refused_even_with_a_valid_hmac():
    # The documentation vector is from 2012: signed correctly, but far too old.
    with pytest.raises(SignatureError) as caught:
        verify_query_hmac(DOC_PARAMS, "hush", max_age_s=86400)
    assert caught.value.code == "stale_timestamp"


def test_fresh_timestamp_is_accepted():
    params = {"shop": "some-shop.myshopify.com", "timestamp": str(int(time.time()))}
    params["hmac"] = query_hmac(params, "hush")
    verify_query_hmac(params, "hush", max_age_s=60)


def test_webhook_vector():
    # Our own vector (computed here, not from a public source): a regression check only.
    body = b'{"shop_id":954889,"shop_domain":"snowdevil.myshopify.com"}'
    assert webhook_hmac(body, "hush") == "unXxOs41nqtk5v6Btqh9qz9Dh6mprKtn5eLN4XfJwSY="
    verify_webhook_hmac(body, "unXxOs41nqtk5v6Btqh9qz9Dh6mprKtn5eLN4XfJwSY=", "hush")


@pytest.mark.parametrize("header", [None, "", "unXxOs41nqtk5v6Btqh9qz9Dh6mprKtn5eLN4XfJwSX=", "not base64 at all"])
def test_webhook_with_bad_or_missing_hmac_is_refused(header):
    with pytest.raises(SignatureError):
        verify_webhook_hmac(b'{"shop_id":954889,"shop_domain":"snowdevil.myshopify.com"}', header, "hush")
