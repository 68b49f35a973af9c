"""The MP4 writer (PyAV): H.264 High yuv420p CFR tagged BT.709 limited range, AAC-LC 48 kHz stereo,
moov before mdat (+faststart); and JPEG posters."""

from __future__ import annotations

import contextlib
from collections import deque
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from videos.media.audio import CHANNELS, SAMPLE_RATE, Mixer
from videos.render import soundtrack
from videos.render.choices import AAC_CODERS
from videos.render.yuv import Planes, planes_to_rgb

AAC_FRAME = 1024
AUDIO_BITRATE = 160_000
# AVCOL_PRI_BT709 / AVCOL_TRC_BT709 / AVCOL_SPC_BT709 / AVCOL_RANGE_MPEG
BT709, RANGE_LIMITED = 1, 1
# With frame threads, x264's lookahead runs in a thread of its own, this many frames ahead of the encoding
# threads (0: inside the frame threads, which then wait for it). Two frames: most of the speed of x264's
# default buffer for a few MB of it (README "Speed"); with one thread there is no lookahead thread at all.
SYNC_LOOKAHEAD = 2


def encoder_settings() -> dict:
    """The render settings from Django's when configured, else the documented defaults: preset / crf /
    threads (VIDEO_X264_*), the AAC coder (VIDEO_AAC_CODER) and the arrangement (VIDEO_RENDER_ARRANGEMENT)."""
    values = {"preset": "veryfast", "crf": 20, "threads": 0, "aac_coder": "fast", "arrangement": "compose_thread"}
    try:
        from django.conf import settings

        if settings.configured:
            values["preset"] = getattr(settings, "VIDEO_X264_PRESET", values["preset"])
            values["crf"] = int(getattr(settings, "VIDEO_X264_CRF", values["crf"]))
            values["threads"] = int(getattr(settings, "VIDEO_X264_THREADS", values["threads"]))
            values["aac_coder"] = getattr(settings, "VIDEO_AAC_CODER", values["aac_coder"])
            values["arrangement"] = getattr(settings, "VIDEO_RENDER_ARRANGEMENT", values["arrangement"])
    except Exception:
        pass
    return values


