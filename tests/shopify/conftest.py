"""Fixtures for the Shopify edge tests (the emulator fixtures come from tests/conftest.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from devtools.shopify_emulator import ShopifyEmulator
from shopify_app import services
from shopify_app.admin_api.client import AdminClient, ShopSession
from shopify_app.admin_api.oauth import TokenGrant
from shopify_app.models import Shop

SHOP_A = "shop-a.myshopify.com"
SHOP_B = "shop-b.myshopify.com"


@pytest.fixture
def install(db, shopify_emulator: ShopifyEmulator) -> Callable[..., Shop]:
    """Install the app on a shop (emulator token + Shop row); `expiring=True` for an expiring offline token."""

    def _install(domain: str, *, expiring: bool = False) -> Shop:
        answer = shopify_emulator.install(domain, expiring=expiring)
        grant = TokenGrant(access_token=answer["access_token"], scopes=answer["scope"].split(","),
                           refresh_token=answer.get("refresh_token"))
        return services.store_grant(domain, grant)

    return _install


@pytest.fixture
def client_for(shopify_transport) -> Callable[[Shop], AdminClient]:  # noqa: ANN001
    """An Admin client for an installed shop whose retries are recorded, not slept."""
    return lambda shop: AdminClient(ShopSession(shop.domain, shop.access_token), transport=shopify_transport)


@pytest.fixture
def bearer(shopify_emulator: ShopifyEmulator) -> Callable[[str], dict[str, str]]:
    """Headers with a fresh App Bridge-style session token for a shop."""
    return lambda domain: {"Authorization": f"Bearer {shopify_emulator.session_token(domain)}"}


@pytest.fixture
def tiny_mp4(tmp_path: Path) -> Path:
    """A real 64x64, 0.5 s H.264 MP4 made with PyAV (a couple of KB)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 40, dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    path = tmp_path / "showcase.mp4"
    path.write_bytes(buffer.getvalue())
    return path
