"""The render pipeline: validate every source, prepare plates / layers / soundtrack, then compose frames
while x264 encodes them, into a temp file in the output's folder that is renamed into place at the end
(removed on any error: either the whole file is there or nothing is).

Photos keep being prepared (one background thread, in timeline order) while x264 starts; the composing
thread runs at a slightly lower priority (`COMPOSE_NICE`) so that x264's lookahead thread, the
pipeline's serial critical path, is never starved: composing only needs the CPU x264 leaves idle.

Arrangements (setting VIDEO_RENDER_ARRANGEMENT; `manage.py bench_render --arrangement ...`):
- "compose_thread" (default): a thread composes frames into a small bounded queue, the calling thread
  encodes and muxes. OpenCV, Pillow and PyAV's avcodec_send_frame all release the GIL, so composing
  overlaps x264's own frame threads.
- "encode_thread": the other way round.
- "serial": one thread does both (the baseline).
On a 2-core machine compose_thread used the least CPU of the three and had the best median wall time
(`bench_render` prints the figures); OpenCV is pinned to one thread (`cv2_threads=1`): its own threads
only compete with x264's.
With a worker per core all busy (a bulk batch), "serial" finished a bench_pipeline batch slightly sooner:
there is no idle core for the composing thread to use (docs/run-locally.md).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
import time
import uuid
from collections import deque
from pathlib import Path

import cv2
import numpy as np

from videos.backends.base import ProgressCallback, RenderError, RenderResult
from videos.media.audio import Mixer, clip_sound, music_source, seconds_to_samples
from videos.media.memory import release_free_memory
from videos.media.probe import validate_spec
from videos.render.choices import ARRANGEMENTS
from videos.render.compositor import Compositor, build_compositor
from videos.render.encoder import Encoder, encoder_settings, new_frame, save_poster
from videos.render.yuv import frame_views
from videos.spec import AudioSegment, ClipSegment, TextSegment, VideoSpec

QUEUE_FRAMES = 3
_DONE = object()


def build_mixer(spec: VideoSpec, paths: dict[str, Path]) -> Mixer:
    sources = []
    for segment in spec.segments_of("audio"):
        assert isinstance(segment, AudioSegment)
        sources.append(music_source(
            paths[segment.source], start=segment.start, duration=segment.duration, trim_start=segment.trim_start,
            volume=segment.volume, fade_in=segment.fade_in, fade_out=segment.fade_out, loop=segment.loop,
        ))
    for segment in spec.segments_of("video"):
        if isinstance(segment, ClipSegment) and segment.keep_audio and segment.volume > 0:
            sources.append(clip_sound(paths[segment.source], start=segment.start, duration=segment.duration,
                                      trim_start=segment.trim_start, volume=segment.volume))
    total = seconds_to_samples(spec.frame_count / spec.canvas.fps)
    return Mixer(total, sources)


def poster_frame(spec: VideoSpec) -> int:
    """The spec's poster_time, or the hero shot with its title fully shown."""
    if spec.poster_time is not None:
        t = spec.poster_time
    else:
        first = spec.segments_of("video")[0]
        titles = [s for s in spec.segments_of("text") if isinstance(s, TextSegment) and s.start < first.end]
        titles.sort(key=lambda s: (s.role != "title", s.start))
        if titles:
            title = titles[0]
            t = min(title.start + min(title.style.animation_duration, title.duration / 3) + 0.2, title.end - 0.05)
        else:
            t = first.start + first.duration * 0.3
    return min(max(0, round(t * spec.canvas.fps)), spec.frame_count - 1)


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part{target.suffix}")


