"""Putting a video on a product end to end: staged upload, productUpdate, polling, deletion."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from shopify_app.admin_api.client import AdminClient, ShopSession
from shopify_app.admin_api.errors import (
    NotFoundError,
    ShopifyError,
    ShopifyUnavailableError,
    ShopifyUserError,
)
from shopify_app.admin_api.operations import (
    MediaItem,
    StagedTarget,
    attach_media,
    create_video_upload,
    delete_media,
    get_product,
    product_videos,
    upload_to_target,
    wait_for_media,
)

SHOP = "shop-a.myshopify.com"


def publish_video(client: AdminClient, product_id: str, path: Path, *, alt: str = "") -> MediaItem:
    """The pipeline's upload and attach stages in one go (the stages record a checkpoint between them)."""
    target = create_video_upload(client, path.name, path.stat().st_size)
    upload_to_target(client, target, path)
    return attach_media(client, product_id, target.resource_url, alt=alt)


@pytest.fixture
def admin(shopify_emulator, shopify_transport) -> AdminClient:
    return AdminClient(ShopSession(SHOP, shopify_emulator.install(SHOP)["access_token"]), transport=shopify_transport)


@pytest.fixture
def sneakers(shopify_emulator) -> str:
    return next(p["id"] for p in shopify_emulator.products(SHOP) if p["title"] == "Blue Slip-On Sneakers")


def test_video_goes_from_upload_to_ready_on_the_product(admin, shopify_emulator, sneakers, tiny_mp4, shopify_transport):
    media = publish_video(admin, sneakers, tiny_mp4, alt="Blue slip-on sneakers showcase")
    assert (media.kind, media.status) == ("VIDEO", "UPLOADED")

    ready = wait_for_media(admin, media.id, interval_s=0.5, sleep=shopify_transport.sleeps.append)

    assert ready.status == "READY" and (ready.width, ready.height) == (64, 64) and ready.duration_ms == 500
    assert shopify_transport.sleeps == [0.5]  # UPLOADED -> PROCESSING -> READY over successive polls
    source = ready.video_sources[0]
    assert source["mimeType"] == "video/mp4" and source["fileSize"] == tiny_mp4.stat().st_size
    assert httpx.get(source["url"]).content == tiny_mp4.read_bytes()
    on_product = shopify_emulator.product_media(SHOP, sneakers)
    assert [(m["kind"], m["status"], m["alt"]) for m in on_product][-1] == ("VIDEO", "READY", "Blue slip-on sneakers showcase")
    assert get_product(admin, sneakers).media[-1].id == media.id


def test_polls_start_soon_then_back_off_to_the_interval(admin, shopify_emulator, sneakers, tiny_mp4):
    # Given a transcode that takes several polls
    shopify_emulator.store.processing_polls = 5
    media = publish_video(admin, sneakers, tiny_mp4)
    sleeps: list[float] = []
    polls: list[int] = []
    # When the pipeline's way of waiting is used (first look soon, then every interval)
    ready = wait_for_media(admin, media.id, interval_s=2.0, first_interval_s=0.5, sleep=sleeps.append,
                           on_poll=polls.append)
    # Then the waits double from the first interval up to the interval, one progress call per wait
    assert ready.status == "READY" and len(sleeps) >= 3
    assert sleeps == [min(2.0, 0.5 * 2**i) for i in range(len(sleeps))]
    assert polls == list(range(1, len(sleeps) + 1))


def test_product_videos_lists_only_videos_with_their_upload_names(admin, sneakers, tiny_mp4):
    # Given a product with photos and one uploaded video
    media = publish_video(admin, sneakers, tiny_mp4)
    # When its videos are listed
    videos = product_videos(admin, sneakers)
    # Then only the video comes back, typed, with the file name it was uploaded as
    assert [(v.id, v.kind, v.filename) for v in videos] == [(media.id, "VIDEO", tiny_mp4.name)]
    assert get_product(admin, sneakers).media[-1].filename == tiny_mp4.name  # the product query reads it too
    with pytest.raises(NotFoundError):
        product_videos(admin, "gid://shopify/Product/1")


