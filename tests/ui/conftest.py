"""Browser tests of the embedded admin UI: Playwright drives Debian's Chromium (/usr/bin/chromium; never
`playwright install`) against the app on pytest-django's live_server, the Shopify emulator (the real
token exchange, Admin API, staged uploads, CDN) and a django-q2 worker thread that runs what the API
enqueues on the real broker (ORM on SQLite, Redis when REDIS_URL is set).

App Bridge can't load here (no internet): its CDN request is refused at once, and the page takes its
session token from the emulator's dev-session endpoint (SHOPIFY_DEV_SESSION), as it does in development.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import UI, JobWorker

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 20_000  # a job on the test canvas takes a few seconds on 2 cores; this is the ceiling


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (launching is slow)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is missing (scripts/setup.sh installs it: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (it is in the dev extra)")
    # Playwright's sync API keeps an asyncio loop on this thread, which makes Django refuse ORM calls from
    # test code ("SynchronousOnlyOperation"); the tests are plain sync code, so the check is lifted here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def ui(browser, live_server, shopify_emulator, settings, tmp_path, tmp_path_factory) -> Iterator[UI]:  # noqa: ANN001
    """A fresh browser context on the live app, the emulator framing it, and a job worker for this test."""
    # A broker queue of this test's own (videos.jobs.broker.queue_name reads "cluster_name" at enqueue time).
    queue = f"showreel-ui-{uuid.uuid4().hex[:8]}"
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "cluster_name": queue, "sync": False}
    settings.SHOPIFY_DEV_SESSION = True
    settings.SHOPIFY_APP_URL = live_server.url
    settings.SHOWREEL_EXTRA_MEDIA_ORIGINS = [shopify_emulator.base_url]  # product photos come from its CDN
    settings.SHOWREEL_RENDER_MAX_SIDE = 240  # small canvases and few frames: seconds per video on 2 cores
    settings.SHOWREEL_RENDER_FPS = 8
    settings.SHOWREEL_MEDIA_POLL_S = 0.1
    settings.SHOWREEL_RETRY_BACKOFF_S = 0.1
    settings.VIDEO_X264_THREADS = 1  # the worker shares 2 cores with the browser and the server
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "ui-var"  # music beds are synthesised once per run
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SHOWREEL_WORK_DIR = tmp_path / "work"
    app_url, shopify_emulator.app_url = shopify_emulator.app_url, live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce", locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    # App Bridge's CDN is unreachable here: refuse it at once instead of waiting for DNS.
    context.route(re.compile(r"^https://cdn\.shopify\.com/"), lambda route: route.abort())
    page = context.new_page()
    with JobWorker(queue) as worker:
        state = UI(base_url=live_server.url, emulator=shopify_emulator, page=page, worker=worker)
        page.on("pageerror", lambda error: state.console_errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: state.console_errors.append(msg.text) if msg.type == "error" else None)
        try:
            yield state
        finally:
            context.close()
            shopify_emulator.app_url = app_url
            from videos.jobs import faults

            faults.clear()
