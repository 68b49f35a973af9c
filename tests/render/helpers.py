"""Helpers for the renderer's tests: tiny media made at test time, spec builders, output inspection."""

from __future__ import annotations

import struct
import wave
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image

from videos.spec import VideoSpec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "photos"


# --- media ---------------------------------------------------------------------------------------
def product_photo(path: Path, size=(320, 240), box=(0.35, 0.3, 0.65, 0.7), color=(200, 30, 30),
                  background=(255, 255, 255), fmt: str | None = None, soft: float = 0.0, **save) -> Path:
    """A 'product' (a coloured rectangle with some texture) on a plain background; `soft` > 0: no texture
    and edges blurred by that sigma (smooth pictures make sub-pixel motion measurable)."""
    w, h = size
    arr = np.zeros((h, w, 3), np.uint8)
    arr[:] = background
    x0, y0, x1, y1 = int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)
    arr[y0:y1, x0:x1] = color
    if soft:
        arr = cv2.GaussianBlur(arr, (0, 0), soft)
    else:
        arr[y0:y1:6, x0:x1] = (40, 40, 40)
    Image.fromarray(arr).save(path, format=fmt, **save)
    return path


def cutout_png(path: Path, size=(300, 300), color=(30, 160, 60)) -> Path:
    """A transparent PNG: an opaque disc on fully transparent (black-RGB) pixels."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    disc = (xx - w / 2) ** 2 + (yy - h / 2) ** 2 <= (min(w, h) * 0.3) ** 2
    arr = np.zeros((h, w, 4), np.uint8)
    arr[disc] = (*color, 255)
    Image.fromarray(arr, "RGBA").save(path)
    return path


def solid_photo(path: Path, color, size=(160, 160)) -> Path:
    Image.new("RGB", size, color).save(path)
    return path


def write_wav(path: Path, seconds: float = 1.0, freq: float = 440.0, rate: int = 48_000, amp: float = 0.5,
              channels: int = 2) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    tone = (np.sin(2 * np.pi * freq * t) * amp * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(np.repeat(tone[:, None], channels, axis=1).tobytes())
    return path


def write_clip(path: Path, *, seconds: float = 2.0, fps: int = 25, size=(192, 108), codec: str = "libx264",
               audio: bool = True, video: bool = True, fmt: str | None = None) -> Path:
    """A clip whose frame n has grey level 20 + 4n (so tests can tell which source frame is shown), with a
    440 Hz tone when `audio`."""
    container = av.open(str(path), mode="w", format=fmt)
    frames = int(seconds * fps)
    if video:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
    if audio:
        astream = container.add_stream("aac" if codec != "libvpx-vp9" else "libopus", rate=48_000, layout="stereo")
    if video:
        for n in range(frames):
            arr = np.full((size[1], size[0], 3), min(255, 20 + 4 * n), np.uint8)
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame.pts = n
            frame.time_base = Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    if audio:
        rate, chunk = 48_000, 960
        total = int(seconds * rate)
        for start in range(0, total, chunk):
            t = (np.arange(start, min(start + chunk, total)) / rate).astype(np.float32)
            tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(np.stack([tone, tone]), format="fltp", layout="stereo")
            frame.sample_rate = rate
            frame.pts = start
            container.mux(astream.encode(frame))
        container.mux(astream.encode(None))
    container.close()
    return path


# --- specs ---------------------------------------------------------------------------------------
def spec_of(video: list[dict], *, size=(256, 256), duration: float | None = None, fps: int = 30,
            background: str = "#FFFFFF", text: list[dict] | None = None, overlay: list[dict] | None = None,
            audio: list[dict] | None = None, **extra) -> VideoSpec:
    duration = duration or max(s["start"] + s["duration"] for s in video)
    tracks = [{"kind": "video", "segments": [{"type": "image", **s} for s in video]}]
    if text:
        tracks.append({"kind": "text", "segments": [{"type": "text", **s} for s in text]})
    if overlay:
        tracks.append({"kind": "overlay", "segments": [{"type": "overlay", **s} for s in overlay]})
    if audio:
        tracks.append({"kind": "audio", "segments": [{"type": "audio", **s} for s in audio]})
    return VideoSpec.from_dict({"canvas": {"width": size[0], "height": size[1], "fps": fps,
                                           "background": background},
                                "duration": duration, "tracks": tracks, **extra})


def still(source, start=0.0, duration=1.0, **kw) -> dict:
    return {"source": str(source), "start": start, "duration": duration, "motion": {"kind": "none"}, **kw}


def composed_frames(spec: VideoSpec, indices=None) -> list[np.ndarray]:
    """Frames straight from the compositor, as RGB (no encoder in between)."""
    from videos.media.probe import validate_spec
    from videos.render.compositor import build_compositor
    from videos.render.yuv import frame_views, planes_to_rgb

    compositor = build_compositor(spec, validate_spec(spec))
    buffer = np.empty((spec.canvas.height * 3 // 2, spec.canvas.width), np.uint8)
    out = []
    try:
        for index in indices if indices is not None else range(spec.frame_count):
            compositor.compose(index, buffer, reuse=False)
            out.append(planes_to_rgb(frame_views(buffer, spec.canvas.width, spec.canvas.height)))
    finally:
        compositor.close()
    return out


def composed_luma(spec: VideoSpec, indices=None) -> list[np.ndarray]:
    from videos.media.probe import validate_spec
    from videos.render.compositor import build_compositor

    compositor = build_compositor(spec, validate_spec(spec))
    buffer = np.empty((spec.canvas.height * 3 // 2, spec.canvas.width), np.uint8)
    out = []
    for index in indices if indices is not None else range(spec.frame_count):
        compositor.compose(index, buffer, reuse=False)
        out.append(buffer[: spec.canvas.height].copy())
    compositor.close()
    return out


# --- output inspection ---------------------------------------------------------------------------
def probe(path: Path) -> dict:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        ctx = video.codec_context
        info = {
            "codec": ctx.name, "profile": ctx.profile, "pix_fmt": ctx.pix_fmt, "width": video.width,
            "height": video.height, "fps": video.average_rate, "frames": video.frames,
            "duration": float(video.duration * video.time_base) if video.duration else None,
            "color_primaries": ctx.color_primaries, "colorspace": ctx.colorspace, "color_range": ctx.color_range,
            "audio": None,
        }
        if container.streams.audio:
            audio = container.streams.audio[0]
            info["audio"] = {"codec": audio.codec_context.name, "profile": audio.codec_context.profile,
                             "rate": audio.rate, "channels": audio.channels}
    return info


def decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def decoded_audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48_000)
        chunks = [out.to_ndarray() for frame in container.decode(audio=0) for out in resampler.resample(frame)]
    return np.concatenate(chunks, axis=1) if chunks else np.zeros((2, 0), np.float32)


def top_level_boxes(path: Path) -> list[str]:
    boxes = []
    with open(path, "rb") as handle:
        while header := handle.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0]
                handle.seek(size - 16, 1)
            elif size == 0:
                boxes.append(kind.decode("latin-1"))
                break
            else:
                handle.seek(size - 8, 1)
            boxes.append(kind.decode("latin-1"))
    return boxes


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
