"""Shot timing: cut times that fill the video exactly, keep every shot within its bounds, and land on the
music's beats when the tempo is known.

A "cut" is the moment one shot gives way to the next: the middle of a transition (a hard cut is its own
middle). Shot i is on screen from cut i-1 to cut i, plus half of each transition around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from videos.composer.errors import ComposeError

MIN_SHOT_S = 1.0
_EPS = 1e-6
# Cuts on the even beats (bar and half-bar lines in 4/4) feel stronger; an odd beat costs this many beats.
_ODD_BEAT_PENALTY = 0.2


@dataclass(frozen=True)
class Slot:
    """One shot's wishes: its share of the time (weight) and hard bounds on its length."""

    weight: float = 1.0
    min_s: float = MIN_SHOT_S
    max_s: float = math.inf


@dataclass(frozen=True)
class CutPlan:
    cuts: list[float]  # len(slots) - 1 increasing times, each in (0, duration)
    snapped: bool  # True when every cut is on the beat grid

    def lengths(self, duration: float) -> list[float]:
        edges = [0.0, *self.cuts, duration]
        return [b - a for a, b in zip(edges, edges[1:], strict=False)]


def ideal_lengths(slots: list[Slot], duration: float) -> list[float]:
    """Lengths proportional to the weights, clamped to each slot's bounds, summing to `duration`
    (water-filling: clamped slots are fixed, the rest share what is left)."""
    if sum(s.min_s for s in slots) > duration + _EPS:
        raise ComposeError("options.duration", f"{duration:g} s is too short for {len(slots)} shots of at least {MIN_SHOT_S:g} s")
    if sum(s.max_s for s in slots) < duration - _EPS:
        raise ComposeError("options.duration", f"{duration:g} s is longer than these shots can fill")
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(slots)) if i not in fixed]
        left = duration - sum(fixed.values())
        total_weight = sum(slots[i].weight for i in free)
        lengths = {i: left * slots[i].weight / total_weight for i in free}
        violated = {i: (slots[i].min_s if v < slots[i].min_s else slots[i].max_s) for i, v in lengths.items()
                    if v < slots[i].min_s - _EPS or v > slots[i].max_s + _EPS}
        if not violated:
            return [fixed.get(i, lengths.get(i, 0.0)) for i in range(len(slots))]
        fixed.update(violated)


def plan_cuts(slots: list[Slot], duration: float, *, beat: float | None = None) -> CutPlan:
    """Cut times for `slots` over `duration` seconds. With `beat` (seconds per beat, grid starting at 0)
    each cut is moved to a beat, as close to its ideal time as the bounds allow; when no beat placement
    satisfies the bounds the ideal (unsnapped) times are used."""
    lengths = ideal_lengths(slots, duration)
    ideal = list(np.cumsum(lengths)[:-1])
    if len(slots) == 1:
        return CutPlan([], beat is not None)
    if beat:
        snapped = _snap(slots, duration, ideal, beat)
        if snapped is not None:
            return CutPlan(snapped, True)
    return CutPlan([float(c) for c in ideal], False)


def _snap(slots: list[Slot], duration: float, ideal: list[float], beat: float) -> list[float] | None:
    """Dynamic programme over beat positions: minimise total distance from the ideal cuts (plus a small
    preference for even beats) subject to every shot's min/max length."""
    ks = np.arange(1, math.ceil(duration / beat) + 1)
    cand = ks * beat
    keep = cand < duration - _EPS
    ks, cand = ks[keep], cand[keep]
    if len(cand) < len(ideal):
        return None
    penalty = np.where(ks % 2 == 1, _ODD_BEAT_PENALTY * beat, 0.0)
    diff = cand[None, :] - cand[:, None]  # [j, k] = cand[k] - cand[j]

    first = slots[0]
    cost = np.where((cand >= first.min_s - _EPS) & (cand <= first.max_s + _EPS), np.abs(cand - ideal[0]) + penalty, np.inf)
    back: list[np.ndarray] = []
    for i in range(1, len(ideal)):
        slot = slots[i]
        allowed = (diff >= slot.min_s - _EPS) & (diff <= slot.max_s + _EPS)
        total = np.where(allowed, cost[:, None], np.inf)
        best_j = np.argmin(total, axis=0)
        best = total[best_j, np.arange(len(cand))]
        cost = best + np.abs(cand - ideal[i]) + penalty
        back.append(best_j)
    last = slots[-1]
    tail = duration - cand
    cost = np.where((tail >= last.min_s - _EPS) & (tail <= last.max_s + _EPS), cost, np.inf)
    k = int(np.argmin(cost))
    if not np.isfinite(cost[k]):
        return None
    picks = [k]
    for best_j in reversed(back):
        k = int(best_j[k])
        picks.append(k)
    return [float(cand[k]) for k in reversed(picks)]


def beat_grid(tempo: float | None) -> float | None:
    """Seconds per beat for a tempo in BPM (None when unknown)."""
    return 60.0 / tempo if tempo else None
