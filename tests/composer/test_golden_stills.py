"""Golden still frames: each template's title card, composed by the real renderer, matches its committed
golden image within a tolerance (font hinting and float rounding may move a few pixels, a changed look
may not). Regenerate after an intended change of look with `UPDATE_GOLDEN=1 pytest tests/composer/test_golden_stills.py`.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.render.helpers import composed_frames
from videos.composer import Product, ProductImage
from videos.composer.stills import template_still_spec
from videos.composer.templates import TEMPLATES
from videos.render.pipeline import poster_frame
from videos.render.still import shrink

GOLDEN = Path(__file__).parent / "golden"
PHOTOS = Path(__file__).resolve().parents[2] / "examples" / "photos"
SIDE = 240
# Mean absolute difference per channel (0-255), and the share of pixels allowed to differ by more than 48.
MEAN_TOLERANCE = 1.5
OUTLIER_SHARE = 0.004


def _still(name: str) -> np.ndarray:
    product = Product(
        title="Blue Slip-On Sneakers",
        images=[ProductImage(PHOTOS / "slipon-blue-pair-angle.png", "Pair of blue slip-on sneakers")],
        price=Decimal("48.00"), compare_at_price=Decimal("60.00"), currency="USD",
    )
    spec = shrink(template_still_spec(name, product), SIDE)
    return composed_frames(spec, [poster_frame(spec)])[0]


@pytest.fixture(scope="module")
def stills() -> dict[str, np.ndarray]:
    return {name: _still(name) for name in sorted(TEMPLATES)}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_still_matches_its_golden_frame(stills, name):
    # given the template's title card rendered now
    frame = stills[name]
    golden_path = GOLDEN / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN"):
        Image.fromarray(frame).save(golden_path, optimize=True)
    # when it is compared with the committed golden frame
    golden = np.asarray(Image.open(golden_path).convert("RGB"))
    assert golden.shape == frame.shape
    diff = np.abs(frame.astype(np.int16) - golden.astype(np.int16))
    # then it matches within the tolerance
    assert diff.mean() <= MEAN_TOLERANCE, f"{name}: mean difference {diff.mean():.2f}"
    assert (diff.max(axis=2) > 48).mean() <= OUTLIER_SHARE


def test_templates_look_clearly_different(stills):
    # given every template's title card of the same product, then no two are near-identical
    names = sorted(stills)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            diff = np.abs(stills[a].astype(np.int16) - stills[b].astype(np.int16)).mean()
            assert diff > 4, f"{a} and {b} look the same (mean difference {diff:.2f})"