class Encoder:
    """Video frames in order (`encode`), the audio from a Mixer interleaved as the video advances.

    A soundtrack encoded before (same mix, same AAC encoder) is muxed from the soundtrack cache instead of
    mixed and encoded again; the AAC stream is still set up as usual, so the MP4 carries the encoder's own
    codec parameters. `soundtrack` tells which: "cached" or "encoded"."""

    def __init__(self, path: Path, width: int, height: int, fps: int, mixer: Mixer, *,
                 preset: str = "veryfast", crf: int = 20, threads: int = 0, aac_coder: str = "fast",
                 cache_soundtrack: bool = True) -> None:
        if aac_coder not in AAC_CODERS:
            raise ValueError(f"unknown AAC coder {aac_coder!r} (one of {', '.join(AAC_CODERS)})")
        self.fps = fps
        self.mixer = mixer
        self._key = soundtrack.soundtrack_key(mixer, aac_coder=aac_coder, bit_rate=AUDIO_BITRATE,
                                              frame_size=AAC_FRAME) if cache_soundtrack else None
        cached = soundtrack.lookup(self._key) if self._key else None
        self._cached = deque(cached.packets()) if cached is not None else None
        self._recorded: list[tuple[bytes, int, int, int, bool]] | None = [] if self._key and cached is None else None
        self.soundtrack = "cached" if cached is not None else "encoded"
        self.container = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            video = self.container.add_stream("libx264", rate=fps)
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            video.time_base = Fraction(1, fps)
            ctx = video.codec_context
            ctx.time_base = Fraction(1, fps)
            ctx.framerate = Fraction(fps, 1)
            ctx.thread_type = "FRAME"  # PyAV defaults to slice threads for libx264, which are slower
            ctx.thread_count = max(0, int(threads))
            ctx.color_primaries = ctx.color_trc = ctx.colorspace = BT709
            ctx.color_range = RANGE_LIMITED
            video.options = {"preset": preset, "crf": str(crf), "profile": "high",
                             "x264-params": f"sync-lookahead={SYNC_LOOKAHEAD}"}
            audio = self.container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            audio.codec_context.bit_rate = AUDIO_BITRATE
            audio.options = {"aac_coder": aac_coder}
            audio.time_base = Fraction(1, SAMPLE_RATE)
        except Exception:
            self.container.close()
            raise
        self.video, self.audio = video, audio
        self._frames = 0
        self._audio_samples = 0

    def encode(self, frame: av.VideoFrame) -> None:
        frame.pts = self._frames
        frame.time_base = Fraction(1, self.fps)
        self.container.mux(self.video.encode(frame))
        self._frames += 1
        self._audio_until(self._frames * SAMPLE_RATE // self.fps)

    def _audio_until(self, sample: int, *, final: bool = False) -> None:
        if self._cached is not None:
            self._mux_cached_until(sample, final=final)
        else:
            self._encode_audio_until(sample, final=final)

    def _mux_cached_until(self, sample: int, *, final: bool) -> None:
        """The cached packets whose time has come (all of them when `final`), as the encoder would give them."""
        assert self._cached is not None
        while self._cached and (final or self._cached[0][1] < sample):
            payload, pts, dts, duration, keyframe = self._cached.popleft()
            packet = av.Packet(payload)
            packet.pts, packet.dts, packet.duration = pts, dts, duration
            packet.time_base = Fraction(1, SAMPLE_RATE)
            packet.is_keyframe = keyframe
            packet.stream = self.audio
            self.container.mux(packet)

    def _mux_encoded(self, packets: list[av.Packet]) -> None:
        if self._recorded is not None:
            for packet in packets:
                if packet.time_base != Fraction(1, SAMPLE_RATE):
                    self._recorded = None  # not in the cache's time base: this one is not kept
                    break
                self._recorded.append((bytes(packet), packet.pts, packet.dts, packet.duration, packet.is_keyframe))
        self.container.mux(packets)

    def _encode_audio_until(self, sample: int, *, final: bool = False) -> None:
        sample = min(sample, self.mixer.total)
        while self._audio_samples + (0 if final else AAC_FRAME) <= sample and self._audio_samples < sample:
            count = min(AAC_FRAME, sample - self._audio_samples)
            chunk = self.mixer.render(self._audio_samples, count)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk.reshape(CHANNELS, count)), format="fltp", layout="stereo")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = self._audio_samples
            frame.time_base = Fraction(1, SAMPLE_RATE)
            self._mux_encoded(self.audio.encode(frame))
            self._audio_samples += count

    def finish(self) -> None:
        """Flush and close; a soundtrack encoded here is kept for the next render (only once all went well)."""
        self.container.mux(self.video.encode(None))
        self._audio_until(self.mixer.total, final=True)
        if self._cached is None:
            self._mux_encoded(self.audio.encode(None))
        self.container.close()
        if self._key and self._recorded is not None:
            soundtrack.store(self._key, soundtrack.Soundtrack.of(self._recorded))

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.container.close()


def new_frame(width: int, height: int) -> tuple[av.VideoFrame, Planes]:
    """A blank yuv420p frame (BT.709, limited range) and numpy views of its planes to compose into."""
    frame = av.VideoFrame(width, height, "yuv420p")
    frame.colorspace = BT709
    frame.color_range = RANGE_LIMITED
    views = []
    for plane, (w, h) in zip(frame.planes, ((width, height), (width // 2, height // 2), (width // 2, height // 2)), strict=True):
        views.append(np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:h, :w])
    return frame, Planes(*views)


def video_frame(buffer: np.ndarray) -> av.VideoFrame:
    """A yuv420p frame (BT.709, limited range) from an (h*3/2, w) uint8 buffer (copied)."""
    frame = av.VideoFrame.from_ndarray(buffer, format="yuv420p")
    frame.colorspace = BT709
    frame.color_range = RANGE_LIMITED
    return frame


def save_poster(planes: Planes, path: Path, quality: int = 90) -> None:
    Image.fromarray(planes_to_rgb(planes)).save(path, format="JPEG", quality=quality, optimize=True)
