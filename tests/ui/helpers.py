"""Helpers of the browser tests (fixtures are in conftest.py): the admin's signed URLs, a job worker thread,
screenshots."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings as django_settings

log = logging.getLogger(__name__)

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
SHOP = "showreel-ui.myshopify.com"



class JobWorker:
    """A django-q2 consumer on a thread: takes tasks from the broker queue the API enqueues on and runs them
    as a `qcluster` worker would (same signed packages, same functions), so pages see real progress."""

    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name=f"ui-worker-{queue}", daemon=True)

    def _run(self) -> None:
        from django.db import connections
        from django.utils.module_loading import import_string
        from django_q.brokers import get_broker
        from django_q.signing import SignedPackage

        broker = get_broker(self.queue)
        try:
            while not self.stop.is_set():
                for ack, payload in broker.dequeue() or []:
                    task = SignedPackage.loads(payload)
                    func = import_string(task["func"]) if isinstance(task["func"], str) else task["func"]
                    try:
                        func(*task.get("args", ()), **task.get("kwargs", {}))
                    except Exception as exc:  # the job's own failure handling has run; keep it for the test
                        log.exception("ui worker: %s failed", task.get("name"))
                        self.errors.append(exc)
                    finally:
                        if ack is not None:
                            broker.acknowledge(ack)
                self.stop.wait(0.05)
            broker.delete_queue()  # nothing of this test's is left on Redis for the next one
        finally:
            connections.close_all()

    def __enter__(self) -> JobWorker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=60)


@dataclass
class UI:
    """What a browser test needs: the signed admin URLs, a page, the emulator, screenshots."""

    base_url: str
    emulator: Any
    page: Any
    worker: JobWorker
    console_errors: list[str] = field(default_factory=list)

    @property
    def products(self) -> list[dict[str, Any]]:
        return self.emulator.products(SHOP)

    def product(self, title: str) -> dict[str, Any]:
        return next(p for p in self.products if p["title"] == title)

    def install(self, **shop_settings: Any) -> Any:
        """Install the app before the first page load (as a past visit would have) with these settings."""
        from shopify_app import services
        from shopify_app.admin_api.oauth import TokenGrant
        from videos.jobs import preferences

        answer = self.emulator.install(SHOP)
        shop = services.store_grant(SHOP, TokenGrant(access_token=answer["access_token"], scopes=answer["scope"].split(",")))
        if shop_settings:
            preferences.update_settings(shop, shop_settings)
        return shop

    def url(self, path: str = "/app/", params: list[tuple[str, str]] | None = None, hash: str = "") -> str:
        """The URL the Shopify admin opens: a signed query with shop, host, id_token, timestamp, hmac."""
        query = urlencode(self.emulator.signed_query(SHOP, params or []))
        return f"{self.base_url}{path}?{query}{hash}"

    def open(self, path: str = "/app/", params: list[tuple[str, str]] | None = None, hash: str = "") -> Any:
        self.page.goto(self.url(path, params, hash))
        return self.page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # Pictures on screen finish loading first (the screenshot is for people to look at).
        self.page.wait_for_function(
            "[...document.images].filter(i => i.offsetParent && !i.hidden).every(i => i.complete)", timeout=10_000)
        self.page.screenshot(path=str(path), full_page=True)
        return path


def script_errors(ui: UI) -> list[str]:
    """Console errors other than the refused App Bridge script and HTTP errors the page handled itself."""
    return [e for e in ui.console_errors if "Failed to load resource" not in e]


def view(page: Any, name: str) -> Any:
    """The visible view (section) `name`: home, generate, job, bulk, batch, settings."""
    section = page.locator(f'section[data-view="{name}"]')
    section.wait_for(state="visible")
    return section


# The page's own API client (the same module instance the app uses, so the same session token).
_API_CALL = """async ([method, path, body]) => {
  const src = document.querySelector('script[type="module"][src*="showreel/js/app.js"]').src;
  const { api } = await import(src.replace(/app\\.js.*$/, "api.js"));
  return method === "GET" ? api.get(path) : api.post(path, body);
}"""


def api_get(page: Any, path: str) -> Any:
    """GET /api{path} as the page does: what the figures on screen must match."""
    return page.evaluate(_API_CALL, ["GET", path, None])


def api_post(page: Any, path: str, body: Any = None) -> Any:
    return page.evaluate(_API_CALL, ["POST", path, body])


def credits_words(credits: dict[str, Any]) -> str:
    """How the page must state the credits: what is left of the plan's monthly allowance."""
    return f"{credits['available']} of {credits['monthly_allowance']} left this month"


class NobodysQueue:
    """While inside, what the API enqueues goes to a queue no worker reads (as behind a stopped cluster), so
    jobs wait; the queue is emptied afterwards (on Redis it would otherwise outlive the test)."""

    NAME = "showreel-ui-nobody"

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    def __enter__(self) -> NobodysQueue:
        self.saved = self.settings.Q_CLUSTER
        self.settings.Q_CLUSTER = {**self.saved, "cluster_name": self.NAME}
        return self

    def __exit__(self, *exc: object) -> None:
        from django_q.brokers import get_broker

        self.settings.Q_CLUSTER = self.saved
        get_broker(self.NAME).delete_queue()
