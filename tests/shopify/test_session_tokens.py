"""Session-token verification: every forged or stale variant is refused with the libraries' messages."""

from __future__ import annotations

import time

import jwt
import pytest

from shopify_app.session_tokens import SessionTokenError, decode_session_token, issue_session_token

SECRET, KEY = "API Secret", "API key"
# The public vectors use a 10-byte secret; real app secrets are longer.
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
# Our own vector (claims fixed at 1700000000..1700000060, not from a public source): a regression check.
VECTOR = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL3Rlc3Qtc2hvcC5teXNob3BpZnkuY29tL2FkbWluIiwiZGVzdCI6Imh0"
    "dHBzOi8vdGVzdC1zaG9wLm15c2hvcGlmeS5jb20iLCJhdWQiOiJBUEkga2V5Iiwic3ViIjoiMSIsImV4cCI6MTcwMDAwMDA2MCwibmJmIjoxNzAw"
    "MDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjQzMjEiLCJzaWQiOiJhYmMxMjMifQ.gIC8h23ad3cP_3z3XNME2RkComdOegedsjI317bIWLw"
)


def payload(**changes) -> dict:
    # shopify_python_api test/session_token_test.py's payload, relative to now.
    now = int(time.time())
    base = {
        "iss": "https://test-shop.myshopify.com/admin",
        "dest": "https://test-shop.myshopify.com",
        "aud": KEY,
        "sub": "1",
        "exp": now + 60,
        "nbf": now,
        "iat": now,
        "jti": "4321",
        "sid": "abc123",
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def decode(token: str, **kwargs):
    return decode_session_token(token, api_key=KEY, secret=SECRET, **kwargs)


def refused(token: str, message: str) -> None:
    with pytest.raises(SessionTokenError) as caught:
        decode(token)
    assert message in caught.value.message


def test_fixed_vector_decodes_at_its_own_time():
    claims = decode(VECTOR, now=1_700_000_030)
    assert (claims.shop, claims.sub, claims.sid) == ("test-shop.myshopify.com", "1", "abc123")


def test_fixed_vector_is_expired_today():
    with pytest.raises(SessionTokenError, match="Signature has expired"):
        decode(VECTOR)


def test_valid_token_names_the_shop():
    assert decode(jwt.encode(payload(), SECRET, algorithm="HS256")).shop == "test-shop.myshopify.com"


def test_bad_signature():
    refused(jwt.encode(payload(), "not the secret", algorithm="HS256"), "Signature verification failed")


def test_alg_none_is_refused():
    refused(jwt.encode(payload(), None, algorithm="none"), "The specified alg value is not allowed")


def test_other_hmac_alg_with_the_right_secret_is_refused():
    refused(jwt.encode(payload(), SECRET, algorithm="HS512"), "The specified alg value is not allowed")


def test_expired_beyond_leeway():
    refused(jwt.encode(payload(exp=int(time.time()) - 11), SECRET, algorithm="HS256"), "Signature has expired")


def test_expired_within_leeway_is_accepted():
    assert decode(jwt.encode(payload(exp=int(time.time()) - 5), SECRET, algorithm="HS256")).shop


def test_nbf_in_the_future_beyond_leeway():
    refused(jwt.encode(payload(nbf=int(time.time()) + 30), SECRET, algorithm="HS256"), "not yet valid")


def test_nbf_within_leeway_is_accepted():
    # App Bridge clocks run a little ahead; Shopify's libraries allow 10 s.
    assert decode(jwt.encode(payload(nbf=int(time.time()) + 5), SECRET, algorithm="HS256")).shop


def test_wrong_audience():
    refused(jwt.encode(payload(aud="another app"), SECRET, algorithm="HS256"), "Audience doesn't match")


def test_issuer_and_destination_must_be_the_same_shop():
    token = jwt.encode(payload(dest="https://bad-shop.myshopify.com"), SECRET, algorithm="HS256")
    refused(token, "The issuer and destination do not match")


@pytest.mark.parametrize("iss", ["bad_shop_hostname", "http://test-shop.myshopify.com/admin", "https://test-shop.myshopify.com/evil"])
def test_invalid_issuer(iss):
    refused(jwt.encode(payload(iss=iss), SECRET, algorithm="HS256"), "Invalid issuer")


@pytest.mark.parametrize("dest", ["https://evil.com", "https://test-shop.myshopify.com.evil.com", "test-shop.myshopify.com"])
def test_destination_must_be_a_shop(dest):
    refused(jwt.encode(payload(dest=dest, iss=f"{dest}/admin"), SECRET, algorithm="HS256"), "Invalid destination")


@pytest.mark.parametrize("claim", ["exp", "nbf", "sub", "dest", "sid"])
def test_required_claims(claim):
    refused(jwt.encode(payload(**{claim: None}), SECRET, algorithm="HS256"), f'"{claim}"')


def test_garbage_is_refused():
    refused("not.a.jwt", "")


def test_issued_tokens_round_trip():
    token = issue_session_token("test-shop.myshopify.com", api_key=KEY, secret=SECRET)
    assert decode(token).shop == "test-shop.myshopify.com"
