"""Render a product video from photos / clips on this machine:

    python manage.py render_video PHOTO_OR_CLIP [...] -o OUT.mp4 [--title T] [--price 24.00]
        [--compare-at 30.00] [--currency USD] [--aspect 1:1|9:16|16:9|4:5] [--duration SECONDS]
        [--music NAME|PATH|none] [--poster OUT.jpg] [--template NAME] [--instruction TEXT] [--no-text]
        [--cta TEXT] [--product FILE.json] [--backend local|nemo]

The composer (videos/composer) turns the photos, product facts and instruction into a spec; the selected
backend renders it.

A progress bar goes to stderr; then the output path, duration, size and render time are printed. Bad input
fails with one line `error: <file>: <reason>` and a non-zero exit, and leaves no output file behind.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from videos.backends import BACKENDS, get_backend
from videos.backends.base import RenderBackend, RenderError
from videos.spec import ASPECTS, SpecError


class Command(BaseCommand):
    help = "Render a showcase MP4 from product photos and clips with the local renderer."
    requires_system_checks: list[str] = []  # a renderer needs no database or URL checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("media", nargs="*", help="photos (JPEG, PNG, WEBP, GIF) and clips (MP4, MOV, WEBM...)")
        parser.add_argument("--product", help="a product JSON (Admin API shape or flat) with local or http images")
        parser.add_argument("-o", "--output", required=True, help="the MP4 to write")
        parser.add_argument("--title")
        parser.add_argument("--price")
        parser.add_argument("--compare-at", dest="compare_at")
        parser.add_argument("--currency", default=None)
        parser.add_argument("--aspect", choices=list(ASPECTS), help="default 1:1")
        parser.add_argument("--duration", type=float, help="seconds (default 15)")
        parser.add_argument("--music", help="a library bed's name or mood, an audio file, or 'none'")
        parser.add_argument("--template", help="clean, bold, luxe or sale (default clean)")
        parser.add_argument("--instruction", help='plain words, e.g. "a 30-second vertical video, no music"')
        parser.add_argument("--no-text", action="store_true", help="no title, price, badge or call to action")
        parser.add_argument("--cta", help="call-to-action text for the end card")
        parser.add_argument("--backend", choices=sorted(BACKENDS), help="default: the VIDEO_BACKEND setting")
        parser.add_argument("--poster", help="also write a JPEG poster frame here")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def run_from_argv(self, argv: list[str]) -> None:
        super().run_from_argv(argv)
        # Run from the command line and done: the video is written and renamed into place, every file is
        # closed and the output printed. Leave without the interpreter's teardown (freeing every object of
        # every module one by one), which takes a noticeable share of a short render's wall time.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def execute(self, *args: object, **options: object) -> str | None:
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False):
                raise  # call_command(): the caller handles it
            self.stderr.write(str(exc))  # exactly one line: "error: <file>: <reason>"
            sys.exit(exc.returncode or 1)

    def handle(self, *args: object, **options) -> None:  # type: ignore[no-untyped-def]
        from videos.composer.cli import spec_from_cli
        from videos.composer.errors import ComposeError
        from videos.media.download import DownloadError
        from videos.media.memory import release_free_memory

        if not options["media"] and not options["product"]:
            raise CommandError("error: no usable photo: give at least one photo or clip, or --product FILE.json")
        try:
            analysed = _analyse_in_background([Path(path) for path in options["media"]])
            for path in options["media"]:
                _check_media(Path(path))
            music = options["music"]
            if music and (Path(music).suffix or Path(music).exists()):
                _check_music(Path(music))
            backend = get_backend(options["backend"])
            _load_renderer(backend)  # while the photos are being analysed
            _ensure_database(backend)
            analysed()
            release_free_memory()  # the analysis threads' decoders, before the encoder takes its own
            spec, notes = spec_from_cli(
                list(options["media"]), title=options["title"], price=options["price"],
                compare_at=options["compare_at"], currency=options["currency"], aspect=options["aspect"],
                duration=options["duration"], music=options["music"], template=options["template"],
                instruction=options["instruction"], no_text=options["no_text"], cta=options["cta"],
                product_json=options["product"],
            )
        except RenderError as exc:
            raise CommandError(f"error: {exc.message}") from None
        except (ComposeError, DownloadError, SpecError, ValueError) as exc:
            raise CommandError(f"error: {exc}") from None
        output = Path(options["output"])
        poster = Path(options["poster"]) if options["poster"] else None
        bar = None if options["no_progress"] else _progress_bar()
        try:
            result = backend.render(spec, output, poster=poster, progress=bar.update if bar else None)
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
        for note in notes:
            self.stdout.write(f"note: {note}")


def _analyse_in_background(paths: list[Path]) -> Callable[[], object]:
    """Analyse the given photos in two threads (decoding releases the GIL) while the main thread checks
    them and loads the renderer; the composer then finds each analysis in its per-process cache. Returns
    the wait for them. A file that fails here is left for the checks and the composer, which report it."""
    from videos.composer.product import ProductImage
    from videos.composer.shots import analyse_photo
    from videos.media.probe import IMAGE, sniff

    def analyse(path: Path) -> None:
        with contextlib.suppress(Exception):
            if sniff(path).kind == IMAGE:
                analyse_photo(ProductImage(path.expanduser().resolve()))

    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="photo-analysis")
    futures = [pool.submit(analyse, path) for path in paths]
    pool.shutdown(wait=False)  # the tasks run on; the caller waits for them
    return lambda: wait(futures)


def _load_renderer(backend: RenderBackend) -> None:
    """Import the local renderer (PyAV, OpenCV) now rather than when the render starts."""
    from videos.backends.local import LocalBackend

    if isinstance(backend, LocalBackend):
        importlib.import_module("videos.render.pipeline")


def _ensure_database(backend: RenderBackend) -> None:
    """The cloud backend keeps its credentials in the database. A fresh clone's local SQLite file is set up
    here (migrate); any other database is the deployment's to migrate, so its absence is one error line."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from videos.backends.local import LocalBackend

    if isinstance(backend, LocalBackend):
        return
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if connection.vendor != "sqlite":
        raise CommandError("error: the database is not migrated: run `python manage.py migrate` first")
    call_command("migrate", interactive=False, verbosity=0)


def _check_music(path: Path) -> None:
    from videos.media.probe import validate_source

    validate_source(str(path), "audio")


def _check_media(path: Path) -> None:
    """Each given file is checked as what its content says it is, so a bad one is named before composing."""
    from videos.media.errors import MediaError
    from videos.media.probe import IMAGE, VIDEO, check_file, sniff, validate_source

    check_file(path)
    kind = sniff(path)
    if kind.kind == IMAGE:
        validate_source(str(path), "image")
    elif kind.kind == VIDEO:
        validate_source(str(path), "clip")
    else:
        raise MediaError(path, f"unsupported file type: {kind.name} (give photos or video clips)")


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