def test_non_mp4_upload_fails_with_media_errors(admin, sneakers, tmp_path):
    fake = tmp_path / "not-a-video.mp4"
    fake.write_bytes(b"<html>this is not a video</html>")
    media = publish_video(admin, sneakers, fake)

    with pytest.raises(ShopifyUserError) as caught:
        wait_for_media(admin, media.id, interval_s=0, sleep=lambda s: None)

    assert caught.value.code == "MEDIA_FAILED" and not caught.value.retryable
    assert caught.value.media_errors[0]["code"] == "VIDEO_INVALID_FILETYPE_ERROR"
    assert "File type is not supported" in str(caught.value)


def test_poll_gives_up_with_a_retryable_timeout(admin, shopify_emulator, sneakers, tiny_mp4):
    shopify_emulator.store.processing_polls = 10  # a slow transcode
    media = publish_video(admin, sneakers, tiny_mp4)
    ticks = iter([0.0, 0.0, 100.0])
    with pytest.raises(ShopifyError) as caught:
        wait_for_media(admin, media.id, timeout_s=10, sleep=lambda s: None, clock=lambda: next(ticks))
    assert caught.value.code == "MEDIA_TIMEOUT" and caught.value.retryable


@pytest.mark.parametrize(("delta", "code"), [(1, "EntityTooSmall"), (-1, "EntityTooLarge")])
def test_upload_of_the_wrong_size_is_refused(admin, tiny_mp4, delta, code):
    # declared size = real size + delta: the signed policy pins the declared one
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size + delta)
    with pytest.raises(ShopifyError) as caught:
        upload_to_target(admin, target, tiny_mp4)
    assert caught.value.status == 400 and f"<Code>{code}</Code>" in caught.value.message


