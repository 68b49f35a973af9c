"""Fixtures for the jobs and API tests: tiny renders, a fake CDN on loopback (real HTTP), products with
small photos in the Shopify emulator, and the environment a worker process needs to share this test's DB."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[2]
TEST_SHOP = "showreel-test.myshopify.com"


# --- a CDN on loopback ------------------------------------------------------------------------------
class FakeCDN:
    """Serves `files[path] = (bytes, content_type)`; `hits` counts requests per path, `peers` lists the
    client address (host, port) of each request."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.hits: dict[str, int] = {}
        self.peers: list[tuple[str, int]] = []
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                cdn.hits[self.path] = cdn.hits.get(self.path, 0) + 1
                cdn.peers.append(self.client_address)
                body, kind = cdn.files.get(self.path, (b"not found", "text/plain"))
                status = 200 if self.path in cdn.files else 404
                if kind.startswith("redirect:"):
                    self.send_response(302)
                    self.send_header("Location", kind.removeprefix("redirect:"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, name: str, body: bytes, content_type: str = "image/png") -> str:
        self.files[f"/files/{name}"] = (body, content_type)
        return f"{self.base_url}/files/{name}"


def photo_bytes(index: int, *, size: int = 64, fmt: str = "PNG") -> bytes:
    """A small photo whose content differs by `index` (so the composer keeps them apart)."""
    image = Image.new("RGB", (size, size), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    colours = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (220, 160, 20), (140, 40, 160)]
    colour = colours[index % len(colours)]
    shapes = index % 3
    box = (size * 0.2, size * 0.2, size * 0.8, size * 0.8)
    if shapes == 0:
        draw.ellipse(box, fill=colour)
    elif shapes == 1:
        draw.rectangle(box, fill=colour)
    else:
        draw.polygon([(size / 2, size * 0.1), (size * 0.9, size * 0.9), (size * 0.1, size * 0.9)], fill=colour)
    draw.line((0, index * 7 % size, size, size - index * 5 % size), fill=(0, 0, 0), width=3)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="session")
def fake_cdn_server() -> Iterator[FakeCDN]:
    cdn = FakeCDN()
    yield cdn
    cdn.server.shutdown()


@pytest.fixture
def fake_cdn(fake_cdn_server: FakeCDN, settings) -> FakeCDN:  # noqa: ANN001
    fake_cdn_server.files.clear()
    fake_cdn_server.hits.clear()
    fake_cdn_server.peers.clear()
    settings.SHOWREEL_EXTRA_MEDIA_ORIGINS = [fake_cdn_server.base_url]
    return fake_cdn_server


# --- settings: tiny, fast, isolated ----------------------------------------------------------------
TINY = {
    "SHOWREEL_RENDER_MAX_SIDE": 96,
    "SHOWREEL_RENDER_FPS": 6,
    "SHOWREEL_MEDIA_POLL_S": 0.01,
    "SHOWREEL_RETRY_BACKOFF_S": 0.01,
    "SHOWREEL_JOB_HEARTBEAT_S": 0.0,
    "VIDEO_X264_THREADS": 1,
}


@pytest.fixture(autouse=True)
def jobs_settings(settings, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: ANN001
    """Renders at 96 px and 6 fps, files in this test's temp folder, a queue name of its own."""
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "jobs-var"  # music beds are cached across tests
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHOWREEL_WORK_DIR = tmp_path / "work"
    for name, value in TINY.items():
        setattr(settings, name, value)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "cluster_name": f"showreel-test-{uuid.uuid4().hex[:8]}"}
    from videos.jobs import faults

    yield settings
    faults.clear()
    if os.environ.get("REDIS_URL"):  # the ORM broker's rows go with the test database
        from django_q.brokers import get_broker

        get_broker(settings.Q_CLUSTER["cluster_name"]).delete_queue()


# --- products in the emulator --------------------------------------------------------------------
def add_product(emulator: Any, title: str, image_urls: list[str], *, domain: str = TEST_SHOP,
                price: str = "20.00", compare_at: str | None = None) -> str:
    """A product in the emulated shop whose photos are `image_urls`; returns its GID."""
    from devtools.shopify_emulator.state import Media, Product, iso

    store = emulator.store
    with store.lock:
        shop = store.shop(domain)
        now = iso(store.clock())
        product = Product(id=store.next_id(), title=title, handle=title.lower().replace(" ", "-"),
                          description_html=f"<p>{title}, made for tests.</p>", vendor="Test Co.", product_type="Thing",
                          tags=["test"], price=price, compare_at=compare_at, currency=shop.currency,
                          created_at=now, updated_at=now)
        for url in image_urls:
            media = Media(id=f"gid://shopify/MediaImage/{store.next_id()}", kind="IMAGE", alt=f"{title} photo",
                          filename=url.rsplit("/", 1)[-1], image_url=url, width=64, height=64, created_at=now)
            shop.media[media.id] = media
            product.media_ids.append(media.id)
        shop.products[product.id] = product
    return product.gid


