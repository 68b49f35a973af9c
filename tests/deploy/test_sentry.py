"""With SENTRY_DSN set, a task that fails in a worker reaches the error tracker (a Sentry-compatible receiver on
loopback: the SDK's real HTTP envelopes)."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.deploy.conftest import app_env, start_qcluster, wait_until


@pytest.fixture
def sentry_receiver() -> Iterator[tuple[str, list[bytes]]]:
    """A Sentry ingest endpoint: keeps each envelope the SDK posts; yields (DSN, envelopes)."""
    envelopes: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            envelopes.append(gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://public@127.0.0.1:{server.server_address[1]}/1", envelopes
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_a_failing_worker_task_reaches_sentry(settings, sentry_receiver, processes, tmp_path):
    pytest.importorskip("sentry_sdk")
    from django_q.tasks import async_task

    from videos.jobs.broker import queue_name

    dsn, envelopes = sentry_receiver
    # Given a worker process with SENTRY_DSN set
    start_qcluster(processes, app_env(settings, SENTRY_DSN=dsn, Q_WORKERS="1"), tmp_path / "qcluster.log")
    # When a task fails in it
    async_task("math.sqrt", -1, cluster=queue_name())
    # Then the error tracker receives an event naming the failure
    wait_until(lambda: any(b"math domain error" in envelope for envelope in envelopes), 60, "the Sentry event",
               tmp_path / "qcluster.log")
    event = next(envelope for envelope in envelopes if b"math domain error" in envelope)
    assert b'"level":"error"' in event and b"Failed" in event
