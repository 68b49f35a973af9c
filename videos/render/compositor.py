"""The compositor: frame i of a spec, drawn directly in YUV 4:2:0.

Each photo becomes a plate once (plates.py); a frame is then one `cv2.warpAffine` per plane of the showing
shot with its float Ken Burns matrix, two shots blended only during a transition, and the text / logo
layers blended over their bounding boxes only. A frame identical to the previous one (no motion, no
animation) is not recomposed: `compose` returns the previous frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from videos.media.clips import ClipReader
from videos.media.images import open_photo
from videos.render import motion as km
from videos.render.layers import Layer, blend, image_layer
from videos.render.plates import Plate, fit_array, prepare_photo
from videos.render.text import text_animation, text_layer
from videos.render.transitions import transition_state
from videos.render.warp import Warper, WarpSource, fill
from videos.render.yuv import Planes, color_to_yuv, frame_views, parse_color, rgb_to_planes
from videos.spec import ClipSegment, ImageSegment, OverlaySegment, TextSegment, VideoSpec

_EPS = 1e-6


class Picture(NamedTuple):
    source: WarpSource
    scale: float  # plate pixels per canvas pixel
    matrix: np.ndarray  # canvas -> screen
    key: tuple  # equal keys: equal pictures
    content: tuple[int, int, int, int] | None = None  # see Plate.content
    margin: tuple[int, int, int] | None = None


class PhotoShot:
    def __init__(self, index: int, segment: ImageSegment, plate: Plate, canvas: tuple[int, int]) -> None:
        self.index, self.segment, self.plate = index, segment, plate
        focus = km.focus_point(segment.motion, plate.product_center, plate.to_canvas, canvas)
        self.camera = km.camera(segment.motion, focus, canvas, segment.duration)
        self.static = segment.motion.kind == "none" or segment.motion.strength <= 0

    def picture(self, t: float) -> Picture:
        matrix = self.camera(t)
        key = (self.index,) if self.static else (self.index, matrix.tobytes())
        plate = self.plate
        return Picture(plate.source, plate.scale, matrix, key, plate.content, plate.margin_yuv)


class ClipShot:
    def __init__(self, index: int, segment: ClipSegment, path: Path, canvas: tuple[int, int], fill) -> None:
        self.index, self.segment, self.canvas, self.fill = index, segment, canvas, fill
        self.reader = ClipReader(path, segment.trim_start)
        self._cache: tuple[int, Planes] | None = None

    def picture(self, t: float) -> Picture:
        rgb = self.reader.frame_at(t)
        if self._cache is None or self._cache[0] != id(rgb):
            mode = self._mode(rgb)
            fitted, _rect, _k = fit_array(rgb, self.canvas, mode, self.fill)
            self._cache = (id(rgb), WarpSource.from_planes(rgb_to_planes(fitted)))
        return Picture(self._cache[1], 1.0, km.identity(), (self.index, self._cache[0]))

    def _mode(self, rgb: np.ndarray) -> str:
        fit = self.segment.fit
        if fit in {"cover", "contain_color", "contain_blur"}:
            return fit
        (h, w), (cw, ch) = rgb.shape[:2], self.canvas
        ratio = (w / h) / (cw / ch)
        return "cover" if max(ratio, 1 / ratio) <= 1.2 else "contain_blur"

    def close(self) -> None:
        self.reader.close()


@dataclass
class LayerItem:
    segment: TextSegment | OverlaySegment
    layer: Layer


class Compositor:
    def __init__(self, spec: VideoSpec, shots: list, layers: list[LayerItem]) -> None:
        self.spec = spec
        self.width, self.height, self.fps = spec.canvas.width, spec.canvas.height, spec.canvas.fps
        self.shots = shots
        self.layers = layers
        self.background = parse_color(spec.canvas.background)[:3]
        self._scratch = np.empty((self.height * 3 // 2, self.width), np.uint8)
        self._warper = Warper(self.width, self.height)
        self._last_key: tuple | None = None

    @property
    def canvas(self) -> tuple[int, int]:
        return self.width, self.height

    def compose(self, index: int, out: Planes | np.ndarray, *, reuse: bool = True) -> bool:
        """Draw frame `index` into `out`: Planes (views, e.g. into an av.VideoFrame) or an (h*3/2, w) uint8
        yuv420p buffer. With `reuse`, returns False and draws nothing when the frame equals the previously
        composed one (the caller shows that one again)."""
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
        if reuse and key == self._last_key:
            return False
        self._last_key = key if reuse else None
        self._draw_video(out, pictures, state)
        for number, (opacity, dy, scale) in layer_states:
            blend(out, self.layers[number].layer, opacity, 0.0, dy, scale)
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
        for shot in self.shots:
            if isinstance(shot, ClipShot):
                shot.close()


def build_compositor(spec: VideoSpec, paths: dict[str, Path]) -> Compositor:
    """Prepare every shot and layer of the spec (decode, fit, convert once). Raises MediaError for a photo
    that turns out corrupt when fully decoded."""
    canvas = (spec.canvas.width, spec.canvas.height)
    background = parse_color(spec.canvas.background)[:3]
    shots: list = []
    plates: dict[tuple, Plate] = {}
    for index, segment in enumerate(spec.segments_of("video")):
        fill = parse_color(segment.fill)[:3] if segment.fill else background
        if isinstance(segment, ImageSegment):
            oversample = km.max_scale(segment.motion)
            key = (segment.source, segment.fit, fill, round(oversample, 4))
            if key not in plates:
                photo = open_photo(paths[segment.source])
                plates[key] = prepare_photo(photo, canvas, fit=segment.fit, fill=fill, oversample=oversample)
                del photo
            shots.append(PhotoShot(index, segment, plates[key], canvas))
        else:
            shots.append(ClipShot(index, segment, paths[segment.source], canvas, fill))
    layers: list[LayerItem] = []
    for track in spec.tracks:
        for segment in track.segments:
            if isinstance(segment, TextSegment):
                layers.append(LayerItem(segment, text_layer(segment, canvas)))
            elif isinstance(segment, OverlaySegment):
                logo = open_photo(paths[segment.source])
                center = (segment.x * canvas[0], segment.y * canvas[1])
                layers.append(LayerItem(segment, image_layer(logo, center=center, width=segment.width * canvas[0], canvas=canvas)))
    return Compositor(spec, shots, layers)
