"""Composer fixtures: a pool of small, varied photos (made once per session), a tiny real clip, and a music
cache in a temp folder. Assertion helpers are in helpers.py."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw


def _shape_photo(rng: np.random.Generator, size: tuple[int, int], *, transparent: bool, plain: bool) -> Image.Image:
    """Random shapes: a cut-out (transparent), a studio shot (plain background) or a busy lifestyle scene."""
    width, height = size
    if transparent:
        img = Image.new("RGBA", size, (0, 0, 0, 0))
    elif plain:
        img = Image.new("RGBA", size, (250, 250, 250, 255))
    else:  # a gradient scene with clutter all over
        x = np.linspace(0, 1, width)[None, :, None]
        y = np.linspace(0, 1, height)[:, None, None]
        base = rng.integers(0, 255, 3) * (1 - x) * (1 - y) + rng.integers(0, 255, 3) * x * y + 40
        arr = np.clip(np.broadcast_to(base, (height, width, 3)), 0, 255).astype(np.uint8)
        img = Image.fromarray(arr, "RGB").convert("RGBA")
    draw = ImageDraw.Draw(img)
    shapes = 2 if (transparent or plain) else 14
    for _ in range(shapes):
        color = tuple(int(c) for c in rng.integers(0, 255, 3)) + (255,)
        cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height
        if transparent or plain:
            rx, ry = rng.uniform(0.1, 0.25) * width, rng.uniform(0.1, 0.25) * height
        else:
            cx, cy = rng.uniform(0, 1) * width, rng.uniform(0, 1) * height
            rx, ry = rng.uniform(0.05, 0.3) * width, rng.uniform(0.05, 0.3) * height
        box = (cx - rx, cy - ry, cx + rx, cy + ry)
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=color)
    return img


@pytest.fixture(scope="session")
def photo_pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """14 small photos of every kind the composer tells apart: cut-outs, studio shots, lifestyle scenes,
    wide banners and tall portraits."""
    folder = tmp_path_factory.mktemp("pool")
    rng = np.random.default_rng(7)
    kinds = [
        ("cutout", (240, 240), True, False), ("cutout", (200, 260), True, False), ("cutout", (260, 200), True, False),
        ("studio", (240, 240), False, True), ("studio", (220, 260), False, True),
        ("scene", (240, 240), False, False), ("scene", (260, 200), False, False), ("scene", (240, 240), False, False),
        ("banner", (400, 110), False, False), ("banner", (360, 120), False, False),
        ("portrait", (150, 260), False, False), ("portrait", (140, 280), False, False),
        ("tall", (120, 360), False, False), ("square", (200, 200), False, False),
    ]
    paths = []
    for index, (name, size, transparent, plain) in enumerate(kinds):
        img = _shape_photo(rng, size, transparent=transparent, plain=plain)
        path = folder / f"{index:02d}-{name}.{'png' if transparent else 'jpg'}"
        (img if transparent else img.convert("RGB")).save(path)
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 3 s, 64x64, 30 fps H.264 clip (a moving square)."""
    path = tmp_path_factory.mktemp("clips") / "spin.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(90):
            frame = np.zeros((64, 64, 3), np.uint8)
            frame[20:44, i % 40 : i % 40 + 24] = (200, 60, 30)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture
def music_cache(settings, tmp_path: Path) -> Path:
    """Beds render into a temp VAR_DIR, never the checkout's var/."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "music"


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "composer-var"
