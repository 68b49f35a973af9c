"""Render a product video from photos / clips on this machine:

    python manage.py render_video PHOTO_OR_CLIP [...] -o OUT.mp4 [--title T] [--price 24.00]
        [--compare-at 30.00] [--currency USD] [--aspect 1:1|9:16|16:9|4:5] [--duration SECONDS]
        [--music PATH|none] [--poster OUT.jpg]

A progress bar goes to stderr; then the output path, duration, size and render time are printed. Bad input
fails with one line `error: <file>: <reason>` and a non-zero exit, and leaves no output file behind.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from videos.backends.base import RenderError
from videos.spec import ASPECTS, SpecError


class Command(BaseCommand):
    help = "Render a showcase MP4 from product photos and clips with the local renderer."
    requires_system_checks: list[str] = []  # a renderer needs no database or URL checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("media", nargs="*", help="photos (JPEG, PNG, WEBP, GIF) and clips (MP4, MOV, WEBM...)")
        parser.add_argument("-o", "--output", required=True, help="the MP4 to write")
        parser.add_argument("--title")
        parser.add_argument("--price")
        parser.add_argument("--compare-at", dest="compare_at")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--aspect", default="1:1", choices=list(ASPECTS))
        parser.add_argument("--duration", type=float, default=15.0, help="seconds (default 15)")
        parser.add_argument("--music", help="an audio file, or 'none' (default: the library's bed)")
        parser.add_argument("--poster", help="also write a JPEG poster frame here")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def execute(self, *args: object, **options: object) -> str | None:
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False):
                raise  # call_command(): the caller handles it
            self.stderr.write(str(exc))  # exactly one line: "error: <file>: <reason>"
            sys.exit(exc.returncode or 1)

    def handle(self, *args: object, **options) -> None:  # type: ignore[no-untyped-def]
        from videos.backends.local import LocalBackend
        from videos.render.quick_spec import build_quick_spec

        if not options["media"]:
            raise CommandError("error: no usable photo: give at least one photo or clip")
        try:
            spec = build_quick_spec(
                list(options["media"]), title=options["title"], price=options["price"],
                compare_at=options["compare_at"], currency=options["currency"], aspect=options["aspect"],
                duration=options["duration"], music=options["music"],
            )
        except (SpecError, ValueError) as exc:
            raise CommandError(f"error: {exc}") from None
        output = Path(options["output"])
        poster = Path(options["poster"]) if options["poster"] else None
        bar = None if options["no_progress"] else _progress_bar()
        try:
            result = LocalBackend().render(spec, output, poster=poster, progress=bar.update if bar else None)
        except RenderError as exc:
            raise CommandError(f"error: {exc.message}") from None
        finally:
            if bar:
                bar.close()
        self.stdout.write(str(result.path))
        self.stdout.write(
            f"{result.width}x{result.height}, {result.duration_s:.2f} s, {result.size_bytes / 1e6:.2f} MB, "
            f"rendered in {result.render_s:.2f} s"
        )
        if result.poster_path:
            self.stdout.write(f"poster: {result.poster_path}")


class _progress_bar:  # noqa: N801 - a tiny adapter, used like a function
    """tqdm on stderr, fed with (fraction, stage) callbacks."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=100, unit="%", file=sys.stderr, leave=False, desc="checking", delay=0.5,
                         bar_format="{desc:>10} {bar} {percentage:3.0f}% {elapsed}<{remaining}")

    def update(self, fraction: float, stage: str) -> None:
        target = int(round(fraction * 100))
        if stage != self._bar.desc:
            self._bar.set_description_str(stage, refresh=False)
        if target > self._bar.n:
            self._bar.update(target - self._bar.n)

    def close(self) -> None:
        self._bar.close()
