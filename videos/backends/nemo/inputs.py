"""The spec's media as NemoVideo receives it: checked before anything is sent, and mapped back afterwards.

Photos, clips and overlays are checked against NemoVideo's formats and our size limit up front (its 4001
and 4002 would only say so after the upload); local files are uploaded, URLs are fetched by the cloud.
The agent's draft names our files its own way (CDN URL, sandbox path, file name): `source_resolver` maps
those names back to the spec's sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from videos.backends.nemo.draft import sandbox_filename
from videos.backends.nemo.errors import (
    SUPPORTED_FORMATS,
    NemoFileTooLarge,
    NemoUnsupportedFile,
    formats_text,
)
from videos.backends.nemo.shapes import UploadedFile
from videos.media.errors import MediaError
from videos.media.limits import max_input_bytes
from videos.spec import VideoSpec


@dataclass
class SourceMedia:
    source: str  # as written in the spec
    path: Path | None = None  # a local file to upload
    url: str | None = None  # or a URL NemoVideo fetches itself


def collect_media(spec: VideoSpec) -> list[SourceMedia]:
    """The spec's photos, clips and overlays, checked against NemoVideo's formats and our size limit
    before anything is sent (4001/4002 would only say so after the upload)."""
    seen: dict[str, SourceMedia] = {}
    for segment in spec.segments_of("video") + spec.segments_of("overlay"):
        if segment.source in seen:
            continue
        source = segment.source
        extension = Path(source.split("?", 1)[0]).suffix.lower().lstrip(".")
        if extension not in SUPPORTED_FORMATS:
            raise NemoUnsupportedFile(f"NemoVideo cannot use {Path(source).name}: it takes {formats_text()}")
        if re.match(r"https?://", source):
            seen[source] = SourceMedia(source, url=source)
            continue
        path = Path(source)
        if not path.is_absolute() and not path.exists():
            path = Path(settings.MEDIA_ROOT) / path
        if not path.is_file():
            raise MediaError(path, "file not found")
        limit = max_input_bytes()
        if path.stat().st_size > limit:
            raise NemoFileTooLarge(
                f"{path.name} is larger than NemoVideo accepts ({limit // (1024 * 1024)} MB); compress or trim it"
            )
        seen[source] = SourceMedia(source, path=path)
    return list(seen.values())


def source_resolver(media: list[SourceMedia], uploads: list[UploadedFile]) -> Callable[[str], str | None]:
    """Map the cloud's names for our files (CDN URL, sandbox path, file name) back to our sources.

    `uploads` lists the local files first, then the URLs, in the order they were sent."""
    by_key: dict[str, str] = {}
    local = [m for m in media if m.path is not None] + [m for m in media if m.url is not None]
    for item, upload in zip(local, uploads, strict=False):
        by_key[upload.cdn_url] = item.source
        by_key.setdefault(upload.filename, item.source)
    for item in media:
        by_key.setdefault(Path(item.source).name, item.source)

    def resolve(source: str) -> str | None:
        return by_key.get(source) or by_key.get(sandbox_filename(source))

    return resolve
