"""A photo's perceptual hash, for telling near-duplicate photos apart.

The same hash as `imagehash.phash` (hackerfactor's pHash: 32x32 grey, DCT, the 8x8 lowest frequencies
against their median), with the DCT done as two small matrix products in NumPy: imagehash imports SciPy's
FFT for it, the heaviest import of a whole command-line render. The result is an `imagehash.ImageHash`, so
hashes compare (`a - b` = differing bits) exactly as imagehash's do.
"""

from __future__ import annotations

import imagehash
import numpy as np
from PIL import Image

HASH_SIZE = 8
_SIDE = HASH_SIZE * 4  # imagehash's highfreq_factor


def _dct_rows() -> np.ndarray:
    """The first HASH_SIZE rows of the unnormalised DCT-II (SciPy's default): 2 cos(pi k (2n + 1) / 2N)."""
    k = np.arange(HASH_SIZE)[:, None]
    n = np.arange(_SIDE)[None, :]
    return 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2 * _SIDE))


_DCT = _dct_rows()


def perceptual_hash(img: Image.Image) -> imagehash.ImageHash:
    pixels = np.asarray(img.convert("L").resize((_SIDE, _SIDE), Image.Resampling.LANCZOS), dtype=np.float64)
    # Rounded so that a flat picture's AC terms are exactly zero, as with SciPy's FFT, not rounding noise.
    low = np.round(_DCT @ pixels @ _DCT.T, 6)
    return imagehash.ImageHash(low > np.median(low))
