"""Audio: decode any file PyAV reads to float32 48 kHz stereo, and mix the spec's music beds and kept clip
sound into the video's soundtrack, chunk by chunk (so long videos never hold a whole mix in memory)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from videos.media.errors import MediaError

SAMPLE_RATE = 48_000
CHANNELS = 2
EDGE_FADE_S = 0.02  # clip sound gets 20 ms fades so cuts never click


def decode_audio(path: str | Path, *, start: float = 0.0, duration: float | None = None) -> np.ndarray:
    """Samples from `start` (seconds) for at most `duration` seconds, as (2, n) float32 at 48 kHz.
    A file without an audio stream gives zero samples; one that does not decode raises MediaError."""
    path = Path(path)
    wanted = None if duration is None else int(round(duration * SAMPLE_RATE))
    chunks: list[np.ndarray] = []
    have = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return np.zeros((CHANNELS, 0), np.float32)
            stream = container.streams.audio[0]
            if start > 0 and stream.time_base is not None:
                container.seek(int(start / stream.time_base), stream=stream, backward=True)
            # Mono stays mono here and is duplicated below: swresample's mono->stereo mix is 3 dB quieter.
            mono = stream.codec_context.channels == 1
            resampler = av.AudioResampler(format="fltp", layout="mono" if mono else "stereo", rate=SAMPLE_RATE)
            skip: int | None = None if start > 0 else 0
            for frame in _frames(container, stream):
                if skip is None:  # the first frame after seeking tells where we landed
                    landed = frame.time if frame.time is not None else 0.0
                    skip = max(0, int(round((start - landed) * SAMPLE_RATE)))
                for out in resampler.resample(frame):
                    have += _append(chunks, out.to_ndarray(), skip, have)
                    skip = max(0, skip - out.samples)
                if wanted is not None and have >= wanted:
                    break
            else:
                for out in resampler.resample(None):
                    have += _append(chunks, out.to_ndarray(), skip or 0, have)
                    skip = max(0, (skip or 0) - out.samples)
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(path, f"audio does not decode: {exc}") from None
    samples = np.concatenate(chunks, axis=1) if chunks else np.zeros((CHANNELS, 0), np.float32)
    return samples[:, :wanted] if wanted is not None else samples


def _frames(container, stream):
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue  # one damaged packet: skip it, as players do


def _append(chunks: list[np.ndarray], array: np.ndarray, skip: int, _have: int) -> int:
    array = array[:, skip:] if skip else array
    if array.shape[0] == 1:
        array = np.repeat(array, 2, axis=0)
    if array.shape[1]:
        chunks.append(array.astype(np.float32, copy=False))
    return array.shape[1]


@dataclass
class AudioSource:
    """Samples placed on the timeline: played from timeline sample `start` for `length` samples."""

    samples: np.ndarray  # (2, n) float32
    start: int
    length: int
    gain: float = 1.0
    fade_in: int = 0
    fade_out: int = 0
    loop: bool = False
    identity: tuple | None = None  # what the samples are (music: the file and range); None: unknown


class Mixer:
    """The soundtrack: the sum of its sources, rendered in chunks, limited to [-1, 1]."""

    def __init__(self, total_samples: int, sources: list[AudioSource] | None = None) -> None:
        self.total = total_samples
        self.sources = [s for s in (sources or []) if s.length > 0 and s.samples.shape[1] > 0 and s.gain > 0]

    def identity(self) -> tuple | None:
        """What `render` produces, as plain values: equal identities mix the same samples. None when a
        source's samples have no identity (clip sound)."""
        if any(s.identity is None for s in self.sources):
            return None
        placed = tuple((s.identity, s.start, s.length, s.gain, s.fade_in, s.fade_out, s.loop) for s in self.sources)
        return (self.total, placed)

    def render(self, start: int, count: int) -> np.ndarray:
        out = np.zeros((CHANNELS, count), np.float32)
        for source in self.sources:
            lo = max(start, source.start)
            hi = min(start + count, source.start + source.length, self.total)
            if hi <= lo:
                continue
            local = np.arange(lo - source.start, hi - source.start)
            n = source.samples.shape[1]
            if source.loop:
                chunk = source.samples[:, local % n]
            else:
                valid = local < n
                chunk = np.zeros((CHANNELS, local.size), np.float32)
                chunk[:, valid] = source.samples[:, local[valid]]
            envelope = np.full(local.size, source.gain, np.float32)
            if source.fade_in:
                envelope *= np.clip(local / source.fade_in, 0.0, 1.0)
            if source.fade_out:
                envelope *= np.clip((source.length - local) / source.fade_out, 0.0, 1.0)
            out[:, lo - start : hi - start] += chunk * envelope
        np.clip(out, -1.0, 1.0, out=out)
        return out


def seconds_to_samples(seconds: float) -> int:
    return int(round(seconds * SAMPLE_RATE))


def music_source(path: Path, *, start: float, duration: float, trim_start: float, volume: float,
                 fade_in: float, fade_out: float, loop: bool) -> AudioSource:
    samples, identity = _decoded_music(path, start=trim_start, duration=duration)
    if samples.shape[1] == 0:
        raise MediaError(path, "music file has no audio samples")
    return AudioSource(samples, seconds_to_samples(start), seconds_to_samples(duration), volume,
                       seconds_to_samples(fade_in), seconds_to_samples(fade_out), loop, identity)


def clip_sound(path: Path, *, start: float, duration: float, trim_start: float, volume: float) -> AudioSource:
    samples = decode_audio(path, start=trim_start, duration=duration)
    edge = seconds_to_samples(EDGE_FADE_S)
    return AudioSource(samples, seconds_to_samples(start), seconds_to_samples(duration), volume, edge, edge, False)


# Decoded music, per process: a bulk batch plays the same few library beds in video after video. Keyed by
# the file's identity, so a changed file is decoded afresh; least recently used entries go first.
MUSIC_CACHE_BYTES = 64 << 20
_music_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
_music_lock = threading.Lock()


def decoded_music(path: Path, *, start: float = 0.0, duration: float | None = None) -> np.ndarray:
    """`decode_audio`, remembered (read-only) for the next render in this process."""
    return _decoded_music(path, start=start, duration=duration)[0]


def _decoded_music(path: Path, *, start: float, duration: float | None) -> tuple[np.ndarray, tuple | None]:
    """The samples and their identity (the cache key; None when the file cannot be looked at)."""
    try:
        stat = Path(path).stat()
    except OSError:
        return decode_audio(path, start=start, duration=duration), None  # decode_audio reports it
    key = (str(Path(path).resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size, start, duration)
    with _music_lock:
        if key in _music_cache:
            _music_cache.move_to_end(key)
            return _music_cache[key], key
    samples = decode_audio(path, start=start, duration=duration)
    samples.setflags(write=False)  # shared by every render that plays it
    if samples.nbytes <= MUSIC_CACHE_BYTES:
        with _music_lock:
            _music_cache[key] = samples
            while sum(a.nbytes for a in _music_cache.values()) > MUSIC_CACHE_BYTES:
                _music_cache.popitem(last=False)
    return samples, key
