"""Transitions between two video segments (spec.Transition).

The incoming segment's transition occupies its first `duration` seconds while the previous segment still
shows. For a progress p (0..1) a transition says how each side is moved on screen (an extra screen-space
matrix applied after its Ken Burns motion) and how the two are combined:

- crossfade: both still; the incoming one fades in (alpha p).
- slide_left / slide_right / slide_up / slide_down: the incoming shot pushes the outgoing one out, moving
  in that direction (slide_left: it enters from the right edge and moves left).
- zoom: the outgoing shot zooms in while the incoming one arrives zoomed in and settles, crossfading.
"""

from __future__ import annotations

from dataclasses import dataclass

from videos.render.motion import Matrix, ease, identity, scale_about, translate

ZOOM_AMOUNT = 0.25


@dataclass
class TransitionState:
    outgoing: Matrix
    incoming: Matrix
    # Opacity of the incoming shot over the outgoing one; None: the incoming shot is drawn opaque on top
    # (slides, where the two don't overlap).
    alpha: float | None


def transition_state(kind: str, p: float, canvas: tuple[int, int]) -> TransitionState:
    width, height = canvas
    p = min(max(p, 0.0), 1.0)
    if kind == "crossfade":
        return TransitionState(identity(), identity(), p)
    if kind == "zoom":
        q = ease("ease_in_out", p)
        cx, cy = width / 2, height / 2
        return TransitionState(
            scale_about(1 + ZOOM_AMOUNT * q, cx, cy), scale_about(1 + ZOOM_AMOUNT * (1 - q), cx, cy), q
        )
    if kind.startswith("slide_"):
        q = ease("ease_in_out", p)
        dx, dy = {
            "slide_left": (-width, 0.0),
            "slide_right": (width, 0.0),
            "slide_up": (0.0, -height),
            "slide_down": (0.0, height),
        }[kind]
        return TransitionState(translate(dx * q, dy * q), translate(-dx * (1 - q), -dy * (1 - q)), None)
    # "cut" (or anything unknown): the incoming shot simply replaces the outgoing one.
    return TransitionState(identity(), identity(), 1.0)