def reinstall(emulator: Any, **store_options: Any) -> Any:
    """Reset the emulator with other store options (e.g. `clock=`, `bucket_max=`) and install the test shop
    again (a reset forgets every token); returns the Shop row."""
    from shopify_app import services as shopify_services
    from shopify_app.admin_api.oauth import TokenGrant

    emulator.reset(**store_options)
    answer = emulator.install(TEST_SHOP)
    return shopify_services.store_grant(TEST_SHOP, TokenGrant(access_token=answer["access_token"],
                                                              scopes=answer["scope"].split(",")))


def delete_product(emulator: Any, gid: str, *, domain: str = TEST_SHOP) -> None:
    store = emulator.store
    with store.lock:
        shop = store.shop(domain)
        shop.products.pop(int(gid.rsplit("/", 1)[1]), None)


def videos_on(emulator: Any, gid: str, *, domain: str = TEST_SHOP) -> list[dict[str, Any]]:
    return [m for m in emulator.product_media(domain, gid) if m["kind"] == "VIDEO"]


@pytest.fixture
def tiny_product(shopify_emulator: Any, fake_cdn: FakeCDN, shopify_shop: Any):  # noqa: ANN201
    """Makes products with `count` distinct 64 px photos on the fake CDN; returns their GID."""
    made = {"n": 0}

    def make(title: str = "Tiny Mug", count: int = 2, **kwargs: Any) -> str:
        made["n"] += 1
        urls = [fake_cdn.add(f"p{made['n']}-{i}.png", photo_bytes(made["n"] * 3 + i)) for i in range(count)]
        return add_product(shopify_emulator, f"{title} {made['n']}", urls, **kwargs)

    return make


@pytest.fixture
def credits_for():  # noqa: ANN201
    """Give a shop exactly `n` available credits."""
    def give(shop: Any, n: int) -> Any:
        from videos.jobs.credits import account_for
        from videos.jobs.models import CreditAccount

        account = account_for(shop)
        CreditAccount.objects.filter(pk=account.pk).update(available=n)
        account.refresh_from_db()
        return account

    return give


# --- worker processes ------------------------------------------------------------------------------
def worker_env(settings: Any, **extra: str) -> dict[str, str]:  # noqa: ANN001
    """The environment a `manage.py` process needs to work on this test's database and files."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SHOPIFY_ADMIN_BASE": settings.SHOPIFY_ADMIN_BASE or "",
        "SHOWREEL_VAR_DIR": str(settings.VAR_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SHOWREEL_WORK_DIR": str(settings.SHOWREEL_WORK_DIR),
        "SHOWREEL_EXTRA_MEDIA_ORIGINS": ",".join(settings.SHOWREEL_EXTRA_MEDIA_ORIGINS),
        "Q_CLUSTER_NAME": settings.Q_CLUSTER["cluster_name"],
        "SHOWREEL_JOBS_PER_SHOP": str(settings.SHOWREEL_JOBS_PER_SHOP),
        "LOG_LEVEL": "WARNING",
        **{name: str(getattr(settings, name)) for name in TINY},
        **extra,
    }
    return env


@dataclass
class Proc:
    """A started process, its log file, and how to reach it."""

    process: subprocess.Popen
    log: Path
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def output(self, tail: int | None = None) -> str:
        text = self.log.read_text(errors="replace")
        return text[-tail:] if tail else text

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop it, then whatever it left in its process group (a qcluster's workers, gunicorn's), so no
        process outlives the test and keeps its database in use."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def start(args: list[str], log: Path, env: dict[str, str]) -> Proc:
    handle = log.open("w")
    # A session (and process group) of its own: stop() can then end its children too.
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               start_new_session=True)
    handle.close()
    return Proc(process=process, log=log)


@contextmanager
def qcluster(settings: Any, log: Path, **env: str) -> Iterator[Proc]:  # noqa: ANN001
    """`manage.py qcluster` on this test's database and files (`env` on top of worker_env), stopped at the end."""
    proc = start([sys.executable, "manage.py", "qcluster"], log, worker_env(settings, **env))
    try:
        yield proc
    finally:
        proc.stop()


def manage(settings: Any, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=worker_env(settings, **env),
                          capture_output=True, text=True, timeout=timeout)
