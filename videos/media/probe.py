"""Validating a spec's media before anything is rendered: each source is resolved, size-checked and
sniffed by content (never by extension), then opened far enough to prove it is usable. Any problem raises
one `MediaError` whose message names the file and the reason."""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from videos.backends.base import RenderError
from videos.media.errors import MediaError
from videos.media.limits import max_image_pixels, max_input_bytes
from videos.spec import VideoSpec

if TYPE_CHECKING:
    from PIL import Image

IMAGE, VIDEO, AUDIO, OTHER = "image", "video", "audio", "other"
_ROLE_KINDS = {"image": {IMAGE}, "overlay": {IMAGE}, "clip": {VIDEO}, "audio": {AUDIO, VIDEO}}
_ROLE_NAMES = {"image": "a photo", "overlay": "an image", "clip": "a video clip", "audio": "an audio file"}
_UNSUPPORTED_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # image / video / audio / other
    name: str  # a human name for the format, e.g. "JPEG image", "PDF document"


def sniff(path: Path) -> Sniffed:
    """What the file is, from its first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(IMAGE, "JPEG image")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(IMAGE, "PNG image")
    if head[:6] in {b"GIF87a", b"GIF89a"}:
        return Sniffed(IMAGE, "GIF image")
    if head[:4] == b"RIFF":
        fourcc = head[8:12]
        return {b"WEBP": Sniffed(IMAGE, "WEBP image"), b"WAVE": Sniffed(AUDIO, "WAV audio"),
                b"AVI ": Sniffed(VIDEO, "AVI video")}.get(fourcc, Sniffed(OTHER, "RIFF file"))
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _UNSUPPORTED_IMAGE_BRANDS:
            return Sniffed(OTHER, "HEIC/AVIF image (not supported; export it as JPEG or PNG)")
        if brand in {b"M4A ", b"M4B ", b"M4P ", b"F4A "}:
            return Sniffed(AUDIO, "M4A audio")
        return Sniffed(VIDEO, "QuickTime video" if brand == b"qt  " else "MP4 video")
    if head[4:8] in {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}:
        return Sniffed(VIDEO, "QuickTime video")
    if head.startswith(b"\x1aE\xdf\xa3"):
        return Sniffed(VIDEO, "WebM video" if b"webm" in head[:64] else "Matroska video")
    if head.startswith(b"ID3"):
        return Sniffed(AUDIO, "MP3 audio")
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return Sniffed(AUDIO, "AAC audio" if head[1] & 0x06 == 0 else "MP3 audio")
    if head.startswith(b"OggS"):
        return Sniffed(AUDIO, "Ogg audio")
    if head.startswith(b"fLaC"):
        return Sniffed(AUDIO, "FLAC audio")
    return Sniffed(OTHER, _other_name(head))


def _other_name(head: bytes) -> str:
    lowered = head.lstrip().lower()
    if head.startswith(b"%PDF"):
        return "PDF document"
    if lowered.startswith(b"<svg") or (lowered.startswith(b"<?xml") and b"<svg" in lowered):
        return "SVG drawing (not supported; export it as PNG)"
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html"):
        return "HTML page"
    if head.startswith(b"PK\x03\x04"):
        return "ZIP archive"
    if head.startswith(b"BM"):
        return "BMP image (not supported; use JPEG, PNG, WEBP or GIF)"
    if head[:4] in {b"II*\x00", b"MM\x00*"}:
        return "TIFF image (not supported; use JPEG, PNG, WEBP or GIF)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c.isprintable() or c.isspace() for c in text):
        return "text file"
    return "unknown binary data"


def resolve_source(source: str) -> Path:
    """A spec source -> a local path: `music:<name>` via the music library, file:// URLs, plain paths."""
    if source.startswith("music:"):
        name = source.removeprefix("music:")
        try:
            from videos.music.library import bed_path
        except ImportError as exc:
            raise RenderError(
                f"{source}: the music library (videos.music.library) is not available: {exc}", retryable=False,
                code="music_unavailable",
            ) from None
        try:
            return Path(bed_path(name))
        except (KeyError, LookupError, ValueError, FileNotFoundError) as exc:
            raise MediaError(source, f"unknown music bed {name!r}: {exc}") from None
    if source.startswith("file://"):
        return Path(unquote(urlparse(source).path))
    if "://" in source:
        raise MediaError(source, "remote sources are not downloaded by the local renderer; download it first")
    return Path(source).expanduser()


def check_file(path: Path) -> None:
    if not path.exists():
        raise MediaError(path, "file not found")
    if not path.is_file():
        raise MediaError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(path, "file is empty (0 bytes)")
    limit = max_input_bytes()
    if size > limit:
        raise MediaError(path, f"file is {size / 2**20:,.0f} MB, over the {limit / 2**20:,.0f} MB input limit")