def render_spec(
    spec: VideoSpec,
    output: str | Path,
    *,
    poster: str | Path | None = None,
    progress: ProgressCallback | None = None,
    arrangement: str | None = None,
    preset: str | None = None,
    crf: int | None = None,
    threads: int | None = None,
    cv2_threads: int | None = 1,
    cores: int | None = None,
) -> RenderResult:
    """cores=1: one x264 thread composing in the same thread (`serial`), whatever the settings say, for a
    worker whose machine has other jobs to run; None: as configured. Explicit `arrangement` / `threads` win."""
    started = time.perf_counter()
    output = Path(output)
    poster = Path(poster) if poster is not None else None
    report = progress or (lambda fraction, stage: None)
    settings = encoder_settings()
    if cores == 1:
        settings |= {"arrangement": "serial", "threads": 1}
    arrangement = arrangement or settings["arrangement"]
    if arrangement not in ARRANGEMENTS:
        raise ValueError(f"unknown arrangement {arrangement!r}")
    preset = preset or settings["preset"]
    crf = settings["crf"] if crf is None else crf
    threads = settings["threads"] if threads is None else threads

    report(0.0, "checking")
    paths = validate_spec(spec)  # every source, before anything is decoded or written
    for target in filter(None, (output, poster)):
        target.parent.mkdir(parents=True, exist_ok=True)
    previous_threads = cv2.getNumThreads()
    if cv2_threads is not None:
        cv2.setNumThreads(cv2_threads)
    temp_video = _temp_path(output)
    temp_poster = _temp_path(poster) if poster else None
    compositor: Compositor | None = None
    try:
        report(0.01, "preparing")
        compositor = build_compositor(spec, paths, wait=False)  # photos keep preparing while x264 starts
        mixer = build_mixer(spec, paths)
        encoder = Encoder(temp_video, spec.canvas.width, spec.canvas.height, spec.canvas.fps, mixer,
                          preset=preset, crf=crf, threads=threads, aac_coder=settings["aac_coder"])
        try:
            stats = {**_run(compositor, encoder, spec.frame_count, arrangement, report),
                     "soundtrack": encoder.soundtrack}  # "cached": the AAC packets of an earlier render
            report(0.99, "finishing")
            encoder.finish()
            release_free_memory()  # x264's buffers, before the poster allocates its own
        except BaseException:
            encoder.abort()
            raise
        if temp_poster is not None:
            buffer = np.empty((spec.canvas.height * 3 // 2, spec.canvas.width), np.uint8)
            compositor.compose(poster_frame(spec), buffer, reuse=False)
            save_poster(frame_views(buffer, spec.canvas.width, spec.canvas.height), temp_poster)
        _publish(temp_video, output, temp_poster, poster)
    except RenderError:
        _cleanup(temp_video, temp_poster)
        raise
    except Exception as exc:
        _cleanup(temp_video, temp_poster)
        raise RenderError(f"render failed: {type(exc).__name__}: {exc}", retryable=isinstance(exc, OSError)) from exc
    except BaseException:
        _cleanup(temp_video, temp_poster)
        raise
    finally:
        if compositor is not None:
            compositor.close()
        cv2.setNumThreads(previous_threads)
    report(1.0, "done")
    return RenderResult(
        path=output, duration_s=spec.frame_count / spec.canvas.fps, size_bytes=output.stat().st_size,
        width=spec.canvas.width, height=spec.canvas.height, render_s=time.perf_counter() - started,
        poster_path=poster, details={"frames": spec.frame_count, "arrangement": arrangement, "preset": preset,
                                     "crf": crf, "x264_threads": threads, **stats},
    )


def _publish(temp_video: Path, output: Path, temp_poster: Path | None, poster: Path | None) -> None:
    """Rename the finished files into place: the poster first, so a video is never there without it."""
    if temp_poster is not None and poster is not None:
        os.replace(temp_poster, poster)
    try:
        os.replace(temp_video, output)
    except BaseException:
        if poster is not None:
            _cleanup(poster)
        raise


def _cleanup(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


# A frame handed to the encoder this many frames ago has been encoded: at most QUEUE_FRAMES wait in the queue,
# one is being encoded, one is being composed. libx264 copies each picture into its own buffers when it is
# sent (x264_encoder_encode), so a frame's planes can be drawn into again once it has been encoded.
_IN_FLIGHT = QUEUE_FRAMES + 2
# "serial" composes a few frames, then encodes them: the compositor and x264 each find more of their working
# set still in the core's caches than when they take turns every frame. A batch's oldest frame is then
# SERIAL_BATCH - 1 frames old when it is encoded, which `_frames` keeps intact (it draws into a frame again
# only more than _IN_FLIGHT frames after handing it out).
SERIAL_BATCH = QUEUE_FRAMES + 1
assert SERIAL_BATCH <= _IN_FLIGHT


def _frames(compositor: Compositor, count: int):
    """Yield the video frames in order, composed straight into each frame's planes; an unchanged frame is
    the same VideoFrame object again. A few frames are drawn into in turn rather than one allocated per
    frame: a new frame buffer each time made the heap creep (and mmap'd ones cost page faults)."""
    shown = None
    handed: deque[tuple[int, tuple]] = deque()  # (index last handed out, frame), oldest first
    spare: list[tuple] = []
    canvas = new_frame(compositor.width, compositor.height)
    for index in range(count):
        if compositor.compose(index, canvas[1], reuse=shown is not None):
            shown = canvas
            handed.append((index, canvas))
            while handed and handed[0][0] < index - _IN_FLIGHT:
                spare.append(handed.popleft()[1])
            canvas = spare.pop() if spare else new_frame(compositor.width, compositor.height)
        elif handed:
            handed[-1] = (index, handed[-1][1])  # the shown frame is handed out again
        yield shown[0]


COMPOSE_NICE = 5  # in interleaved bench_render rounds +5 beat 0 every time; +10 was no better


def _yield_to_encoder() -> None:
    """Lower the composing thread's priority (Linux: niceness is per thread). x264's lookahead thread is
    the pipeline's serial critical path; composing only needs the CPU x264 leaves idle, and the bounded
    queue makes it catch up whenever x264 waits for frames."""
    if COMPOSE_NICE <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + COMPOSE_NICE)
    except OSError:
        pass


def _run(compositor: Compositor, encoder: Encoder, count: int, arrangement: str, report) -> dict:
    step = max(1, count // 100)

    def progress(index: int) -> None:
        if index % step == 0 or index == count - 1:
            report(0.02 + 0.97 * (index + 1) / count, "rendering")

    if arrangement == "serial":
        drawn = _frames(compositor, count)
        for start in range(0, count, SERIAL_BATCH):
            for index, frame in enumerate(list(itertools.islice(drawn, SERIAL_BATCH)), start):
                encoder.encode(frame)
                progress(index)
        return {}
    frames: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
    stop = threading.Event()
    errors: list[BaseException] = []

    def put(item) -> bool:
        while not stop.is_set():
            try:
                frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def get():
        while True:
            try:
                return frames.get(timeout=0.1)
            except queue.Empty:
                if stop.is_set():
                    return _DONE

    def producer() -> None:
        if arrangement == "compose_thread":
            _yield_to_encoder()
        try:
            for frame in _frames(compositor, count):
                if not put(frame):
                    return
        except BaseException as exc:
            errors.append(exc)
        finally:
            put(_DONE)

    def consumer() -> None:
        try:
            index = 0
            while (frame := get()) is not _DONE:
                encoder.encode(frame)
                progress(index)
                index += 1
        except BaseException as exc:
            errors.append(exc)
            stop.set()

    worker = threading.Thread(target=producer if arrangement == "compose_thread" else consumer, daemon=True,
                              name=f"render-{arrangement}")
    worker.start()
    try:
        (consumer if arrangement == "compose_thread" else producer)()
    finally:
        if errors:
            stop.set()
        worker.join()
    if errors:
        raise errors[0]
    return {}
