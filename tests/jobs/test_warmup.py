"""A worker process that django-q2 starts warms up (imports and pooled clients) before its first job; a
warm-up that fails is logged and the worker goes on."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from videos.jobs import warmup

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopify_app.settings")
import django
django.setup()
heavy = ("cv2", "av", "scipy")
before = [m for m in heavy if m in sys.modules]
from django_q.signals import post_spawn
post_spawn.send(sender="django_q", proc_name="Process-1:1")
from shopify_app.admin_api.client import default_transport
from videos.jobs.cdn import shared_client
print(json.dumps({"before": before, "after": [m for m in heavy if m in sys.modules],
                  "clients": default_transport() is default_transport() and shared_client(60.0) is shared_client(60.0)}))
"""


def test_a_new_worker_loads_the_render_stack_when_django_q_spawns_it():
    # Given a fresh Django process, as a worker is before its first job
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "LOG_LEVEL": "INFO", "SHOWREEL_VAR_DIR": str(ROOT / "var")})
    assert result.returncode == 0, result.stderr[-2000:]
    # When django-q2 announces the spawn, then OpenCV and PyAV are loaded only after it, and SciPy never
    # (the perceptual hash needs only NumPy)
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["before"] == []
    assert loaded["after"] == ["cv2", "av"]
    assert loaded["clients"] is True
    assert "worker Process-1:1 warmed up in" in result.stderr


def test_a_failing_warm_up_is_logged_and_does_not_stop_the_worker(monkeypatch, caplog):
    # Given a warm-up step that breaks
    from videos.media import phash

    def broken(*args, **kwargs):
        raise OSError("disk went away")

    monkeypatch.setattr(phash, "perceptual_hash", broken)
    # When the worker warms up, then it returns and says so in the log
    with caplog.at_level(logging.INFO, logger="videos.jobs.warmup"):
        seconds = warmup.warm_worker(proc_name="Process-1:2")
    assert seconds >= 0
    assert any("warm-up failed" in r.getMessage() and r.exc_info for r in caplog.records)
    assert any("worker Process-1:2 warmed up" in r.getMessage() for r in caplog.records)


def test_the_warm_up_finds_everything_it_loads(caplog):
    with caplog.at_level(logging.WARNING, logger="videos.jobs.warmup"):
        warmup.warm_worker()
    assert not caplog.records