# Sources that passed `validate_source`, by file identity and the limits they were checked against: the
# command line, then the renderer, check the same files; a changed file is a new key. Bounded (a key is small).
_VALIDATED: OrderedDict[tuple, None] = OrderedDict()
_VALIDATED_MAX = 512
_validated_lock = threading.Lock()


def validate_source(source: str, role: str, *, trim_start: float = 0.0) -> Path:
    """Resolve and check one source for a role: image, overlay, clip or audio."""
    path = resolve_source(source)
    check_file(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise MediaError(path, f"cannot read: {exc}") from None
    key = (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size, role, trim_start, max_input_bytes(),
           max_image_pixels())
    with _validated_lock:
        if key in _VALIDATED:
            _VALIDATED.move_to_end(key)
            return path
    _validate(path, role, trim_start)
    with _validated_lock:
        _VALIDATED[key] = None
        while len(_VALIDATED) > _VALIDATED_MAX:
            _VALIDATED.popitem(last=False)
    return path


def _validate(path: Path, role: str, trim_start: float) -> None:
    sniffed = sniff(path)
    if sniffed.kind not in _ROLE_KINDS[role]:
        if sniffed.kind == OTHER:
            raise MediaError(path, f"unsupported file type: {sniffed.name}")
        raise MediaError(path, f"expected {_ROLE_NAMES[role]}, got a {sniffed.name}")
    if role in {"image", "overlay"}:
        _check_image(path)
    elif role == "clip":
        _check_av(path, "video", trim_start)
    else:
        _check_av(path, "audio", trim_start)


def _check_image(path: Path) -> None:
    """Header (size, bomb) and integrity: a cheap full pass over the data (JPEG decoded at 1/8 scale,
    PNG chunks and CRCs verified), so a truncated or corrupt photo fails here, before rendering."""
    from PIL import Image, UnidentifiedImageError

    limit = max_image_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as img:
                width, height = img.size
                if width * height > limit:
                    raise MediaError(
                        path, f"image is {width}x{height} ({width * height:,} pixels), over the {limit:,}-pixel "
                        "limit (decompression bomb?)",
                    )
                if img.format == "PNG":
                    img.verify()
                elif _decodes_small(path, img):
                    pass
                else:
                    if img.format in {"JPEG", "MPO"}:
                        img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    img.load()
        except MediaError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaError(path, f"image is too large (decompression bomb?): {exc}") from None
        except UnidentifiedImageError as exc:
            raise MediaError(path, f"corrupt image: {exc}") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise MediaError(path, f"corrupt or truncated image: {exc}") from None


def _decodes_small(path: Path, img: Image.Image) -> bool:
    """A large WebP is decoded at an eighth of its size by OpenCV (Pillow's WebP decoder would hold several
    whole canvases), one large photo at a time; False when that is not for this photo or it fails (Pillow
    then decodes it and says what is wrong)."""
    from videos.media.large import large_webp, one_large_photo

    width, height = img.size
    with one_large_photo(width * height):
        return large_webp(path, img, (max(1, width // 8), max(1, height // 8))) is not None


def _check_av(path: Path, kind: str, trim_start: float) -> None:
    import av

    what = "video clip" if kind == "video" else "audio file"
    try:
        with av.open(str(path)) as container:
            streams = container.streams.video if kind == "video" else container.streams.audio
            if not streams:
                raise MediaError(path, f"has no {kind} stream")
            stream = streams[0]
            duration = _duration_s(container, stream)
            if duration is not None and trim_start >= duration:
                raise MediaError(path, f"trim_start {trim_start:.2f} s is past the end ({duration:.2f} s)")
            for _frame in container.decode(stream):
                break
            else:
                raise MediaError(path, f"{what} has no decodable {kind} frames")
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
        raise MediaError(path, f"{what} does not decode: {exc}") from None


def _duration_s(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return None


def validate_spec(spec: VideoSpec) -> dict[str, Path]:
    """Check every source in the spec; returns source -> local path. Raises MediaError on the first bad
    one (in track order)."""
    resolved: dict[str, Path] = {}
    checked: set[tuple[str, str, float]] = set()
    usable_video = 0
    for track in spec.tracks:
        for segment in track.segments:
            if segment.type == "text":
                continue
            trim = float(getattr(segment, "trim_start", 0.0))
            key = (segment.type, segment.source, trim)
            if key not in checked:
                resolved[segment.source] = validate_source(segment.source, segment.type, trim_start=trim)
                checked.add(key)
            usable_video += segment.type in {"image", "clip"}
    if not usable_video:
        raise MediaError("spec", "no usable photo or clip")
    return resolved
