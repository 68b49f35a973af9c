"""Warming a worker process up as django-q2 starts it (its `post_spawn` signal), so that the first job a
worker takes does not also pay for loading the composer and renderer: OpenCV, PyAV, NumPy, Babel, and the
pooled HTTP clients with their TLS contexts. A cold worker's first job is otherwise
noticeably slower than the next ones (bench_pipeline shows it); a worker started after a crash or a deploy
now pays that before it asks the broker for work.

A warm-up that fails is logged and ignored: the job would load the same things and report the real error.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


def warm_worker(**kwargs: Any) -> float:
    """Load what every job uses; returns the seconds it took."""
    started = time.perf_counter()
    try:
        from decimal import Decimal

        from PIL import Image

        from shopify_app.admin_api.client import default_transport
        from videos.composer.i18n import format_price
        from videos.jobs import pipeline  # noqa: F401 - the stages, the composer and the renderer
        from videos.jobs.cdn import shared_client
        from videos.media.phash import perceptual_hash
        from videos.render import pipeline as render_pipeline  # noqa: F401 - PyAV, OpenCV

        perceptual_hash(Image.new("RGB", (32, 32)))  # the composer's duplicate check (NumPy's matmul)
        format_price(Decimal("1"), "USD", "en")  # Babel's locale data
        default_transport()
        shared_client(float(settings.SHOWREEL_DOWNLOAD_TIMEOUT_S))
    except Exception:
        log.warning("jobs: worker warm-up failed; the first job loads what it needs", exc_info=True)
    seconds = time.perf_counter() - started
    log.info("jobs: worker %s warmed up in %.2f s", kwargs.get("proc_name", "?"), seconds)
    return seconds
