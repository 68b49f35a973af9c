"""The encoded-soundtrack cache: the AAC packets of a soundtrack, encoded once and muxed again into every
render that plays the same mix (a bulk batch puts one music bed under video after video of one length).

Kept per process (least recently used first out, bounded by bytes) and, when Django is configured, on disk
under VAR_DIR/soundtracks/<sha256 of the key>.npz (written whole then renamed, so a reader never sees half
a file; an unreadable file is a miss and gets rewritten; the oldest files go beyond a count or a size).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from videos.media.audio import CHANNELS, SAMPLE_RATE, Mixer

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the mixing or this file's layout changes: older entries then never match
MEMORY_BYTES = 16 << 20
DISK_FILES = 200
DISK_BYTES = 64 << 20


@dataclass(frozen=True)
class Soundtrack:
    """Encoded packets: payloads back to back in `data`, timestamps in 1/SAMPLE_RATE."""

    data: bytes
    sizes: np.ndarray  # int64, one per packet
    pts: np.ndarray
    dts: np.ndarray
    durations: np.ndarray
    keyframes: np.ndarray  # bool

    @classmethod
    def of(cls, packets: list[tuple[bytes, int, int, int, bool]]) -> Soundtrack:
        """From (payload, pts, dts, duration, keyframe) tuples, in muxing order."""
        def column(index: int, dtype: type = np.int64) -> np.ndarray:
            return np.array([packet[index] for packet in packets], dtype)

        payloads = [packet[0] for packet in packets]
        return cls(b"".join(payloads), np.array([len(p) for p in payloads], np.int64), column(1), column(2),
                   column(3), column(4, bool))

    def __post_init__(self) -> None:
        for array in self.arrays():
            array.setflags(write=False)  # shared by every render that plays it

    def arrays(self) -> tuple[np.ndarray, ...]:
        return self.sizes, self.pts, self.dts, self.durations, self.keyframes

    def consistent(self) -> bool:
        return len({len(a) for a in self.arrays()}) == 1 and int(self.sizes.sum()) == len(self.data)

    @property
    def nbytes(self) -> int:
        return len(self.data) + sum(a.nbytes for a in self.arrays())

    def packets(self) -> Iterator[tuple[bytes, int, int, int, bool]]:
        offset = 0
        for size, pts, dts, duration, key in zip(self.sizes.tolist(), self.pts.tolist(), self.dts.tolist(),
                                                 self.durations.tolist(), self.keyframes.tolist(), strict=True):
            yield self.data[offset:offset + size], pts, dts, duration, key
            offset += size


def soundtrack_key(mixer: Mixer, *, aac_coder: str, bit_rate: int, frame_size: int) -> str | None:
    """A digest of everything the encoded packets depend on; None when the mix has no identity."""
    mix = mixer.identity()
    if mix is None:
        return None
    codec = ("aac", aac_coder, bit_rate, SAMPLE_RATE, CHANNELS, frame_size, av.__version__,
             av.library_versions["libavcodec"], np.__version__)  # a different encoder or numpy may differ
    return hashlib.sha256(repr((FORMAT, codec, mix)).encode()).hexdigest()


_COLUMNS = ("sizes", "pts", "dts", "durations")
_memory: OrderedDict[str, Soundtrack] = OrderedDict()
_lock = threading.Lock()


def lookup(key: str) -> Soundtrack | None:
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    found = _read(key)
    if found is not None:
        _remember(key, found)
    return found


def store(key: str, soundtrack: Soundtrack) -> None:
    """Remember the packets; a disk that refuses them only costs the next render an encode."""
    _remember(key, soundtrack)
    folder = _folder()
    if folder is None:
        return
    try:
        _write(folder, key, soundtrack)
        _prune(folder)
    except OSError as exc:
        log.warning("soundtrack cache not written: %s", exc)


def _remember(key: str, soundtrack: Soundtrack) -> None:
    if soundtrack.nbytes > MEMORY_BYTES:
        return
    with _lock:
        _memory[key] = soundtrack
        _memory.move_to_end(key)
        while sum(s.nbytes for s in _memory.values()) > MEMORY_BYTES:
            _memory.popitem(last=False)


def _folder() -> Path | None:
    try:
        from django.conf import settings

        return Path(settings.VAR_DIR) / "soundtracks" if settings.configured else None
    except Exception:  # no Django, or settings without VAR_DIR: memory only
        return None


def _read(key: str) -> Soundtrack | None:
    folder = _folder()
    path = folder / f"{key}.npz" if folder is not None else None
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["key"]) != key:
                return None
            soundtrack = Soundtrack(stored["data"].tobytes(), *(stored[n].astype(np.int64) for n in _COLUMNS),
                                    stored["keyframes"].astype(bool))
        if not soundtrack.consistent():
            raise ValueError("packet sizes do not add up")
    except Exception as exc:  # a damaged file fails in many ways (zip, format, missing array): it is a miss
        log.warning("soundtrack cache file %s ignored: %s", path.name, exc)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return soundtrack


def _write(folder: Path, key: str, soundtrack: Soundtrack) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, key=np.array(key), data=np.frombuffer(soundtrack.data, np.uint8), sizes=soundtrack.sizes,
             pts=soundtrack.pts, dts=soundtrack.dts, durations=soundtrack.durations, keyframes=soundtrack.keyframes)
    temp = folder / f".{key}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part"
    try:
        temp.write_bytes(buffer.getvalue())
        os.replace(temp, folder / f"{key}.npz")
    finally:
        temp.unlink(missing_ok=True)


STALE_PART_S = 3600.0  # a temp file this old was left by a writer that died


def _prune(folder: Path) -> None:
    """Keep the newest files within DISK_FILES and DISK_BYTES; remove temp files dead writers left."""
    now = time.time()
    for part in folder.glob(".*.part"):
        with contextlib.suppress(OSError):
            if now - part.stat().st_mtime > STALE_PART_S:
                part.unlink()
    entries = []
    for path in folder.glob("*.npz"):
        with contextlib.suppress(OSError):  # another process may have pruned it already
            stat = path.stat()
            entries.append((stat.st_mtime_ns, stat.st_size, path))
    entries.sort(reverse=True)
    total = 0
    for count, (_, size, path) in enumerate(entries, start=1):
        total += size
        if count > DISK_FILES or total > DISK_BYTES:
            with contextlib.suppress(OSError):
                path.unlink()
