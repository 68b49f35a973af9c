"""The emulator's CDN: the sample product photos, and the videos a shop has finished processing."""

from __future__ import annotations

from devtools.shopify_emulator.samples import PHOTOS_DIR, SAMPLE_FILES
from devtools.shopify_emulator.state import Store

NOT_FOUND: tuple[int, bytes, str, dict[str, str]] = (404, b"not found", "text/plain", {})


def sample_file(name: str) -> tuple[int, bytes, str, dict[str, str]]:
    """`/cdn/shop/files/{name}`: (status, body, content type, headers)."""
    if name not in SAMPLE_FILES:
        return NOT_FOUND
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    return 200, (PHOTOS_DIR / name).read_bytes(), kind, {"Cache-Control": "max-age=3600"}


def ready_video(store: Store, number: int) -> tuple[int, bytes, str, dict[str, str]]:
    """`/cdn/shop/videos/{number}.mp4`: a READY video's bytes, whichever shop holds it."""
    with store.lock:
        media = next((m for s in store.shops.values() for m in s.media.values()
                      if m.kind == "VIDEO" and m.number == number and m.status == "READY"), None)
        data = media.data if media else None
    if data is None:
        return NOT_FOUND
    return 200, data, "video/mp4", {}
