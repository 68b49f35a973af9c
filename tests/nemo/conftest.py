"""Fixtures for the NemoVideo backend: a real fake server on loopback, a client wired to it, a tiny spec."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from devtools.nemo_fake.server import FakeNemoServer
from videos.backends.nemo.backend import NemoBackend
from videos.backends.nemo.client import NemoClient, client_from_settings
from videos.spec import Canvas, VideoSpec

PHOTOS = Path(settings.BASE_DIR) / "examples" / "photos"


@pytest.fixture
def photos() -> Path:
    return PHOTOS


@pytest.fixture
def fake() -> Iterator[FakeNemoServer]:
    with FakeNemoServer(render_canvas=Canvas(width=256, height=256, fps=12), heartbeat_s=0.005) as server:
        yield server


@pytest.fixture
def nemo_settings(settings, fake: FakeNemoServer):  # noqa: ANN001, ANN201  (pytest-django's settings)
    settings.NEMO_API_URL = fake.url
    settings.NEMO_TOKEN = ""
    settings.NEMO_CLIENT_ID = ""
    settings.NEMO_SKILL_PLATFORM = "unknown"
    settings.NEMO_WEB_URL = "https://nemovideo.com"
    return settings


@pytest.fixture
def sleeps() -> list[float]:
    """What the client would have slept (429 waits, backoff): recorded, not slept."""
    return []


@pytest.fixture
def client(db, nemo_settings, sleeps: list[float]) -> Iterator[NemoClient]:  # noqa: ANN001
    nemo = client_from_settings(
        sleep=sleeps.append, backoff_s=1.0, rate_limit_wait_s=30.0, sse_timeout_s=30.0
    )
    yield nemo
    nemo.close()


@pytest.fixture
def backend(client: NemoClient) -> NemoBackend:
    # Polls really wait (the fake renders in a thread), but briefly.
    return NemoBackend(client, poll_interval_s=0.05, render_timeout_s=60, sleep=time.sleep)


@pytest.fixture
def spec() -> VideoSpec:
    return VideoSpec.from_dict(
        {
            "canvas": {"width": 256, "height": 256, "fps": 12},
            "duration": 2.0,
            "metadata": {"title": "Red cap"},
            "tracks": [
                {
                    "kind": "video",
                    "segments": [
                        {
                            "type": "image",
                            "source": str(PHOTOS / "cap-red-front.png"),
                            "start": 0,
                            "duration": 1.2,
                        },
                        {
                            "type": "image",
                            "source": str(PHOTOS / "juice-bottle-apple-on-white.jpg"),
                            "start": 0.8,
                            "duration": 1.2,
                            "transition": {"kind": "crossfade", "duration": 0.4},
                        },
                    ],
                },
                {
                    "kind": "text",
                    "segments": [
                        {"type": "text", "text": "Red cap", "role": "title", "start": 0, "duration": 1.5}
                    ],
                },
            ],
        }
    )