def test_upload_with_the_file_before_the_parameters_is_refused(admin, tiny_mp4):
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    # Hand-built multipart body with the file first.
    boundary = "xyz"
    parts = [(("file", tiny_mp4.name), tiny_mp4.read_bytes())] + [((n, None), v.encode()) for n, v in target.parameters]
    body = b""
    for (name, filename), value in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    response = httpx.post(target.url, content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 400 and b"last form field" in response.content


def test_an_upload_whose_body_is_cut_short_is_refused_and_stores_nothing(admin, tiny_mp4, shopify_emulator):
    from devtools.shopify_emulator.uploads import parse_form

    # Given a staged target and a well-formed multipart body for it (its parts read back as sent)
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    boundary = "xyz"
    content_type = f"multipart/form-data; boundary={boundary}"
    body = b""
    for (name, filename), value in [((n, None), v.encode()) for n, v in target.parameters] + [
            (("file", tiny_mp4.name), tiny_mp4.read_bytes())]:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    assert parse_form(content_type, body)[-1] == ("file", tiny_mp4.name, tiny_mp4.read_bytes())
    # When it is posted without its last bytes (the end of the file and the closing boundary)
    response = httpx.post(target.url, content=body[:-100], headers={"Content-Type": content_type})
    # Then the bucket answers a 400 in its XML and keeps nothing for that key
    assert response.status_code == 400 and b"<Code>InvalidArgument</Code>" in response.content
    assert b"malformed multipart body" in response.content
    store = shopify_emulator.store
    assert store.uploads and all(upload.data is None for upload in store.uploads.values())


def test_an_upload_with_a_boundary_outside_latin_1_is_refused(admin, tiny_mp4):
    # Given a staged target
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    # When a body is posted under a boundary HTTP cannot carry (RFC 2231-encoded, not latin-1)
    response = httpx.post(target.url, content=b"--x--\r\n",
                          headers={"Content-Type": "multipart/form-data; boundary*=UTF-8''%E2%82%AC"})
    # Then it is refused as malformed, in the bucket's XML, not dropped
    assert response.status_code == 400 and b"malformed multipart body" in response.content


def test_upload_with_a_tampered_parameter_is_refused(admin, tiny_mp4):
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    tampered = StagedTarget(target.url, target.resource_url,
                            [(n, v + "x" if n == "x-goog-signature" else v) for n, v in target.parameters])
    with pytest.raises(ShopifyError, match="SignatureDoesNotMatch"):
        upload_to_target(admin, tampered, tiny_mp4)


def test_attaching_a_target_that_was_never_uploaded_fails(admin, sneakers, tiny_mp4):
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    media = attach_media(admin, sneakers, target.resource_url)
    with pytest.raises(ShopifyUserError) as caught:
        wait_for_media(admin, media.id, interval_s=0, sleep=lambda s: None)
    assert caught.value.media_errors[0]["code"] == "INVALID_SIGNED_URL"


def test_video_upload_needs_a_real_size(admin):
    with pytest.raises(ShopifyUserError, match="outside"):
        create_video_upload(admin, "a.mp4", 0)


def test_attach_to_a_missing_product_is_not_found(admin, tiny_mp4):
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    with pytest.raises(NotFoundError):
        attach_media(admin, "gid://shopify/Product/1", target.resource_url)


def test_delete_media_removes_it_from_the_product(admin, shopify_emulator, sneakers, tiny_mp4):
    media = publish_video(admin, sneakers, tiny_mp4)
    wait_for_media(admin, media.id, interval_s=0, sleep=lambda s: None)

    assert delete_media(admin, [media.id]) == [media.id]

    assert media.id not in [m["id"] for m in shopify_emulator.product_media(SHOP, sneakers)]
    with pytest.raises(NotFoundError):
        delete_media(admin, [media.id])


def test_deprecated_product_delete_media_also_works_in_the_emulator(admin, shopify_emulator, sneakers):
    image = shopify_emulator.product_media(SHOP, sneakers)[0]["id"]
    data = admin.execute(
        "mutation($p: ID!, $m: [ID!]!) { productDeleteMedia(productId: $p, mediaIds: $m) { deletedMediaIds mediaUserErrors { code } } }",
        {"p": sneakers, "m": [image]},
    )
    assert data["productDeleteMedia"] == {"deletedMediaIds": [image], "mediaUserErrors": []}
    assert image not in [m["id"] for m in shopify_emulator.product_media(SHOP, sneakers)]


def test_store_video_limit_fails_the_media(admin, shopify_emulator, sneakers, tiny_mp4):
    shopify_emulator.shop(SHOP).video_limit = 0
    media = publish_video(admin, sneakers, tiny_mp4)
    with pytest.raises(ShopifyUserError) as caught:
        wait_for_media(admin, media.id, interval_s=0, sleep=lambda s: None)
    assert caught.value.media_errors[0]["code"] == "FILE_STORAGE_LIMIT_EXCEEDED"


def test_an_attach_whose_answer_is_lost_was_applied_and_is_reported_as_unavailable(admin, shopify_emulator, sneakers,
                                                                                    tiny_mp4):
    # Given Shopify applies the productUpdate and the connection drops before its answer
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    upload_to_target(admin, target, tiny_mp4)
    shopify_emulator.inject("drop", target="graphql")

    # Then the client reports it as "Shopify unavailable" (not repeated: it is a mutation), yet the video is there
    with pytest.raises(ShopifyUnavailableError):
        attach_media(admin, sneakers, target.resource_url)
    assert [v.filename for v in product_videos(admin, sneakers)] == [tiny_mp4.name]


def test_an_upload_target_answering_401_is_a_typed_retryable_refusal(admin, shopify_emulator, tiny_mp4):
    target = create_video_upload(admin, tiny_mp4.name, tiny_mp4.stat().st_size)
    shopify_emulator.inject("401", target="upload")

    with pytest.raises(ShopifyError) as caught:
        upload_to_target(admin, target, tiny_mp4)

    assert (caught.value.code, caught.value.status, caught.value.retryable) == ("UPLOAD_REFUSED", 401, True)
