"""Reading products: the Admin GraphQL shape (nodes or edges, featured media first), the flat shape, media
downloaded from http(s) URLs (a real server on 127.0.0.1), and clear errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.composer.helpers import EXAMPLE_PHOTOS, REPO
from videos.composer import ComposeError, Product, compose
from videos.media.download import DownloadError, download

PNG = (EXAMPLE_PHOTOS / "cap-red-front.png").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path == "/cap.png" or path == "/no-extension":
            self._send(200, PNG, "image/png")
        elif path == "/big.png":
            self._send(200, PNG * 4, "image/png")
        elif path == "/slow.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/broken":
            self._send(503, b"busy", "text/plain")
        else:
            self._send(404, b"nope", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def cdn() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def admin(media: list[dict], **extra: object) -> dict:
    return {"data": {"product": {"title": "Red Cap", "descriptionHtml": "<p>Cotton &amp; wool</p>", "vendor": "Acme",
                                 "tags": ["caps"], "priceRangeV2": {"minVariantPrice": {"amount": "25.0", "currencyCode": "EUR"}},
                                 "media": {"nodes": media}, **extra}}}


def test_the_example_sneakers_file_loads_with_hero_first_prices_and_alt_text() -> None:
    product = Product.load(REPO / "examples" / "products" / "sneakers.json")
    assert product.title == "Blue Canvas Slip-On Sneakers"
    assert (product.price, product.compare_at_price, product.currency) == (Decimal("59.00"), Decimal("79.00"), "USD")
    assert [i.path.name for i in product.images] == ["slipon-blue-pair-angle.png", "slipon-blue-side.png", "slipon-blue-top.png"]
    assert product.images[0].alt == "Blue slip-on sneakers, pair at an angle"
    assert product.vendor == "Harbour & Co." and "Lightweight canvas" in product.description and "<" not in product.description
    assert all(i.path.is_absolute() for i in product.images)


def test_admin_shape_with_edges_variants_and_videos(tmp_path: Path, tiny_clip: Path) -> None:
    data = admin([], variants={"edges": [{"node": {"price": "19.99", "compareAtPrice": "29.99"}}]})
    data["data"]["product"]["media"] = {"edges": [
        {"node": {"mediaContentType": "IMAGE", "image": {"url": str(EXAMPLE_PHOTOS / "cap-red-front.png"), "altText": "front"}}},
        {"node": {"mediaContentType": "VIDEO", "duration": 3000, "sources": [
            {"url": str(tiny_clip), "mimeType": "video/mp4", "height": 64},
            {"url": "https://example.invalid/hls.m3u8", "mimeType": "application/x-mpegURL", "height": 1080}]}},
        {"node": {"mediaContentType": "EXTERNAL_VIDEO", "embedUrl": "https://youtube.example/x"}},
        {"node": {"mediaContentType": "MODEL_3D"}},
    ]}
    product = Product.from_json(data, tmp_path)
    assert (product.price, product.compare_at_price, product.currency) == (Decimal("19.99"), Decimal("29.99"), "EUR")
    assert [v.duration for v in product.videos] == [3.0]
    assert product.description == "Cotton & wool"
    assert len(product.notes) == 2 and "external video" in product.notes[0]


def test_flat_shape_with_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.png").write_bytes(PNG)
    spec_file = tmp_path / "product.json"
    spec_file.write_text(json.dumps({"title": "  Cap  ", "price": "12.5", "compare_at_price": 20, "currency": "gbp",
                                     "images": ["photos/a.png", {"path": "photos/a.png", "alt": "again"}]}))
    product = Product.load(spec_file)
    assert product.title == "Cap" and product.currency == "GBP" and product.compare_at_price == Decimal("20")
    assert [i.alt for i in product.images] == ["", "again"]
    assert product.images[0].path == (tmp_path / "photos" / "a.png").resolve()


def test_image_urls_are_downloaded_from_the_server(cdn: str, tmp_path: Path) -> None:
    data = admin([{"mediaContentType": "IMAGE", "image": {"url": f"{cdn}/cap.png?v=123", "altText": "from the CDN"}},
                  {"mediaContentType": "IMAGE", "image": {"url": f"{cdn}/no-extension"}}])
    product = Product.from_json(data, tmp_path, download_dir=tmp_path / "dl")
    assert [i.path.name for i in product.images] == ["001-cap.png", "002-no-extension.png"]
    assert product.images[0].path.read_bytes() == PNG
    spec = compose(product)
    assert spec.segments_of("video")[0].source.startswith(str(tmp_path / "dl"))


@pytest.mark.parametrize(
    ("path", "limit", "timeout", "reason", "retryable"),
    [("/missing.png", 10**7, 5.0, "HTTP 404", False), ("/broken", 10**7, 5.0, "HTTP 503", True),
     ("/big.png", len(PNG), 5.0, "over the", False), ("/slow.png", 10**7, 0.5, "timed out", True)],
)
def test_download_failures_say_whether_a_retry_can_help(cdn: str, tmp_path: Path, path: str, limit: int, timeout: float,
                                                         reason: str, retryable: bool) -> None:
    with pytest.raises(DownloadError) as error:
        download(f"{cdn}{path}?token=secret", tmp_path / "media", max_bytes=limit, timeout_s=timeout)
    assert reason in str(error.value) and error.value.retryable is retryable
    assert "secret" not in str(error.value)  # signed query strings stay out of messages
    assert not list(tmp_path.iterdir())  # no partial file left


def test_a_failed_download_in_a_product_is_a_compose_error_naming_the_media(cdn: str, tmp_path: Path) -> None:
    data = admin([{"mediaContentType": "IMAGE", "image": {"url": f"{cdn}/missing.png"}}])
    with pytest.raises(ComposeError, match=r"product.media\[0\].image.url: download failed: .*HTTP 404"):
        Product.from_json(data, tmp_path, download_dir=tmp_path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"images": ["a.png"]}, "product.title: is required"),
        ({"title": "x", "price": "cheap", "images": ["a.png"]}, "product.price: not a number"),
        ({"title": "x", "price": "-1", "images": ["a.png"]}, "must be a finite amount >= 0"),
        ({"title": "x", "images": ["missing.png"]}, r"product.images\[0\]: file not found"),
        ({"title": "x", "images": ["ftp://host/a.png"]}, "unsupported URL"),
        ({"title": "x", "images": [{"alt": "no path"}]}, r"product.images\[0\]: must be a path"),
        ({"title": "x", "images": "a.png"}, "product.images: must be a list"),
        ({"title": "x"}, "no photos or videos"),
        (["not", "an", "object"], "must be a JSON object"),
    ],
)
def test_bad_products_are_clear_errors(tmp_path: Path, data: object, message: str) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    with pytest.raises(ComposeError, match=message):
        Product.from_json(data, tmp_path)


def test_unreadable_product_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ComposeError, match="file not found"):
        Product.load(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ComposeError, match="not valid JSON"):
        Product.load(broken)
