"""Run the fake NemoVideo server, e.g. to try `VIDEO_BACKEND=nemo` without the cloud:

    python manage.py nemo_fake --port 8765 --render-size 320
    NEMO_API_URL=http://127.0.0.1:8765 NEMO_POLL_INTERVAL_S=1 VIDEO_BACKEND=nemo ...

Errors are injected with `POST /_fake/fail {"error": "2001", "path": "/run_sse"}` (see devtools/nemo_fake/server.py).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from devtools.nemo_fake.server import POLL_SHAPES, FakeNemoServer
from videos.spec import Canvas


class Command(BaseCommand):
    help = "Serve a fake NemoVideo API on loopback (renders exports with the local renderer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--render-size", type=int, default=0, help="render exports at NxN (0: the draft's size)")
        parser.add_argument("--poll-shape", choices=POLL_SHAPES, default="success_data")
        parser.add_argument("--sse-style", choices=("adk", "typed"), default="adk")

    def handle(self, *args: object, **options: object) -> None:
        size = int(options["render_size"])  # type: ignore[arg-type]
        canvas = Canvas(width=size, height=size, fps=24) if size else None
        fake = FakeNemoServer(
            render_canvas=canvas,
            poll_shape=str(options["poll_shape"]),
            sse_style=str(options["sse_style"]),
            heartbeat_s=0.2,
            host=str(options["host"]),
            port=int(options["port"]),  # type: ignore[arg-type]
        )
        with fake:
            self.stdout.write(f"Fake NemoVideo listening on {fake.url} (Ctrl-C stops it)")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                self.stdout.write("stopping")
