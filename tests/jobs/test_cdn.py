"""Product media is downloaded only from Shopify's CDN, with size, type and redirect checks."""

from __future__ import annotations

import pytest

from tests.jobs.fixtures import photo_bytes
from videos.jobs.cdn import allowed, download
from videos.jobs.errors import JobError


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.shopify.com/s/files/1/0001/photo.png?v=1", True),
        ("https://videos.shopifycdn.net/c/vp/abc/master.mp4", True),
        ("https://foo.shopifycdn.com/x.jpg", True),
        ("http://cdn.shopify.com/s/files/photo.png", False),  # not HTTPS
        ("https://cdn.shopify.com:8443/photo.png", False),
        ("https://shopifycdn.net/photo.png", False),  # the bare suffix is not a subdomain
        ("https://cdn.shopify.com.evil.example/photo.png", False),
        ("https://evilshopifycdn.net/photo.png", False),
        ("https://user:pw@cdn.shopify.com/photo.png", False),
        ("file:///etc/passwd", False),
        ("https://example.com/photo.png", False),
    ],
)
def test_only_shopifys_cdn_hosts_are_allowed(url, ok, settings):
    settings.SHOWREEL_EXTRA_MEDIA_ORIGINS = []
    settings.SHOPIFY_ADMIN_BASE = None

    assert allowed(url) is ok


def test_the_emulator_and_extra_origins_are_allowed_only_while_the_emulator_is_enabled(settings):
    settings.SHOPIFY_ADMIN_BASE = "http://127.0.0.1:8765"
    settings.SHOWREEL_EXTRA_MEDIA_ORIGINS = ["http://127.0.0.1:9000"]
    settings.SHOPIFY_EMULATOR_ENABLED = True
    assert allowed("http://127.0.0.1:8765/cdn/shop/files/a.png") and allowed("http://127.0.0.1:9000/a.png")
    assert not allowed("http://127.0.0.1:9001/a.png")

    settings.SHOPIFY_EMULATOR_ENABLED = False
    assert not allowed("http://127.0.0.1:8765/cdn/shop/files/a.png")


def test_a_photo_is_saved_with_the_extension_of_its_type(fake_cdn, tmp_path):
    url = fake_cdn.add("shot", photo_bytes(1, fmt="JPEG"), "image/jpeg")

    path = download(url, tmp_path, "000-photo", kind="image")

    assert path.name == "000-photo.jpg" and path.read_bytes() == photo_bytes(1, fmt="JPEG")


def test_a_products_photos_come_over_one_kept_alive_connection(fake_cdn, tmp_path):
    # Given three photos on the CDN
    urls = [fake_cdn.add(f"shot-{i}", photo_bytes(i)) for i in range(3)]
    # When they are downloaded one after another
    paths = [download(url, tmp_path, f"{i:03d}-photo", kind="image") for i, url in enumerate(urls)]
    # Then all arrive, and the client opened one connection for them (no new TCP/TLS set-up per photo)
    assert [p.read_bytes() for p in paths] == [photo_bytes(i) for i in range(3)]
    assert len(fake_cdn.peers) == 3 and len(set(fake_cdn.peers)) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"<html>login</html>", "text/html", "media_unsupported"),
        (b"", "image/png", "media_unreadable"),
        (b"x" * 5000, "image/png", "media_too_large"),
    ],
)
def test_bad_files_are_refused_with_a_reason(fake_cdn, tmp_path, settings, body, content_type, code):
    settings.SHOWREEL_MAX_IMAGE_BYTES = 4000
    url = fake_cdn.add("bad", body, content_type)

    with pytest.raises(JobError) as refused:
        download(url, tmp_path, "000-photo", kind="image")

    assert refused.value.code == code and not refused.value.retryable
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


def test_a_redirect_off_shopifys_cdn_is_not_followed(fake_cdn, tmp_path):
    url = fake_cdn.add("moved", b"", "redirect:https://example.com/photo.png")

    with pytest.raises(JobError) as refused:
        download(url, tmp_path, "000-photo", kind="image")

    assert refused.value.code == "media_refused" and "example.com" in refused.value.message


def test_a_missing_file_is_not_retried_but_a_dead_host_is(fake_cdn, tmp_path, settings):
    with pytest.raises(JobError) as missing:
        download(f"{fake_cdn.base_url}/files/nothing.png", tmp_path, "a", kind="image")
    assert (missing.value.code, missing.value.retryable) == ("media_missing", False)

    settings.SHOWREEL_EXTRA_MEDIA_ORIGINS = ["http://127.0.0.1:9"]  # nothing listens on the discard port
    with pytest.raises(JobError) as dead:
        download("http://127.0.0.1:9/a.png", tmp_path, "a", kind="image")
    assert dead.value.retryable
