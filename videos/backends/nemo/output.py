"""Checking what the cloud hands back before a merchant sees it, and taking a poster frame from it."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from videos.backends.nemo.errors import NemoBadOutput
from videos.spec import MAX_DURATION_S, VideoSpec

MIN_BYTES = 1024


@dataclass
class VideoInfo:
    duration_s: float
    width: int
    height: int
    size_bytes: int
    codec: str


def check_mp4(path: Path, *, max_duration_s: float = MAX_DURATION_S + 60) -> VideoInfo:
    """Accept only an MP4/MOV with a decodable H.264 video stream of a sane size and duration."""
    size = path.stat().st_size
    if size < MIN_BYTES:
        raise NemoBadOutput(f"The exported video is empty or truncated ({size} bytes)")
    try:
        with av.open(str(path)) as container:
            if "mp4" not in container.format.name and "mov" not in container.format.name:
                raise NemoBadOutput(f"The exported file is {container.format.name}, not an MP4")
            if not container.streams.video:
                raise NemoBadOutput("The exported file has no video stream")
            stream = container.streams.video[0]
            codec = stream.codec_context.name
            if codec != "h264":
                raise NemoBadOutput(f"The exported video is encoded as {codec}, not H.264")
            duration = _duration(container, stream)
            if not 0 < duration <= max_duration_s:
                raise NemoBadOutput(f"The exported video lasts {duration:.1f} s, which cannot be right")
            frame = next(container.decode(stream), None)
            if frame is None:
                raise NemoBadOutput("The exported video has no frames")
            return VideoInfo(duration, frame.width, frame.height, size, codec)
    except av.FFmpegError as exc:
        raise NemoBadOutput(f"The exported file is not a readable video ({type(exc).__name__})") from None


def _duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(Fraction(container.duration, av.time_base))
    return 0.0


def poster_time(spec: VideoSpec, duration_s: float) -> float:
    """The spec's poster time, else mid-way through the first text (the title is showing), else a quarter in;
    never past the end of the video that came back."""
    if spec.poster_time is not None:
        at = spec.poster_time
    else:
        texts = spec.segments_of("text")
        at = texts[0].start + texts[0].duration / 2 if texts else spec.duration / 4
    return max(0.0, min(at, duration_s - 0.05))


def extract_poster(video: Path, poster: Path, at_s: float) -> None:
    """Write the frame shown at `at_s` as a JPEG at `poster` (written whole or not at all)."""
    try:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            if at_s > 0 and stream.time_base is not None:
                container.seek(int(at_s / stream.time_base), stream=stream, backward=True)
            chosen = None
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is not None and frame.time >= at_s - 1e-3:
                    break
            if chosen is None:
                raise NemoBadOutput("The exported video has no frame for a poster")
            image = chosen.to_image().convert("RGB")
    except av.FFmpegError as exc:
        raise NemoBadOutput(
            f"Cannot take a poster frame from the exported video ({type(exc).__name__})"
        ) from None
    poster.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=poster.parent, prefix=f".{poster.name}.", suffix=".part")
    os.close(handle)
    try:
        image.save(temp, "JPEG", quality=90)
        os.replace(temp, poster)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
