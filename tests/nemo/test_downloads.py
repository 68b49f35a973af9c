"""Downloading the rendered video: only from NemoVideo's own hosts, redirects included, capped in size.

Two real HTTP servers on loopback: one plays NemoVideo's API (its origin is NEMO_API_URL), the other a
foreign host that must never be asked for anything."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from videos.backends.nemo.client import NemoClient
from videos.backends.nemo.credentials import StaticToken
from videos.backends.nemo.errors import NemoDownloadRefused, NemoProtocolError

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"x" * 4000
TOKEN = "nmv_usr_download_test"


class Host:
    """Serves `routes[path] = (status, headers, body)`; records each request's path and headers."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                host.requests.append((self.path, dict(self.headers)))
                status, headers, body = host.routes.get(self.path, (404, {}, b"{}"))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def reset(self) -> Host:
        self.routes.clear()
        self.requests.clear()
        return self


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[Host, Host]]:
    pair = Host(), Host()
    yield pair
    for host in pair:
        host.server.shutdown()


@pytest.fixture
def api(hosts: tuple[Host, Host]) -> Host:
    return hosts[0].reset()


@pytest.fixture
def foreign(hosts: tuple[Host, Host]) -> Host:
    host = hosts[1].reset()
    host.routes["/video.mp4"] = (200, {"Content-Type": "video/mp4"}, VIDEO)
    return host


@pytest.fixture
def nemo(api: Host) -> Iterator[NemoClient]:
    client = NemoClient(api.url, StaticToken(TOKEN), version="1.0", sleep=lambda s: None,
                        download_hosts=["cdn.nemo.example", ".media.nemo.example"])
    yield client
    client.close()


def test_the_video_is_downloaded_from_nemovideos_host_with_the_token(api: Host, nemo: NemoClient, tmp_path: Path) -> None:
    # Given the rendered video on NemoVideo's own host
    api.routes["/render-result/r1.mp4"] = (200, {"Content-Type": "video/mp4"}, VIDEO)
    dest = tmp_path / "out.mp4"
    # When it is downloaded
    size = nemo.download(f"{api.url}/render-result/r1.mp4", dest, max_bytes=10**6)
    # Then the whole file arrives, fetched with our token and the attribution headers
    assert size == len(VIDEO) and dest.read_bytes() == VIDEO
    _, headers = api.requests[-1]
    assert headers["Authorization"] == f"Bearer {TOKEN}" and headers["X-Skill-Source"]


def test_a_video_on_a_foreign_host_is_refused_before_any_request(foreign: Host, nemo: NemoClient, tmp_path: Path) -> None:
    # Given an export status whose output URL points at a host that is not NemoVideo's
    dest = tmp_path / "out.mp4"
    # When it is downloaded
    with pytest.raises(NemoDownloadRefused) as refused:
        nemo.download(f"{foreign.url}/video.mp4", dest, max_bytes=10**6)
    # Then a typed, non-retryable error names the host, and the foreign host was never contacted
    assert refused.value.code == "nemo_download_refused" and not refused.value.retryable
    assert "127.0.0.1" in refused.value.message and "NEMO_DOWNLOAD_HOSTS" in refused.value.message
    assert foreign.requests == [] and not dest.exists()


def test_a_redirect_to_a_foreign_host_is_not_followed(api: Host, foreign: Host, nemo: NemoClient, tmp_path: Path) -> None:
    # Given NemoVideo's host answering the download with a redirect elsewhere
    api.routes["/render-result/r2.mp4"] = (302, {"Location": f"{foreign.url}/video.mp4"}, b"")
    dest = tmp_path / "out.mp4"
    # When it is downloaded
    with pytest.raises(NemoDownloadRefused):
        nemo.download(f"{api.url}/render-result/r2.mp4", dest, max_bytes=10**6)
    # Then the redirect is refused: our token never left for the other host, which saw no request at all
    assert [path for path, _ in api.requests] == ["/render-result/r2.mp4"]
    assert foreign.requests == [] and list(tmp_path.iterdir()) == []


def test_a_redirect_within_nemovideos_host_is_followed(api: Host, nemo: NemoClient, tmp_path: Path) -> None:
    api.routes["/api/render/proxy/r3/download"] = (302, {"Location": "/render-result/r3.mp4"}, b"")
    api.routes["/render-result/r3.mp4"] = (200, {"Content-Type": "video/mp4"}, VIDEO)

    assert nemo.download("/api/render/proxy/r3/download", tmp_path / "out.mp4", max_bytes=10**6) == len(VIDEO)


def test_a_video_over_the_cap_is_refused_and_nothing_is_kept(api: Host, nemo: NemoClient, tmp_path: Path) -> None:
    api.routes["/render-result/big.mp4"] = (200, {"Content-Type": "video/mp4"}, VIDEO)

    with pytest.raises(NemoProtocolError, match="larger than 1000 bytes"):
        nemo.download(f"{api.url}/render-result/big.mp4", tmp_path / "out.mp4", max_bytes=1000)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.nemo.example/r/1.mp4", True),
        ("https://a.media.nemo.example/r/1.mp4", True),
        ("http://cdn.nemo.example/r/1.mp4", False),  # listed hosts only over HTTPS
        ("https://media.nemo.example/r/1.mp4", False),  # ".media..." allows subdomains, not the bare name
        ("https://cdn.nemo.example.evil.test/r/1.mp4", False),
        ("https://user:pw@cdn.nemo.example/r/1.mp4", False),
        ("https://elsewhere.test/r/1.mp4", False),
    ],
)
def test_only_the_api_and_the_listed_hosts_are_allowed(nemo: NemoClient, url: str, ok: bool) -> None:
    assert nemo.download_allowed(url) is ok


def test_the_api_origin_is_allowed_but_not_another_port_of_it(api: Host, nemo: NemoClient) -> None:
    port = int(api.url.rsplit(":", 1)[1])
    assert nemo.download_allowed(f"{api.url}/render-result/x.mp4")
    assert not nemo.download_allowed(f"http://127.0.0.1:{port + 1}/render-result/x.mp4")
