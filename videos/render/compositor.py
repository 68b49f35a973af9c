"""The compositor: frame i of a spec, drawn directly in YUV 4:2:0.

Each photo becomes a plate once (plates.py); a frame is then one `cv2.warpAffine` per plane of the showing
shot with its float Ken Burns matrix, two shots blended only during a transition, and the text / logo
layers blended over their bounding boxes only. A frame identical to the previous one (no motion, no
animation) is not recomposed: `compose` returns the previous frame. Nor is one whose only change is a slow
camera that has moved the picture less than HOLD_PX anywhere on screen since the frame last drawn: the shown
frame is then never more than that off, and x264 encodes a repeated frame for a fraction of a new one.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from videos.media.clips import ClipReader
from videos.media.drawn import load_drawn_photo, shown_pixels
from videos.media.images import open_photo
from videos.media.large import LARGE_PIXELS, one_large_photo
from videos.media.memory import release_free_memory
from videos.render import motion as km
from videos.render.layers import Layer, blend, image_layer
from videos.render.plates import Plate, choose_mode, drawn_scale, fit_array, prepare_photo
from videos.render.text import text_animation, text_layer
from videos.render.transitions import transition_state
from videos.render.warp import Warper, WarpSource, fill
from videos.render.yuv import Planes, color_to_yuv, frame_views, parse_color, rgb_to_planes
from videos.spec import ClipSegment, ImageSegment, OverlaySegment, TextSegment, VideoSpec

_EPS = 1e-6
# Screen pixels. A quarter pixel is below what bilinear sampling and the encoder already blur, yet a slow
# zoom (a few percent over a long shot) then draws one frame in several.
HOLD_PX = 0.25


class Picture(NamedTuple):
    source: WarpSource
    scale: float  # plate pixels per canvas pixel
    matrix: np.ndarray  # canvas -> screen
    key: tuple  # equal keys and matrices within HOLD_PX: the same picture on screen
    content: tuple[int, int, int, int] | None = None  # see Plate.content
    margin: tuple[int, int, int] | None = None


class PhotoShot:
    """A photo on the timeline; its plate may still be in preparation (a Future) until first shown."""

    def __init__(self, index: int, segment: ImageSegment, plate: Plate | Future, canvas: tuple[int, int]) -> None:
        self.index, self.segment, self.canvas = index, segment, canvas
        self._plate = plate
        self.camera = None

    @property
    def plate(self) -> Plate:
        if isinstance(self._plate, Future):
            self._plate = self._plate.result()
        return self._plate

    def picture(self, t: float) -> Picture:
        if self.camera is None:
            plate, motion = self.plate, self.segment.motion
            focus = km.focus_point(motion, plate.product_center, plate.to_canvas, self.canvas)
            self.camera = km.camera(motion, focus, self.canvas, self.segment.duration)
        matrix = self.camera(t)
        plate = self.plate  # the camera's matrix is compared apart from the key (see HOLD_PX)
        return Picture(plate.source, plate.scale, matrix, (self.index,), plate.content, plate.margin_yuv)


class ClipShot:
    def __init__(self, index: int, segment: ClipSegment, path: Path, canvas: tuple[int, int], fill) -> None:
        self.index, self.segment, self.canvas, self.fill = index, segment, canvas, fill
        self.reader = ClipReader(path, segment.trim_start)
        self._cache: tuple[float | None, WarpSource] | None = None

    def picture(self, t: float) -> Picture:
        rgb = self.reader.frame_at(t)
        shown = self.reader.current_time
        if self._cache is None or self._cache[0] != shown:
            (h, w), full = rgb.shape[:2], (0.0, 0.0, 1.0, 1.0)
            mode = choose_mode(self.segment.fit, (w, h), self.canvas, full, False)
            fitted, _rect, _k = fit_array(rgb, self.canvas, mode, self.fill)
            self._cache = (shown, WarpSource.from_planes(rgb_to_planes(fitted)))
        return Picture(self._cache[1], 1.0, km.identity(), (self.index, self._cache[0]))

    def close(self) -> None:
        self.reader.close()


@dataclass
class LayerItem:
    segment: TextSegment | OverlaySegment
    layer: Layer


class Compositor:
    def __init__(self, spec: VideoSpec, shots: list, layers: list[LayerItem] | Future,
                 pool: ThreadPoolExecutor | None = None) -> None:
        self.spec = spec
        self.width, self.height, self.fps = spec.canvas.width, spec.canvas.height, spec.canvas.fps
        self.shots = shots
        self._layers = layers
        self._pool = pool
        self.background = parse_color(spec.canvas.background)[:3]
        self._scratch = np.empty((self.height * 3 // 2, self.width), np.uint8)
        self._warper = Warper(self.width, self.height)
        self._last_key: tuple | None = None
        self._last_matrices: tuple[np.ndarray, ...] = ()
        self._corners = np.array([[0.0, self.width, 0.0, self.width], [0.0, 0.0, self.height, self.height],
                                  [1.0, 1.0, 1.0, 1.0]])

    @property
    def canvas(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def layers(self) -> list[LayerItem]:
        if isinstance(self._layers, Future):
            self._layers = self._layers.result()
        return self._layers

    def compose(self, index: int, out: Planes | np.ndarray, *, reuse: bool = True) -> bool:
        """Draw frame `index` into `out`: Planes (views, e.g. into an av.VideoFrame) or an (h*3/2, w) uint8
        yuv420p buffer. Every pixel of `out` is written: it may hold an earlier frame (frames are reused).
        With `reuse`, returns False and draws nothing when the frame equals the previously composed one, or
        differs from it only by a camera that has moved less than HOLD_PX since (the caller shows that one
        again)."""
        t = index / self.fps
        if isinstance(out, np.ndarray):
            out = frame_views(out, self.width, self.height)
        active = [s for s in self.shots if s.segment.start - _EPS <= t < s.segment.end - _EPS]
        pictures = [(shot, shot.picture(t - shot.segment.start)) for shot in active[-2:]]
        state = None
        if len(pictures) == 2:
            incoming = pictures[1][0].segment
            p = (t - incoming.start) / incoming.transition.duration if incoming.transition.duration else 1.0
            state = transition_state(incoming.transition.kind, p, self.canvas)
        layer_states = []
        for number, item in enumerate(self.layers):
            segment = item.segment
            if segment.start - _EPS <= t < segment.end - _EPS:
                layer_states.append((number, self._layer_state(item, t - segment.start)))
        key = (
            tuple(pic.key for _shot, pic in pictures),
            None if state is None else (state.outgoing.tobytes(), state.incoming.tobytes(), state.alpha),
            tuple(layer_states),
        )
        matrices = tuple(pic.matrix for _shot, pic in pictures)
        if reuse and key == self._last_key and self._moved_less_than(HOLD_PX, matrices):
            return False
        self._last_key = key if reuse else None
        self._last_matrices = matrices
        self._draw_video(out, pictures, state)
        for number, (opacity, dy, scale) in layer_states:
            blend(out, self.layers[number].layer, opacity, 0.0, dy, scale)
        return True

    def _moved_less_than(self, pixels: float, matrices: tuple[np.ndarray, ...]) -> bool:
        """Whether every picture lies less than `pixels` from where the last drawn frame showed it, all over
        the screen (an affine change moves a rectangle's points most at its corners)."""
        corners = self._corners
        for new, old in zip(matrices, self._last_matrices, strict=True):
            if new is not old and not np.array_equal(new, old):
                moved = km.compose(new, km.invert(old)) @ corners - corners[:2]
                if np.hypot(moved[0], moved[1]).max() >= pixels:
                    return False
        return True

    def _draw_video(self, out: Planes, pictures: list, state) -> None:
        if not pictures:
            fill(out, color_to_yuv(self.background))
            return
        if state is None:
            self._warp(pictures[0][1], pictures[0][1].matrix, out)
            return
        outgoing, incoming = pictures[0][1], pictures[1][1]
        self._warp(outgoing, km.compose(state.outgoing, outgoing.matrix), out)
        if state.alpha is None:  # slides: the incoming shot drawn where it is, over the outgoing one
            self._warp(incoming, km.compose(state.incoming, incoming.matrix), out, opaque=False)
            return
        scratch = frame_views(self._scratch, self.width, self.height)
        self._warp(incoming, km.compose(state.incoming, incoming.matrix), scratch)
        a = float(state.alpha)
        for dst, src in ((out.y, scratch.y), (out.u, scratch.u), (out.v, scratch.v)):
            cv2.addWeighted(dst, 1.0 - a, src, a, 0.0, dst=dst)

    def _warp(self, picture: Picture, matrix: np.ndarray, out: Planes, *, opaque: bool = True) -> None:
        self._warper.warp(picture.source, picture.scale, matrix, out, content=picture.content,
                          margin=picture.margin, opaque=opaque)

    def _layer_state(self, item: LayerItem, t: float) -> tuple[float, float, float]:
        segment = item.segment
        if isinstance(segment, TextSegment):
            opacity, dy, scale = text_animation(segment.style, t, segment.duration, self.height)
        else:
            fade = min(segment.fade, segment.duration / 3)
            opacity = segment.opacity
            if fade > 0:
                opacity *= min(1.0, t / fade, (segment.duration - t) / fade)
            dy, scale = 0.0, 1.0
        return round(max(opacity, 0.0), 4), round(dy, 3), round(scale, 4)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for shot in self.shots:
            if isinstance(shot, ClipShot):
                shot.close()


# Preparation threads: two when everything is prepared up front; one while frames are being encoded
# (two photos decoding next to x264 push peak memory too high). Large photos (over LARGE_PIXELS) are
# prepared before x264 starts, whatever their place in the timeline: decoding one next to the encoder's
# frames would take the render over its memory budget.
PREP_THREADS = min(2, os.cpu_count() or 1)


def build_compositor(spec: VideoSpec, paths: dict[str, Path], *, wait: bool = True) -> Compositor:
    """Prepare every shot and layer of the spec (decode, fit, convert once) in the background (Pillow and
    OpenCV release the GIL), layers first, then photos in timeline order.

    wait=False returns once the large photos are prepared and lets the preparation of the others run on
    while frames are composed (each shot waits for its plate when first shown): the pipeline starts x264
    without waiting for all the photos.
    A photo that fails to decode then raises from `compose` (the validation pass has already checked
    each photo's data, so that is rare). wait=True prepares everything first and raises here."""
    canvas = (spec.canvas.width, spec.canvas.height)
    background = parse_color(spec.canvas.background)[:3]

    def plate(path: Path, fit: str, fill, oversample: float, frame) -> Plate:
        # A large photo is decoded, cut out and fitted while no other large one is in memory.
        with one_large_photo(shown_pixels(path)):
            try:  # the decoded photo is passed, not kept: prepare_photo lets it go once converted
                return prepare_photo(load_drawn_photo(path, drawn_scale(canvas, oversample, frame)), canvas,
                                     fit=fit, fill=fill, oversample=oversample, frame=frame)
            finally:
                release_free_memory()  # the decoder's scratch, before the next photo adds its own

    def layer(segment) -> Layer:
        if isinstance(segment, TextSegment):
            return text_layer(segment, canvas)
        center = (segment.x * canvas[0], segment.y * canvas[1])
        return image_layer(open_photo(paths[segment.source]), center=center, width=segment.width * canvas[0],
                           canvas=canvas)

    pool = ThreadPoolExecutor(max_workers=PREP_THREADS if wait else 1, thread_name_prefix="render-prep")
    # Large photos first, one at a time, while the small ones start on the other thread.
    early = pool if wait else ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-prep-large")
    shots: list = []
    try:
        segments = [segment for track in spec.tracks for segment in track.segments
                    if isinstance(segment, TextSegment | OverlaySegment)]
        # One task for all layers: Pillow's FreeType faces (cached per size) must not be shared by threads.
        layers = pool.submit(lambda: [LayerItem(segment, layer(segment)) for segment in segments])
        plates: dict[tuple, Future] = {}
        for index, segment in enumerate(spec.segments_of("video")):
            fill = parse_color(segment.fill)[:3] if segment.fill else background
            if isinstance(segment, ImageSegment):
                oversample = km.max_scale(segment.motion)
                key = (segment.source, segment.fit, fill, round(oversample, 4), segment.frame)
                if key not in plates:
                    path = paths[segment.source]
                    plates[key] = (early if shown_pixels(path) > LARGE_PIXELS else pool).submit(
                        plate, path, segment.fit, fill, oversample, segment.frame)
                shots.append(PhotoShot(index, segment, plates[key], canvas))
            else:
                shots.append(ClipShot(index, segment, paths[segment.source], canvas, fill))
        _trim_when_done([layers, *plates.values()])
        compositor = Compositor(spec, shots, layers, pool)
        if early is not pool:
            early.shutdown(wait=True)  # the large photos, before any frame is encoded
            for future in plates.values():
                if future.done():
                    future.result()  # raises a large photo's error here, as wait=True would
        if wait:
            for shot in shots:
                if isinstance(shot, PhotoShot):
                    shot.plate  # noqa: B018 - resolves the Future, raising its error
            compositor.layers  # noqa: B018
    except BaseException:
        early.shutdown(wait=True, cancel_futures=True)
        pool.shutdown(wait=True, cancel_futures=True)
        for shot in shots:
            if isinstance(shot, ClipShot):
                shot.close()
        raise
    return compositor


def _trim_when_done(futures: list[Future]) -> None:
    """Once every preparation task has finished, give the memory they freed back to the OS."""
    remaining = [len(futures)]
    lock = threading.Lock()

    def done(_future: Future) -> None:
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            release_free_memory()

    for future in futures:
        future.add_done_callback(done)
