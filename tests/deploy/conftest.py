"""Fixtures for the deployment tests: the processes a deployment runs (gunicorn, `manage.py qcluster`), a real
S3-compatible server (moto's standalone server) and a Redis server of their own, all on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.jobs.fixtures import (  # noqa: F401
    Proc,
    credits_for,
    fake_cdn,
    fake_cdn_server,
    jobs_settings,
    start,
    tiny_product,
    worker_env,
)

S3_KEYS = {"AWS_ACCESS_KEY_ID": "showreel-test", "AWS_SECRET_ACCESS_KEY": "showreel-test-secret",
           "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Any, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not come up within {timeout:.0f}s\n{tail}")


@pytest.fixture
def processes() -> Iterator[list[Proc]]:
    """Processes a test starts; all stopped at its end, in reverse order."""
    started: list[Proc] = []
    yield started
    for proc in reversed(started):  # all asked to stop at once, then waited for
        if proc.process.poll() is None:
            proc.process.terminate()
    for proc in reversed(started):
        proc.stop()


def start_gunicorn(processes: list[Proc], env: dict[str, str], log: Path, *, port: int = 0) -> Proc:
    """`gunicorn shopify_app.wsgi` as the Procfile runs it (gunicorn.conf.py), on a free loopback port."""
    port = port or free_port()
    proc = start([sys.executable, "-m", "gunicorn", "shopify_app.wsgi", "--bind", f"127.0.0.1:{port}",
                  "--workers", "1", "--threads", "4"], log, env)
    processes.append(proc)
    proc.url = f"http://127.0.0.1:{port}"
    wait_until(lambda: proc.process.poll() is None and httpx.get(f"{proc.url}/healthz", timeout=2).status_code == 200,
               30, "gunicorn", log)
    return proc


def start_qcluster(processes: list[Proc], env: dict[str, str], log: Path) -> Proc:
    proc = start([sys.executable, "manage.py", "qcluster"], log, env)
    processes.append(proc)
    return proc


# --- an S3-compatible server ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's standalone S3 server on a free loopback port (a real HTTP server, its own process)."""
    port = free_port()
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    proc = start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log,
                 {**os.environ, **S3_KEYS})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{url}/moto-api/", timeout=2).status_code < 500, 30, "moto's S3 server", log)
        yield url
    finally:
        proc.stop()


def s3_storage_env(endpoint: str, bucket: str) -> dict[str, str]:
    return {"SHOWREEL_S3_BUCKET": bucket, "SHOWREEL_S3_ENDPOINT_URL": endpoint, "SHOWREEL_S3_ADDRESSING_STYLE": "path",
            "SHOWREEL_S3_REGION": "us-east-1", **S3_KEYS}


@pytest.fixture
def s3_bucket(s3_server: str, settings, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    """A new, empty bucket; Django storage (this process) points at it, as settings.py does for
    SHOWREEL_S3_BUCKET."""
    import boto3

    for name, value in S3_KEYS.items():
        monkeypatch.setenv(name, value)
    bucket = f"showreel-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {"bucket_name": bucket, "endpoint_url": s3_server, "region_name": "us-east-1",
                                "addressing_style": "path", "signature_version": "s3v4", "querystring_auth": True,
                                "querystring_expire": settings.SHOWREEL_FILE_URL_MAX_AGE_S,
                                "file_overwrite": True, "default_acl": None}},
    }
    return bucket


# --- a Redis server of our own ----------------------------------------------------------------------
@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Proc]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                  "--dir", str(tmp_path)], tmp_path / "redis.log", dict(os.environ))
    proc.url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    try:
        wait_until(answers, 15, "redis-server", proc.log)
        yield proc
    finally:
        proc.stop()


def app_env(settings: Any, **extra: str) -> dict[str, str]:  # noqa: ANN001
    """What a web or worker process of this test's deployment gets: the test database and settings, the
    development app credentials the emulator knows, and `extra`."""
    return worker_env(settings, SHOPIFY_API_KEY=settings.SHOPIFY_API_KEY, SHOPIFY_API_SECRET=settings.SHOPIFY_API_SECRET,
                      SHOPIFY_EMULATOR_ENABLED="1", **extra)
