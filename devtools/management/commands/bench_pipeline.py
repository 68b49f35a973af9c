"""`python manage.py bench_pipeline`: N video jobs through the whole pipeline (broker, workers, emulated
Shopify, rendering, upload, processing), once with 1 worker and once with 2.

Prints each stage's mean time, the per-job overhead beyond rendering (wall time per job with one worker minus
the mean render time) and, on the last line, that overhead, the 2-worker speed-up and the 2-worker speed
as `videos_per_min=…`. Uses the configured database (run `migrate` first); everything it creates (a bench
shop, its jobs and files) is removed at the end.
Renders are smaller than full size by default (`--size 0` for 1080 px) so a run takes a minute or two.

Both runs do the same work: each job gets a product of its own, new for each run (so no job replaces an
earlier video), and the workers render as they do in production (SHOWREEL_WORKER_CORES=auto): on one core
(x264 with one thread, `serial`) while every core has a job that keeps it busy, with the configured threads otherwise, so
the batch's last renders use the cores of the workers that ran out of jobs. The 1-worker run's cluster is kept
to one core (its watcher thread, which publishes while the worker renders, included), so that it does not
borrow the second core, which would measure the renderer's own threading (bench_render's subject) rather than
the pipeline's. `--arrangement serial` (or another) gives every render that arrangement and one x264 thread
instead, whatever is waiting.

`--processes` runs each worker as a `qcluster` process of its own (one worker each, on a core of its own) with
its own media and work folders, as separate one-core machines would run them, sharing only the database, the broker and (with
SHOWREEL_S3_BUCKET) object storage; the last line then gives jobs per minute for 1 and 2 such processes.
The last line also gives the physical limit measured in the same run, `floor_per_min=…` (x264 at one thread
per core encoding the runs' videos, decoded into memory first, on both cores at once, timed just before and
just after the 2-worker run), and `efficiency=…`, videos_per_min over that floor: the machine's speed changes from hour to hour, the ratio
much less.
`--timeline` also prints when each job started and ended, its stages, and the CPU time the workers and this
process (the emulator, and the bench watching the database) used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

BENCH_SHOP = "showreel-bench.myshopify.com"
STAGES = ("fetching", "composing", "rendering", "uploading", "attaching", "processing")


class Command(BaseCommand):
    help = "Benchmark the job pipeline with 1 and 2 workers against the Shopify emulator."


    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--jobs", type=int, default=8, help="jobs per run (default 8)")
        parser.add_argument("--duration", type=float, default=6.0, help="video length in seconds (default 6)")
        parser.add_argument("--size", type=int, default=540, help="render size, longest side in px; 0 = full (default 540)")
        parser.add_argument("--music", default="auto", help="music choice for every job (default auto)")
        parser.add_argument("--arrangement", default=None,
                            help="every render with this arrangement and one x264 thread (default: as workers "
                                 "choose: one core while every core is kept busy)")
        parser.add_argument("--timeout", type=float, default=900.0, help="give up on a run after this many seconds")
        parser.add_argument("--processes", action="store_true",
                            help="one qcluster process per worker, each with its own folders (machines, simulated)")
        parser.add_argument("--floor-of", nargs="+", type=Path, help=argparse.SUPPRESS)  # internal: a floor process
        parser.add_argument("--timeline", action="store_true",
                            help="print each job's start, end and stage times, and the CPU time used")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["floor_of"]:
            _floor_process(options["floor_of"])
            return
        from django.db.migrations.executor import MigrationExecutor

        if MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes()):
            raise CommandError("the database is not migrated: run `python manage.py migrate` first")
        if not settings.SHOPIFY_EMULATOR_ENABLED:
            raise CommandError("bench_pipeline runs against the Shopify emulator, which is off (SHOPIFY_EMULATOR_ENABLED)")
        if options["jobs"] < 2:
            raise CommandError("--jobs must be at least 2")
        from videos.render.choices import ARRANGEMENTS

        if options["arrangement"] is not None and options["arrangement"] not in ARRANGEMENTS:
            raise CommandError(f"--arrangement must be one of {', '.join(ARRANGEMENTS)}")
        bench = _Bench(self, options)
        try:
            one = bench.run(1)
            before = bench.floor_seconds(one["jobs"])
            two = bench.run(2)
            after = bench.floor_seconds(two["jobs"])
            # measured on each side of the 2-worker run: the machine's speed drifts
            floor_per_min = options["jobs"] * 60.0 / ((before + after) / 2 / 2)
        finally:
            bench.close()
        overhead = one["wall"] / options["jobs"] - one["render"]
        speedup = one["wall"] / two["wall"]
        unit = "process(es)" if options["processes"] else "worker(s)"
        for workers, result in ((1, one), (2, two)):
            stages = ", ".join(f"{s} {result['stages'][s]:.2f}" for s in STAGES)
            self.stdout.write(f"{workers} {unit}: {options['jobs']} jobs in {result['wall']:.1f} s, {result['cores']:.2f} "
                              f"cores busy on average (of {os.cpu_count()}); mean s per stage: {stages}")
        storage = "S3-compatible" if settings.SHOWREEL_S3_BUCKET else "local folders"
        renders = (f"{options['arrangement']}, x264 1 thread" if options["arrangement"]
                   else "one core while every core is kept busy, else as configured")
        self.stdout.write(f"renders: {renders}, {options['size'] or 'full'} px, "
                          f"{options['duration']:g} s; broker: {'Redis' if settings.REDIS_URL else 'ORM'}, "
                          f"database: {connection.vendor}, files: {storage}")
        self.stdout.write(f"per-job overhead beyond rendering: {overhead:.2f} s (target <= 2 s); "
                          f"2-worker speed-up: {speedup:.2f}x (target >= 1.8); "
                          f"jobs/min: {one['jobs_per_min']:.1f} with 1 {unit}, {two['jobs_per_min']:.1f} with 2; "
                          f"videos_per_min={two['jobs_per_min']:.1f} floor_per_min={floor_per_min:.1f} "
                          f"efficiency={two['jobs_per_min'] / floor_per_min:.2f}")


def _floor_process(videos: list[Path]) -> None:
    """A floor process (`--floor-of`): for each video, decode it into memory, say `ready`, wait for a line on
    stdin, then time the floor encode and print its seconds, so that the processes encode side by side."""
    import av
    import numpy as np

    from videos.management.commands.bench_render import encode_floor
    from videos.media.audio import Mixer, seconds_to_samples
    from videos.render.encoder import video_frame

    for video in videos:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            frames = [video_frame(np.ascontiguousarray(frame.to_ndarray(format="yuv420p")))
                      for frame in container.decode(stream)]
            fps, width, height = int(stream.average_rate or 30), stream.width, stream.height
        print("ready", flush=True)
        if not sys.stdin.readline():  # the bench has gone: nothing left to time
            return
        with tempfile.TemporaryDirectory(prefix="showreel-bench-floor-") as folder:
            silence = Mixer(seconds_to_samples(len(frames) / fps))
            seconds, _cpu = encode_floor(frames, width, height, fps, silence, Path(folder) / "floor.mp4",
                                         threads=1)
        del frames
        print(json.dumps(seconds), flush=True)


def _floor_side_by_side(videos: list[Path], processes: int) -> list[float]:
    """Each video's floor encode, run in `processes` processes at once (each on a core of its own, as workers
    render): the mean seconds per video."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    cores = _cores()
    children = [subprocess.Popen([sys.executable, str(manage), "bench_pipeline", "--floor-of", *map(str, videos)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for _ in range(processes)]
    try:
        for index, child in enumerate(children):
            if len(cores) >= processes:
                os.sched_setaffinity(child.pid, {cores[index]})
        seconds = []
        for _video in videos:
            for child in children:  # every process has its frames in memory before any starts encoding
                _said(child, lambda line: line if line == "ready" else None)
            for child in children:
                child.stdin.write("go\n")
                child.stdin.flush()
            seconds.append(statistics.mean(_said(child, _seconds) for child in children))
        return seconds
    finally:
        for child in children:
            child.stdin.close()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            child.stdout.close()


def _cores() -> list[int]:
    """The cores this process may run on (none where processes cannot be pinned)."""
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_setaffinity") else []


def _said(child: subprocess.Popen, parse: Any) -> Any:
    """The first line of the child's output that `parse` accepts (anything else it prints is skipped)."""
    for line in child.stdout:
        if (value := parse(line.strip())) is not None:
            return value
    raise CommandError("a floor process stopped before it finished")


def _seconds(line: str) -> float | None:
    try:
        return float(line)
    except ValueError:
        return None


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Bench:
    def __init__(self, command: BaseCommand, options: dict[str, Any]) -> None:
        from devtools.shopify_emulator.server import ShopifyEmulator
        from shopify_app import services as shopify_services
        from shopify_app.admin_api.oauth import TokenGrant
        from videos.jobs.models import CreditAccount, ShopSettings

        self.command, self.options = command, options
        self.folders: list[Path] = []  # the simulated machines' own folders (--processes)
        self.sample_of: dict[str, int] = {}  # product gid -> the sample product it copies
        # A roomy GraphQL budget: Shopify's throttling is its own limit, not the pipeline's overhead.
        self.emulator = ShopifyEmulator(api_key=settings.SHOPIFY_API_KEY, api_secret=settings.SHOPIFY_API_SECRET,
                                        bucket_max=1e6, restore_rate=1e6).start()
        answer = self.emulator.install(BENCH_SHOP)
        self.shop = shopify_services.store_grant(BENCH_SHOP, TokenGrant(answer["access_token"], answer["scope"].split(",")))
        from videos.jobs.credits import account_for

        CreditAccount.objects.filter(pk=account_for(self.shop).pk).update(available=10 * options["jobs"] + 10)
        # Every job goes all the way onto its product (new shops publish by hand).
        ShopSettings.objects.update_or_create(shop=self.shop, defaults={"auto_publish": True})
        # The emulator's sample products (photos only), copied for each run's jobs.
        self.samples = [int(p["id"].rsplit("/", 1)[1]) for p in self.emulator.products(BENCH_SHOP)]
        self._warm()

    def _products(self, count: int, run: str) -> list[str]:
        """`count` new products with the sample photos: one per job, and new for each run, so that no job
        replaces another's video and both runs do the same work."""
        from devtools.shopify_emulator.state import Media, Product, iso

        store = self.emulator.store
        gids = []
        with store.lock:
            shop = store.shop(BENCH_SHOP)
            for index in range(count):
                sample = shop.products[self.samples[index % len(self.samples)]]
                product = Product(id=store.next_id(), title=f"{sample.title} #{index + 1}", handle=f"bench-{run}-{index}",
                                  description_html=sample.description_html, vendor=sample.vendor,
                                  product_type=sample.product_type, tags=list(sample.tags), price=sample.price,
                                  compare_at=sample.compare_at, currency=sample.currency, created_at=iso(store.clock()))
                for media_id in sample.media_ids:
                    original = shop.media[media_id]
                    copy = Media(id=f"gid://shopify/MediaImage/{store.next_id()}", kind="IMAGE", alt=original.alt,
                                 filename=original.filename, image_url=original.image_url, width=original.width,
                                 height=original.height, created_at=original.created_at)
                    shop.media[copy.id] = copy
                    product.media_ids.append(copy.id)
                shop.products[product.id] = product
                gids.append(product.gid)
                self.sample_of[product.gid] = sample.id
        return gids

    def _warm(self) -> None:
        """One-off costs that are not per job, so the first run does not pay them alone: the emulator's
        schema and graphql-core's first look at each of the app's documents, the music bed's synthesis."""
        from shopify_app import services as shopify_services
        from shopify_app.admin_api import operations
        from shopify_app.admin_api.documents import document_names, load_document, validate_document
        from videos.music.library import bed_name, bed_path, resolve_music

        settings.SHOPIFY_ADMIN_BASE = self.emulator.base_url
        operations.get_shop_plan(shopify_services.admin_client(self.shop))
        for name in document_names():
            validate_document(load_document(name))
        music = resolve_music(self.options["music"])
        if music and bed_name(music.source):
            bed_path(bed_name(music.source))

    def run(self, workers: int) -> dict[str, Any]:
        from videos.jobs import services
        from videos.jobs.models import TERMINAL, JobStatus, VideoJob

        queue = f"bench-{uuid.uuid4().hex[:8]}"
        settings.Q_CLUSTER["cluster_name"] = queue
        settings.SHOWREEL_JOBS_PER_SHOP = workers
        products = self._products(self.options["jobs"], f"{workers}w")
        self.command.stdout.write(f"running {len(products)} jobs with {workers} worker(s)...")
        batch = services.create_batch(self.shop, products, {"duration": self.options["duration"],
                                                                 "music": self.options["music"]})
        env = {**os.environ, "Q_CLUSTER_NAME": queue, "Q_WORKERS": str(workers), "SHOWREEL_JOBS_PER_SHOP": str(workers),
               "SHOPIFY_ADMIN_BASE": self.emulator.base_url, "SHOWREEL_RENDER_MAX_SIDE": str(self.options["size"]),
               **({"VIDEO_X264_THREADS": "1", "VIDEO_RENDER_ARRANGEMENT": self.options["arrangement"],
                   "SHOWREEL_WORKER_CORES": "configured"} if self.options["arrangement"]
                  else {"SHOWREEL_WORKER_CORES": "auto"}),
               "LOG_LEVEL": "WARNING"}
        manage = Path(settings.BASE_DIR) / "manage.py"
        if self.options["processes"]:  # a machine each: one worker, folders of its own
            envs = []
            for index in range(workers):
                own = Path(tempfile.mkdtemp(prefix=f"showreel-bench-machine{index + 1}-"))
                self.folders.append(own)
                envs.append(env | {"Q_WORKERS": "1", "MEDIA_ROOT": str(own / "media"),
                                   "SHOWREEL_WORK_DIR": str(own / "work")})
        else:
            envs = [env]
        cpu_before, own_before = _children_cpu_s(), _own_cpu_s()
        clusters = [subprocess.Popen([sys.executable, str(manage), "qcluster"], env=cluster_env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for cluster_env in envs]
        self._pin(clusters, workers)
        try:
            deadline = time.monotonic() + self.options["timeout"]
            while batch.jobs.exclude(status__in=TERMINAL).exists():
                if any(cluster.poll() is not None for cluster in clusters):
                    raise CommandError("a qcluster stopped unexpectedly")
                if time.monotonic() > deadline:
                    raise CommandError(f"the {workers}-worker run did not finish within {self.options['timeout']:g} s")
                time.sleep(0.1)
        finally:
            for cluster in clusters:
                cluster.terminate()
            for cluster in clusters:
                try:
                    cluster.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    cluster.kill()
        cpu = _children_cpu_s() - cpu_before  # the cluster and its workers, once they have all exited
        jobs = list(VideoJob.objects.filter(batch=batch))
        failed = [j for j in jobs if j.status != JobStatus.READY]
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed, e.g. {failed[0].error_code}: {failed[0].error_message}")
        own = _own_cpu_s() - own_before  # the emulator's threads, and this process polling the database
        began = min(j.started_at for j in jobs)
        wall = (max(j.finished_at for j in jobs) - began).total_seconds()
        stages = {s: statistics.mean(j.timings.get(s, 0.0) for j in jobs) for s in STAGES}
        if self.options["timeline"]:
            self._timeline(jobs, began, cpu, own)
        return {"wall": wall, "render": stages["rendering"], "stages": stages, "cores": cpu / wall,
                "jobs_per_min": len(jobs) * 60.0 / wall, "jobs": jobs}

    @staticmethod
    def _pin(clusters: list[subprocess.Popen], workers: int) -> None:
        """One core per worker: a lone worker's cluster (its watcher thread, which publishes while the worker
        renders, included) is kept to one core, and with --processes each process to a core of its own, as on
        one-core machines. Set before the cluster forks its workers (it loads Django first); they inherit it."""
        cores = _cores()
        if len(cores) < 2 or (len(clusters) == 1 and workers > 1):
            return
        for index, cluster in enumerate(clusters):
            os.sched_setaffinity(cluster.pid, {cores[index % len(cores)]})

    def floor_seconds(self, jobs: list[Any]) -> float:
        """The physical limit, measured now: the seconds x264 at one thread (the configured preset and crf)
        takes on one core to encode these jobs' frames, already decoded in memory, plus an AAC track (silence)
        of the same length, with both cores encoding at once (a process on each), as two workers do: two such
        encodes side by side each take longer than one alone (shared caches and memory), so timing them one
        after another would overstate what two cores can do. Each sample product's video is timed once."""
        videos: dict[int, Path] = {}
        for job in jobs:
            sample = self.sample_of[job.product_id]
            if sample not in videos:
                videos[sample] = self._stored_video(job.video_file)
        timed = dict(zip(videos, _floor_side_by_side(list(videos.values()), 2), strict=True))
        return sum(timed[self.sample_of[job.product_id]] for job in jobs)

    def _stored_video(self, name: str) -> Path:
        from videos.jobs import files

        for folder in self.folders:  # --processes with local folders: the machine's own media folder
            if (folder / "media" / name).is_file():
                return folder / "media" / name
        scratch = Path(tempfile.mkdtemp(prefix="showreel-bench-floor-"))
        self.folders.append(scratch)  # removed by close()
        return files.local_copy(name, scratch / "video.mp4")

    def _timeline(self, jobs: list[Any], began: Any, cpu: float, own: float) -> None:
        write = self.command.stdout.write
        write(f"  CPU: workers {cpu:.1f} s, this process (emulator) {own:.1f} s")
        for job in sorted(jobs, key=lambda j: j.started_at):
            stages = " ".join(f"{s} {job.timings.get(s, 0.0):.2f}" for s in STAGES)
            write(f"  {(job.started_at - began).total_seconds():6.2f} -> {(job.finished_at - began).total_seconds():6.2f} s: "
                  f"{stages}")

    def close(self) -> None:
        from videos.jobs import files
        from videos.jobs.models import VideoJob

        for job_id in VideoJob.objects.filter(shop=self.shop).values_list("pk", flat=True):
            files.remove_work_dir(job_id)
        files.delete_prefix(f"showreel/{self.shop.pk}")
        self.shop.delete()
        self.emulator.stop()
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)
