"""The NemoVideo client against the fake server: tokens, headers, error codes, retries, SSE."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from devtools.nemo_fake.server import FakeNemoServer
from shopify_app import crypto
from videos.backends.nemo.client import NemoClient, client_from_settings
from videos.backends.nemo.credentials import StaticToken
from videos.backends.nemo.errors import (
    NemoAuthError,
    NemoMissingClientId,
    NemoNetworkError,
    NemoRateLimited,
    NemoServerError,
    NemoSessionNotFound,
)
from videos.backends.nemo.models import NemoCredential
from videos.backends.nemo.selectors import get_credit_balance

pytestmark = pytest.mark.django_db


def token_requests(fake: FakeNemoServer) -> list:
    return [r for r in fake.api_requests() if r.path == "/api/auth/anonymous-token"]


# --- tokens ------------------------------------------------------------------------------------------


def test_anonymous_token_is_stored_encrypted_with_a_stable_client_id(
    client: NemoClient, fake: FakeNemoServer
) -> None:
    # Given no NEMO_TOKEN / When the first call is made
    client.credits()

    # Then a token was issued to a client id, and the DB keeps only its ciphertext
    (issued,) = token_requests(fake)
    credential = NemoCredential.objects.get()
    token = next(iter(fake.tokens))
    assert issued.headers["X-Client-Id"] == credential.client_id
    assert token not in credential.token_encrypted
    assert crypto.decrypt(credential.token_encrypted) == token
    assert credential.user_id == fake.users[credential.client_id]


def test_a_second_client_reuses_the_stored_token(
    client: NemoClient, fake: FakeNemoServer, sleeps: list
) -> None:
    client.credits()
    # When another worker builds its client
    other = client_from_settings(sleep=sleeps.append)
    try:
        other.credits()
    finally:
        other.close()
    # Then no new token was requested
    assert len(token_requests(fake)) == 1


def test_1001_reacquires_the_token_with_the_same_client_id(client: NemoClient, fake: FakeNemoServer) -> None:
    # Given a working token that then expires (1001 on the next call)
    client.credits()
    old = crypto.decrypt(NemoCredential.objects.get().token_encrypted)
    fake.fail_next("1001", "/api/credits")

    # When the client calls again
    balance = client.credits()

    # Then it re-acquired a token for the same X-Client-Id, stored it, and the call went through
    first, second = token_requests(fake)
    assert first.headers["X-Client-Id"] == second.headers["X-Client-Id"]
    new = crypto.decrypt(NemoCredential.objects.get().token_encrypted)
    assert new != old and new in fake.tokens
    assert balance.available == 100


def test_an_unknown_token_is_replaced_too(client: NemoClient, fake: FakeNemoServer) -> None:
    # Given a stored token the server no longer knows (HTTP 401 with code 1001)
    client.credits()
    fake.tokens.clear()
    # When called / Then the client recovers by itself
    assert client.credits().total == 100
    assert len(token_requests(fake)) == 2


def test_configured_token_is_used_and_a_rejection_is_a_clear_error(
    nemo_settings, fake: FakeNemoServer
) -> None:  # noqa: ANN001
    # Given NEMO_TOKEN set to a token the server knows
    fake.tokens["nmv_usr_configured"] = "ops"
    nemo_settings.NEMO_TOKEN = "nmv_usr_configured"
    client = client_from_settings()
    try:
        # When used / Then it is the bearer and no anonymous token is requested
        client.credits()
        assert fake.api_requests()[-1].headers["Authorization"] == "Bearer nmv_usr_configured"
        assert isinstance(client.tokens, StaticToken)
        assert token_requests(fake) == []
        # And when it expires, the error says so and is not retryable
        fake.fail_next("1001")
        with pytest.raises(NemoAuthError, match="NEMO_TOKEN") as error:
            client.credits()
        assert error.value.retryable is False
    finally:
        client.close()


def test_nemo_client_id_setting_overrides_the_generated_one(nemo_settings, fake: FakeNemoServer) -> None:  # noqa: ANN001
    nemo_settings.NEMO_CLIENT_ID = "shop-42"
    client = client_from_settings()
    try:
        client.credits()
    finally:
        client.close()
    assert token_requests(fake)[0].headers["X-Client-Id"] == "shop-42"
    assert NemoCredential.objects.get().client_id == "shop-42"


def test_missing_client_id_is_a_typed_error(client: NemoClient) -> None:
    with pytest.raises(NemoMissingClientId):
        client.anonymous_token("")


# --- headers -----------------------------------------------------------------------------------------


def test_every_request_carries_the_attribution_headers(client: NemoClient, fake: FakeNemoServer) -> None:
    # When several endpoints are called
    session = client.create_session("en")
    client.get_state(session.session_id)
    client.credits()
    # Then each request named the skill, our version and the platform; all but the token call had a bearer
    requests = fake.api_requests()
    assert len(requests) == 4
    for request in requests:
        assert request.headers["X-Skill-Source"] == "ecommerce-product-video"
        assert request.headers["X-Skill-Version"] == "0.1.0"
        assert request.headers["X-Skill-Platform"] == "unknown"
        if request.path != "/api/auth/anonymous-token":
            assert request.headers["Authorization"].startswith("Bearer nmv_usr_")
    assert requests[1].json == {"task_name": "project", "language": "en"}


def test_platform_header_follows_the_setting(nemo_settings, fake: FakeNemoServer) -> None:  # noqa: ANN001
    nemo_settings.NEMO_SKILL_PLATFORM = "shopify"
    client = client_from_settings()
    try:
        client.credits()
    finally:
        client.close()
    assert {r.headers["X-Skill-Platform"] for r in fake.api_requests()} == {"shopify"}


# --- credits, rate limits, network ----------------------------------------------------------------------


def test_credit_balance_selector(nemo_settings, fake: FakeNemoServer) -> None:  # noqa: ANN001
    fake.credits = 70
    balance = get_credit_balance()
    assert (balance.available, balance.frozen, balance.total) == (70, 0, 70)


def test_429_waits_then_retries_once(client: NemoClient, fake: FakeNemoServer, sleeps: list) -> None:
    # Given one rate-limited answer / When called / Then the client waited 30 s once and succeeded
    client.credits()
    fake.fail_next("429", "/api/credits")
    assert client.credits().available == 100
    assert sleeps == [30.0]


def test_a_second_429_is_a_retryable_error(client: NemoClient, fake: FakeNemoServer, sleeps: list) -> None:
    client.credits()
    fake.fail_next("429", "/api/credits")
    fake.fail_next("429", "/api/credits")
    with pytest.raises(NemoRateLimited) as error:
        client.credits()
    assert (error.value.retryable, error.value.code, sleeps) == (True, "nemo_rate_limited", [30.0])


def test_dropped_connections_on_reads_retry_with_backoff(
    client: NemoClient, fake: FakeNemoServer, sleeps: list
) -> None:
    client.credits()
    fake.fail_next("drop", "/api/credits")
    fake.fail_next("500", "/api/credits")
    assert client.credits().available == 100
    assert sleeps == [1.0, 2.0]


def test_network_retries_are_bounded(client: NemoClient, fake: FakeNemoServer, sleeps: list) -> None:
    client.credits()
    for _ in range(3):
        fake.fail_next("500", "/api/credits")
    with pytest.raises(NemoServerError) as error:
        client.credits()
    assert error.value.retryable is True
    assert sleeps == [1.0, 2.0]


def test_a_dropped_write_is_not_resent(client: NemoClient, fake: FakeNemoServer, sleeps: list) -> None:
    # Given a session create whose connection drops after the request went out
    client.credits()
    fake.fail_next("drop", "/api/tasks")
    # When created / Then the error is retryable for the job, but the client did not send it twice
    with pytest.raises(NemoNetworkError) as error:
        client.create_session("en")
    assert error.value.retryable is True
    assert len([r for r in fake.api_requests() if r.path.startswith("/api/tasks")]) == 1


def test_an_unreachable_server_is_retried_then_reported(db, sleeps: list) -> None:  # noqa: ANN001
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = NemoClient(f"http://127.0.0.1:{port}", StaticToken("t"), version="0.1.0", sleep=sleeps.append)
    try:
        with pytest.raises(NemoNetworkError, match="Cannot reach NemoVideo") as error:
            client.credits()
    finally:
        client.close()
    assert error.value.before_send and error.value.retryable
    assert sleeps == [2.0, 4.0]


def test_1002_on_state_is_session_not_found(client: NemoClient, fake: FakeNemoServer) -> None:
    session = client.create_session("en")
    fake.fail_next("1002", "/api/state")
    with pytest.raises(NemoSessionNotFound) as error:
        client.get_state(session.session_id)
    assert error.value.retryable is True


# --- SSE ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["adk", "typed"])
def test_chat_reads_through_heartbeats_and_empty_data_lines(
    client: NemoClient, fake: FakeNemoServer, style: str
) -> None:
    # Given a stream with a comment, heartbeats, empty data lines and tool events before the reply
    fake.sse_style = style
    session = client.create_session("en")
    events = []

    # When chatting
    result = client.chat(
        session.session_id, 'Create a 2-second video. Title text: "Cap".', on_event=events.append
    )

    # Then the reply is read once (ADK's partial chunks are not doubled), and the rest counted
    assert result.text.startswith('Done! I made a slideshow of your 0 files with the title "Cap".')
    assert result.text.count("Done!") == 1
    assert result.heartbeats >= 3
    assert "edit_multitrack" in result.tools
    assert not (result.disconnected or result.timed_out)
    assert len(events) >= 6  # the SSE comment is not an event
    body = next(r for r in fake.api_requests() if r.path == "/run_sse").json
    assert body["app_name"] == "nemo_agent" and body["user_id"] == "me"
    assert body["new_message"]["parts"][0]["text"].startswith("Create a 2-second")


def test_chat_without_text_reports_only_tools(client: NemoClient, fake: FakeNemoServer) -> None:
    session = client.create_session("en")
    fake.fail_next("no_text", "/run_sse")
    result = client.chat(session.session_id, "Add a title")
    assert result.text == ""
    assert result.tools == ["edit_multitrack", "edit_multitrack"]
    # the state was updated all the same
    assert client.get_state(session.session_id)["state"]["draft"]["t"]


def test_chat_gives_up_at_the_ceiling(client: NemoClient, fake: FakeNemoServer) -> None:
    session = client.create_session("en")
    fake.fail_next("hang", "/run_sse")
    client.sse_timeout_s = 0.3
    result = client.chat(session.session_id, "Generate a video")
    assert result.timed_out and result.text == ""


def test_chat_on_a_lost_session_is_session_not_found(client: NemoClient) -> None:
    # ADK answers 404 {"detail": "Session not found"}
    with pytest.raises(NemoSessionNotFound):
        client.chat("1234567890123456789", "hello")


# --- uploads -----------------------------------------------------------------------------------------


def test_uploads_by_file_and_by_url(client: NemoClient, fake: FakeNemoServer, photos: Path) -> None:
    # Given a photo uploaded as a file (multipart field "files")
    first = client.create_session("en")
    (uploaded,) = client.upload_files(first.session_id, [photos / "cap-red-front.png"])
    assert (uploaded.filename, uploaded.file_type) == ("cap-red-front.png", "image")
    assert fake.api_requests()[-1].filenames == ["cap-red-front.png"]

    # When another session takes it by URL (the JSON form)
    second = client.create_session("en")
    (by_url,) = client.upload_urls(second.session_id, [uploaded.cdn_url])

    # Then the cloud fetched it itself and lists it in the new session's state
    upload = [r for r in fake.api_requests() if r.path.startswith("/api/upload-video/")][-1]
    assert upload.json == {"urls": [uploaded.cdn_url], "source_type": "url"}
    assert by_url.filename == "cap-red-front.png"
    assert client.get_state(second.session_id)["state"]["video_infos"][0]["filename"] == "cap-red-front.png"
