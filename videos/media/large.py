"""Large photos: decoded whole one at a time, and large WebPs decoded by OpenCV.

A photo of more than `LARGE_PIXELS` is decoded (and reduced, cut out, fitted) under `one_large_photo`, so
that however many threads prepare photos (the command's analysis, the render's preparation), memory holds at
most one such photo whole. `large_webp` decodes a large opaque still WebP with OpenCV: Pillow's WebP decoder
keeps several whole RGBA canvases while it decodes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from videos.media.memory import release_free_memory

LARGE_PIXELS = 6_000_000
_ONE_LARGE = threading.RLock()


@contextmanager
def one_large_photo(pixels: int) -> Iterator[None]:
    """Hold the large-photo lock while a photo this many pixels is decoded and reduced (re-entrant: the
    same thread may decode inside it); smaller photos go ahead at once."""
    if pixels <= LARGE_PIXELS:
        yield
        return
    with _ONE_LARGE:
        try:
            yield
        finally:
            # The decoder's scratch goes back to the OS before the next large photo (or the encoder) needs
            # memory: glibc keeps it in the decoding thread's arena otherwise.
            release_free_memory()


def large_webp(path: Path, img: Image.Image, target: tuple[int, int] | None) -> Image.Image | None:
    """A large opaque still WebP decoded by OpenCV (libwebp straight into one RGB buffer) and, for `target`,
    area-reduced before Pillow copies it: Pillow's WebP decoder keeps several whole RGBA canvases.
    None for anything else (Pillow decodes it, and reports what is wrong with it)."""
    width, height = img.size
    if img.format != "WEBP" or img.mode != "RGB" or getattr(img, "n_frames", 1) > 1 or width * height <= LARGE_PIXELS:
        return None
    import cv2  # the renderer's dependency, imported only when a large WebP comes along

    # Half size, when that is enough, is OpenCV's exact 2x2 average, and never holds a full-size copy.
    half = target is not None and 2 * target[0] <= width and 2 * target[1] <= height
    flags = (cv2.IMREAD_REDUCED_COLOR_2 if half else cv2.IMREAD_COLOR) | cv2.IMREAD_IGNORE_ORIENTATION
    pixels = cv2.imread(str(path), flags)
    expected = (height / 2, width / 2) if half else (height, width)
    if pixels is None or any(abs(got - want) > 1 for got, want in zip(pixels.shape[:2], expected, strict=True)):
        return None
    if target is not None and target != (width, height):
        pixels = cv2.resize(pixels, target, interpolation=cv2.INTER_AREA)
    cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB, dst=pixels)
    return Image.fromarray(pixels, "RGB")
