"""On a fresh clone (no database yet): `render_video --backend nemo` sets up its local database itself, and any
other command that needs tables says so in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.nemo_fake.server import FakeNemoServer
from tests.jobs.fixtures import REPO
from videos.spec import Canvas

PHOTO = REPO / "examples" / "photos" / "cap-red-front.png"


def fresh_env(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("NEMO_")}
    return env | {"SHOWREEL_VAR_DIR": str(var), "SHOWREEL_ENV_FILE": os.devnull, **extra}


@pytest.mark.slow
def test_render_video_on_the_cloud_backend_needs_no_manual_migrate(tmp_path):
    # Given a clone with no database and the NemoVideo service (its stand-in on loopback)
    var = tmp_path / "var"
    with FakeNemoServer(render_canvas=Canvas(width=128, height=128, fps=6), heartbeat_s=0.005) as nemo:
        # When the README's command renders on the cloud backend
        result = subprocess.run(
            [sys.executable, "manage.py", "render_video", str(PHOTO), "--backend", "nemo", "--duration", "3",
             "--no-progress", "-o", str(tmp_path / "out.mp4")],
            cwd=REPO, capture_output=True, text=True, timeout=240,
            env=fresh_env(var, NEMO_API_URL=nemo.url, NEMO_POLL_INTERVAL_S="0.05"))
    # Then it works: the credentials' table was created on the way, and the video is written
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out.mp4").stat().st_size > 0
    assert (var / "showreel.sqlite3").exists()


def test_a_command_that_needs_tables_says_so_in_one_line(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "sweep_jobs"], cwd=REPO, capture_output=True, text=True,
                            timeout=120, env=fresh_env(tmp_path / "var"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: the database has no tables yet") and "manage.py migrate" in result.stderr
