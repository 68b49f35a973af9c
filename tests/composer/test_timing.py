"""Shot timing: exact fill, bounds, beat snapping, and clear errors when it cannot work."""

from __future__ import annotations

import pytest

from videos.composer.errors import ComposeError
from videos.composer.timing import Slot, ideal_lengths, plan_cuts


def test_cuts_snap_to_the_beat_and_fill_the_duration_exactly() -> None:
    # Given six shots, the hero and end card weighted, over 15 s at 128 BPM
    beat = 60 / 128
    slots = [Slot(1.35), Slot(), Slot(), Slot(), Slot(), Slot(1.3)]
    # When cuts are planned
    plan = plan_cuts(slots, 15.0, beat=beat)
    # Then every cut is a whole number of beats, every shot >= 1 s, and the lengths add up to 15 s
    assert plan.snapped
    assert all(c / beat == pytest.approx(round(c / beat)) for c in plan.cuts)
    lengths = plan.lengths(15.0)
    assert sum(lengths) == pytest.approx(15.0)
    assert min(lengths) >= 1.0
    # and the weighted shots are the longest
    assert lengths[0] >= max(lengths[1:-1]) and lengths[-1] >= max(lengths[1:-1])


def test_snapped_cuts_stay_close_to_the_ideal_ones() -> None:
    slots = [Slot()] * 5
    plan = plan_cuts(slots, 10.0, beat=0.5)
    assert plan.cuts == [2.0, 4.0, 6.0, 8.0]


def test_without_a_tempo_cuts_are_the_ideal_proportional_ones() -> None:
    plan = plan_cuts([Slot(2.0), Slot(1.0), Slot(1.0)], 8.0, beat=None)
    assert not plan.snapped
    assert plan.cuts == pytest.approx([4.0, 6.0])


def test_a_shot_with_a_maximum_is_held_to_it() -> None:
    # Given a clip slot that may last at most 2 s among photos
    slots = [Slot(), Slot(max_s=2.0), Slot()]
    plan = plan_cuts(slots, 12.0, beat=60 / 100)
    lengths = plan.lengths(12.0)
    assert lengths[1] <= 2.0 + 1e-9
    assert sum(lengths) == pytest.approx(12.0)


def test_when_no_beat_placement_fits_the_bounds_it_falls_back_to_unsnapped() -> None:
    # Ten 1-second shots in 10 s at 75 BPM (0.8 s beats) cannot all sit on beats
    plan = plan_cuts([Slot()] * 10, 10.0, beat=0.8)
    assert not plan.snapped
    assert plan.lengths(10.0) == pytest.approx([1.0] * 10)


def test_too_many_shots_for_the_duration_is_a_clear_error() -> None:
    with pytest.raises(ComposeError, match="too short for 6 shots"):
        ideal_lengths([Slot()] * 6, 5.0)


def test_shots_that_cannot_fill_the_duration_is_a_clear_error() -> None:
    with pytest.raises(ComposeError, match="longer than these shots can fill"):
        ideal_lengths([Slot(max_s=2.0), Slot(max_s=2.0)], 10.0)


def test_water_filling_gives_clamped_time_to_the_others() -> None:
    # Given three equal shots over 12 s, the middle one at most 1.5 s long
    lengths = ideal_lengths([Slot(), Slot(max_s=1.5), Slot()], 12.0)
    # Then it is clamped and the other two share the rest
    assert lengths == pytest.approx([5.25, 1.5, 5.25])
