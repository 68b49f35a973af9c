"""Video clips decoded with PyAV: seek to `trim_start`, then frames picked by timestamp for each output
frame time (so any source frame rate is resampled to the output's), rotated per the display matrix,
as RGB arrays."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from videos.media.errors import MediaError

_EPSILON = 1e-4


class ClipReader:
    """Sequential frame access by time; going back in time reopens and seeks."""

    def __init__(self, path: str | Path, trim_start: float = 0.0) -> None:
        self.path = Path(path)
        self.trim_start = trim_start
        self._container = None
        self._open(trim_start)

    def _open(self, at: float) -> None:
        self.close()
        try:
            self._container = av.open(str(self.path))
            self._stream = self._container.streams.video[0]
            self._stream.thread_type = "AUTO"
            if at > 0 and self._stream.time_base is not None:
                self._container.seek(int(at / self._stream.time_base), stream=self._stream, backward=True)
            self._frames = self._container.decode(self._stream)
        except (av.error.FFmpegError, IndexError, OSError) as exc:
            raise MediaError(self.path, f"video clip does not decode: {exc}") from None
        self._rate = float(self._stream.average_rate or self._stream.guessed_rate or 30)
        self._count = 0
        self._current: tuple[float, av.VideoFrame] | None = None
        self._next: tuple[float, av.VideoFrame] | None = self._read()
        self._cache: tuple[float, np.ndarray] | None = None

    def _read(self) -> tuple[float, av.VideoFrame] | None:
        try:
            frame = next(self._frames)
        except StopIteration:
            return None
        except av.error.FFmpegError as exc:
            raise MediaError(self.path, f"video clip is corrupt: {exc}") from None
        self._count += 1
        time = frame.time if frame.time is not None else (self._count - 1) / self._rate
        return float(time), frame

    def frame_at(self, t: float) -> np.ndarray:
        """The RGB frame shown `t` seconds after `trim_start`: the last frame whose timestamp is <= that
        time (the first one before the clip starts, the last one after it ends)."""
        target = self.trim_start + t
        if self._current is not None and target < self._current[0] - _EPSILON:
            self._open(max(0.0, target))
        while self._next is not None and (self._current is None or self._next[0] <= target + _EPSILON):
            self._current, self._next = self._next, self._read()
        if self._current is None:
            raise MediaError(self.path, "video clip has no frames")
        key = self._current[0]
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, _to_rgb(self._current[1]))
        return self._cache[1]

    @property
    def current_time(self) -> float | None:
        """The source timestamp (seconds) of the frame `frame_at` returned last."""
        return self._current[0] if self._current is not None else None

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def __enter__(self) -> ClipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _to_rgb(frame: av.VideoFrame) -> np.ndarray:
    # Untagged HD video is BT.709 and untagged SD is BT.601, as players assume.
    colorspace = frame.colorspace if frame.colorspace not in (0, 2) else (1 if frame.height >= 720 else 5)
    src_range = frame.color_range or None
    rgb = frame.reformat(format="rgb24", src_colorspace=colorspace, src_color_range=src_range).to_ndarray()
    turns = int(round((frame.rotation or 0) / 90)) % 4
    if turns:
        rgb = np.ascontiguousarray(np.rot90(rgb, k=turns))
    return rgb


def clip_duration(path: str | Path) -> float | None:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        return container.duration / 1_000_000 if container.duration else None
