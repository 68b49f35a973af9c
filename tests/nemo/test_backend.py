"""The NemoVideo backend end to end through the fake server (whose exports use our local renderer)."""

from __future__ import annotations

import re
from pathlib import Path

import av
import pytest
from PIL import Image

from devtools.nemo_fake.server import POLL_SHAPES, FakeNemoServer
from videos.backends import RenderError, get_backend
from videos.backends.nemo.backend import NemoBackend
from videos.spec import VideoSpec

pytestmark = pytest.mark.django_db


def paths(fake: FakeNemoServer) -> list[str]:
    """Requests as "METHOD path", session ids left out."""
    return [f"{r.method} {re.sub(r'/me/[0-9]+(/latest)?$', '', r.path)}" for r in fake.api_requests()]


def assert_nothing_written(folder: Path) -> None:
    assert list(folder.iterdir()) == []


@pytest.mark.slow
def test_whole_render_through_the_cloud(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    # Given a two-photo spec / When rendered by the NemoVideo backend with a poster
    stages: list[tuple[float, str]] = []
    result = backend.render(
        spec,
        tmp_path / "out.mp4",
        poster=tmp_path / "poster.jpg",
        progress=lambda f, s: stages.append((f, s)),
    )

    # Then a real H.264 MP4 of the cloud's render is at the output, with a poster
    with av.open(str(result.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 256)
    assert (result.width, result.height) == (256, 256)
    assert result.duration_s == pytest.approx(2.0, abs=0.2)
    assert result.size_bytes == result.path.stat().st_size
    assert Image.open(result.poster_path).size == (256, 256)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4", "poster.jpg"]

    # And the protocol was followed in order
    assert paths(fake)[:6] == [
        "POST /api/auth/anonymous-token",
        "POST /api/tasks/me/with-session/nemo_agent",
        "POST /api/upload-video/nemo_agent",
        "POST /run_sse",
        "GET /api/state/nemo_agent",
        "POST /api/render/proxy/lambda",
    ]
    upload = fake.api_requests()[2]
    assert upload.filenames == ["cap-red-front.png", "juice-bottle-apple-on-white.jpg"]
    instruction = fake.api_requests()[3].json["new_message"]["parts"][0]["text"]
    assert "2-second" in instruction and "1:1 format (256x256)" in instruction
    assert 'Title text: "Red cap"' in instruction and "No background music." in instruction
    submit = fake.api_requests()[5].json
    assert submit["sessionId"] == fake.api_requests()[3].json["session_id"]
    assert submit["id"].startswith("render_") and submit["draft"]["t"][0]["sg"]
    assert submit["output"] == {"format": "mp4", "quality": "high"}

    # And every request, downloads included, was attributed; all but the token request carried the token
    for request in fake.api_requests():
        assert request.headers["X-Skill-Source"] == "ecommerce-product-video", request.path
        assert (
            request.headers["X-Skill-Version"] == "0.1.0" and request.headers["X-Skill-Platform"] == "unknown"
        )
        assert ("Authorization" in request.headers) == (request.path != "/api/auth/anonymous-token"), (
            request.path
        )
    assert any(r.path.startswith("/render-result/") for r in fake.api_requests())

    # And the cloud's draft was read back into a spec; the agent's GUI talk was translated
    details = result.details
    assert details["draft_spec"]["tracks"][0]["segments"][0]["source"] == spec.tracks[0].segments[0].source
    assert "Click" not in details["message"] and "drag" not in details["message"]
    assert "Showreel exports the video for you." in details["message"]

    # And progress only went forward, through the stages, to done
    fractions = [f for f, _ in stages]
    assert fractions == sorted(fractions) and stages[-1] == (1.0, "done")
    assert {"connecting", "uploading", "generating", "exporting", "downloading"} <= {s for _, s in stages}


@pytest.mark.slow
@pytest.mark.parametrize("shape", POLL_SHAPES)
def test_every_documented_poll_shape_is_understood(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path, shape: str
) -> None:
    fake.poll_shape = shape
    result = backend.render(spec, tmp_path / "out.mp4")
    assert result.path.exists() and result.duration_s > 1


@pytest.mark.slow
def test_1002_recreates_the_session_and_starts_over(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    # Given the session is lost when the chat starts
    fake.fail_next("1002", "/run_sse")
    # When rendered
    result = backend.render(spec, tmp_path / "out.mp4")
    # Then a second session was made, the media uploaded to it again, and the render finished
    assert paths(fake).count("POST /api/tasks/me/with-session/nemo_agent") == 2
    assert paths(fake).count("POST /api/upload-video/nemo_agent") == 2
    assert result.path.exists()


@pytest.mark.slow
def test_a_chat_without_text_reads_the_state_instead(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    fake.fail_next("no_text", "/run_sse")
    result = backend.render(spec, tmp_path / "out.mp4")
    # The message is the timeline summary read from the state
    assert result.details["message"].startswith("Timeline (2 tracks): 1. Video: 2 photos (0-2s)")


@pytest.mark.slow
def test_a_failed_export_is_retried_once_with_a_new_id(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    fake.fail_next("render_failed", "/render")
    result = backend.render(spec, tmp_path / "out.mp4")
    first, second = [r.json["id"] for r in fake.api_requests() if r.path == "/api/render/proxy/lambda"]
    assert first != second and result.details["render_id"] == second


def test_a_download_that_is_not_h264_is_rejected(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    # Given the cloud hands back an MPEG-4 Part 2 video
    fake.fail_next("non_h264", "/render")
    # When rendered / Then the job fails clearly and nothing is left at the output
    with pytest.raises(RenderError, match="encoded as mpeg4, not H.264") as error:
        backend.render(spec, tmp_path / "out.mp4", poster=tmp_path / "poster.jpg")
    assert (error.value.code, error.value.retryable) == ("nemo_bad_output", False)
    assert_nothing_written(tmp_path)


def test_out_of_credits_gives_the_registration_link(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    fake.fail_next("2001", "/run_sse")
    with pytest.raises(RenderError) as error:
        backend.render(spec, tmp_path / "out.mp4")
    user_id = next(iter(fake.users.values()))
    assert error.value.code == "nemo_out_of_credits" and error.value.retryable is False
    assert f"https://nemovideo.com/?bind={user_id}" in error.value.message
    assert error.value.register_url == f"https://nemovideo.com/?bind={user_id}"
    assert_nothing_written(tmp_path)


def test_free_plan_export_block_is_its_own_error(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    fake.fail_next("402", "/api/render/proxy/lambda")
    with pytest.raises(RenderError, match="not the credits") as error:
        backend.render(spec, tmp_path / "out.mp4")
    assert error.value.code == "nemo_plan_blocks_export"
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize(
    "code,expected", [("4001", "nemo_unsupported_file"), ("4002", "nemo_file_too_large")]
)
def test_upload_refusals_become_clear_errors(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path, code: str, expected: str
) -> None:
    fake.fail_next(code, "/api/upload-video")
    with pytest.raises(RenderError) as error:
        backend.render(spec, tmp_path / "out.mp4")
    assert (error.value.code, error.value.retryable) == (expected, False)


def test_unsupported_files_are_refused_before_sending(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    bitmap = tmp_path / "photo.bmp"
    bitmap.write_bytes(b"BM" + b"\0" * 100)
    data = spec.to_dict()
    data["tracks"][0]["segments"][0]["source"] = str(bitmap)
    with pytest.raises(RenderError, match=r"photo\.bmp: it takes MP4, MOV") as error:
        backend.render(VideoSpec.from_dict(data), tmp_path / "out.mp4")
    assert error.value.code == "nemo_unsupported_file"
    assert fake.api_requests() == []


def test_files_over_the_size_limit_are_refused_before_sending(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path, settings
) -> None:  # noqa: ANN001
    settings.VIDEO_MAX_INPUT_BYTES = 100_000
    with pytest.raises(RenderError, match="larger than NemoVideo accepts") as error:
        backend.render(spec, tmp_path / "out.mp4")
    assert error.value.code == "nemo_file_too_large"
    assert fake.api_requests() == []


def test_an_agent_that_never_finishes_times_out(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    # Given a chat that only sends heartbeats, past a short ceiling
    fake.fail_next("hang", "/run_sse")
    backend._client.sse_timeout_s = 0.3
    # When rendered / Then the state is checked a few times, then a clear, non-retried timeout
    with pytest.raises(RenderError, match="did not finish") as error:
        backend.render(spec, tmp_path / "out.mp4")
    assert (error.value.code, error.value.retryable) == ("nemo_timeout", False)
    assert paths(fake).count("GET /api/state/nemo_agent") == 6
    assert paths(fake).count("POST /run_sse") == 1  # never re-sent: that would charge twice


def test_video_backend_setting_selects_nemo(nemo_settings) -> None:  # noqa: ANN001
    nemo_settings.VIDEO_BACKEND = "nemo"
    assert isinstance(get_backend(), NemoBackend)


def test_missing_files_are_refused_before_sending(
    backend: NemoBackend, fake: FakeNemoServer, spec: VideoSpec, tmp_path: Path
) -> None:
    data = spec.to_dict()
    data["tracks"][0]["segments"][1]["source"] = str(tmp_path / "gone.jpg")
    with pytest.raises(RenderError, match=r"gone\.jpg: file not found") as error:
        backend.render(VideoSpec.from_dict(data), tmp_path / "out.mp4")
    assert (error.value.code, error.value.retryable) == ("bad_media", False)
    assert fake.api_requests() == []
