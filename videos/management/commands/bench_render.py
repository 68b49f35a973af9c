"""Benchmark the local renderer against the x264 floor.

Standard case: 5 example photos (or --photos; `--photos large`: five phone-sized ones written for the
run), 15 s, 1080x1080 30 fps, slow zoom 1.0 -> 1.1, 0.5 s crossfades, a title,
music (a WAV generated here with numpy), libx264 with the configured preset / crf. The floor is libx264
with the same settings encoding the same frames, already composed and held in memory as yuv420p, plus the
AAC track. Each measurement runs in a fresh subprocess (so peak RSS is per run); medians of --runs.
The last line printed is exactly: render_s=... floor_s=... ratio=... peak_rss_mb=...

--whole times what a user waits for: `manage.py render_video` on the same five photos with a title
(15 s, 1:1, the default template and its music bed), in a fresh process from start to exit, so start-up,
checking, photo analysis and composing all count. The floor and the in-process render then use the spec
the composer makes from those same arguments, so all three encode the same frames. The last line is then:
whole_s=... floor_s=... whole_ratio=... render_s=... ratio=... peak_rss_mb=...
The floor always encodes its AAC track; renders (and render_video) mux a soundtrack an earlier render of
the same music and length encoded (videos/render/soundtrack.py), as a user's or a worker's next render does,
and each run's line says which they did.
With --reference (a render of the same case, e.g. render.mp4 kept by --keep with an earlier version), the
last line also gives ssim_mean=... ssim_min=...: the last run's render against it, frame by frame.
In both modes peak_rss_mb is the highest peak of any rendering process in any run (not a median). Linux
counts a child's peak from its parent's size at the fork, so this process stays small: photos are written
and analysed by children too.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from videos.media.audio import Mixer
from videos.render.encoder import Encoder, encoder_settings
from videos.spec import VideoSpec

PHOTOS = [
    "slipon-blue-pair-angle.png",
    "juice-bottle-apple-on-white.jpg",
    "cap-red-front.png",
    "jeans-woman-ripped-lifestyle.jpg",
    "slipon-blue-side.png",
]
DURATION, FADE = 15.0, 0.5
TITLE = "Blue Slip-On Sneakers"


# --photos large: phone-sized photos, written here (name, size, seed); the 25 MP PNG and WebP are what a
# shop's camera or export tool may hand over, the 12 MP JPEGs what a phone takes.
LARGE_PHOTOS = [
    ("studio-12mp.jpg", (4032, 3024), 1),
    ("studio-24mp.png", (6000, 4000), 2),
    ("studio-25mp.webp", (5760, 4320), 3),
    ("cutout-12mp.png", (4000, 3000), 4),
    ("portrait-12mp.jpg", (3024, 4032), 5),
]


def standard_photos() -> list[Path]:
    return [Path(settings.BASE_DIR) / "examples" / "photos" / name for name in PHOTOS]


def large_photos(folder: Path) -> list[Path]:
    """Write the phone-sized photos into `folder` (the same pixels every time): a product (a body, a cap
    and a label, in a shape, colour and place of its own) on an off-white backdrop, or on transparency
    for the PNG cut-out, with a little sensor-like noise so that they compress like photos."""
    from PIL import Image, ImageDraw

    paths = []
    for name, (width, height), seed in LARGE_PHOTOS:
        rng = np.random.default_rng(seed)
        small_w, small_h = width // 8, height // 8
        alpha = name.startswith("cutout")
        backdrop = (0, 0, 0, 0) if alpha else (*(int(v) for v in rng.integers(238, 256, 3)), 255)
        drawing = Image.new("RGBA", (small_w, small_h), backdrop)
        draw = ImageDraw.Draw(drawing)
        colour = tuple(int(v) for v in rng.integers(20, 200, 3))
        cx, cy = small_w * rng.uniform(0.35, 0.65), small_h * rng.uniform(0.4, 0.6)
        bw, bh = small_w * rng.uniform(0.12, 0.25), small_h * rng.uniform(0.2, 0.32)
        body = (cx - bw, cy - bh, cx + bw, cy + bh)
        if seed % 2:
            draw.ellipse(body, fill=(*colour, 255))
        else:
            draw.rounded_rectangle(body, radius=int(bw / 3), fill=(*colour, 255))
        draw.rectangle((cx - bw / 3, cy - bh * 1.35, cx + bw / 3, cy - bh), fill=(*(255 - v for v in colour), 255))
        draw.rectangle((cx - bw * 0.7, cy - bh / 6, cx + bw * 0.7 * rng.uniform(0.3, 1), cy + bh / 6),
                       fill=(250, 250, 250, 255))
        pixels = np.asarray(drawing.resize((width, height), Image.Resampling.BICUBIC)).copy()
        del drawing
        noise = rng.integers(-3, 4, (height, width, 1), dtype=np.int16)
        pixels[..., :3] = np.clip(pixels[..., :3] + noise, 0, 255).astype(np.uint8)
        del noise
        photo = Image.fromarray(pixels if alpha else np.ascontiguousarray(pixels[..., :3]), "RGBA" if alpha else "RGB")
        path = folder / name
        if path.suffix == ".jpg":
            photo.save(path, quality=90)
        elif path.suffix == ".png":
            photo.save(path, compress_level=1)
        else:
            photo.save(path, quality=85, method=0)
        paths.append(path)
    return paths


def bench_spec(photos: list[Path], music: Path, duration: float = DURATION) -> VideoSpec:
    count = len(photos)
    shot = (duration + FADE * (count - 1)) / count
    video = []
    for index, photo in enumerate(photos):
        segment = {"type": "image", "source": str(photo), "start": round(index * (shot - FADE), 6),
                   "duration": round(shot, 6), "motion": {"kind": "zoom_in", "strength": 0.1, "focus": "auto"}}
        if index:
            segment["transition"] = {"kind": "crossfade", "duration": FADE}
        video.append(segment)
    title = {"type": "text", "text": TITLE, "role": "title", "start": 0.0, "duration": min(3.0, duration),
             "style": {"size": 76, "y": 0.86, "animation": "slide_up"}}
    audio = {"type": "audio", "source": str(music), "start": 0.0, "duration": duration, "volume": 0.35}
    return VideoSpec.from_dict({
        "canvas": {"width": 1080, "height": 1080, "fps": 30}, "duration": duration,
        "tracks": [{"kind": "video", "segments": video}, {"kind": "text", "segments": [title]},
                   {"kind": "audio", "segments": [audio]}],
    })


def whole_arguments(photos: list[Path], output: Path, duration: float = DURATION) -> list[str]:
    """`render_video`'s arguments for the whole-command case (see `whole_spec`)."""
    return [*map(str, photos), "-o", str(output), "--title", TITLE, "--duration", f"{duration:g}", "--aspect", "1:1",
            "--no-progress"]


def whole_spec(photos: list[Path], duration: float = DURATION) -> VideoSpec:
    """The spec `render_video` composes from `whole_arguments`."""
    from videos.composer.cli import spec_from_cli

    spec, _notes = spec_from_cli(list(map(str, photos)), title=TITLE, duration=duration, aspect="1:1")
    return spec


def write_music(path: Path, seconds: float = DURATION, rate: int = 48_000) -> None:
    """A soft chord with a pulse, 16-bit stereo WAV."""
    t = np.arange(int(seconds * rate)) / rate
    tone = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.18, 329.63)) / 3
    pulse = 0.6 + 0.4 * (np.sin(2 * np.pi * 2.0 * t) > 0)
    left, right = tone * pulse * 0.5, np.roll(tone, 240) * pulse * 0.5
    pcm = (np.stack([left, right], axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_timed(command: list[str], workdir: Path, name: str) -> dict:
    """Run `command` to its exit; its wall time from start to exit, CPU time and peak RSS (wait4's)."""
    out, err = workdir / f"{name}.stdout", workdir / f"{name}.stderr"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=settings.BASE_DIR)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise CommandError(f"{name} failed ({process.returncode}):\n{err.read_text()[-2000:].strip()}")
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
            "stdout": out.read_text()}


class Command(BaseCommand):
    help = "Benchmark the local renderer (standard 15 s case) against libx264's floor; medians of --runs."
    requires_system_checks: list[str] = []  # a renderer needs no database or URL checks

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--whole", action="store_true",
                            help="also time `render_video` as a user runs it, from process start to exit")
        parser.add_argument("--duration", type=float, default=DURATION, help="seconds (default 15)")
        parser.add_argument("--photos", nargs="+", type=Path,
                            help="other photos instead of the five examples; `large`: five phone-sized photos "
                                 "(12 MP JPEGs, 24-25 MP PNG and WebP, a 12 MP cut-out PNG) written for the run")
        parser.add_argument("--arrangement", default=None, help="compose_thread, encode_thread or serial")
        parser.add_argument("--cv2-threads", type=int, default=None)
        parser.add_argument("--keep", default=None, help="keep the outputs in this folder")
        parser.add_argument("--reference", type=Path, default=None,
                            help="a render of the same case to compare image quality with (e.g. render.mp4 kept "
                                 "by --keep with an earlier version): adds ssim_mean=... ssim_min=...")
        parser.add_argument("--child", choices=["render", "floor", "photos", "spec"], help="(internal)")
        parser.add_argument("--workdir", help="(internal)")

    def handle(self, *args, **options) -> None:
        if options["child"]:
            self._child(options["child"], Path(options["workdir"]), options)
            return
        runs, whole, duration = max(1, options["runs"]), options["whole"], options["duration"]
        with tempfile.TemporaryDirectory(prefix="bench-render-") as temp:
            workdir = Path(options["keep"] or temp)
            workdir.mkdir(parents=True, exist_ok=True)
            if options["reference"]:
                _check_reference(options["reference"], workdir / "render.mp4")
            if options["photos"] == [Path("large")]:
                # Written by a child process: a child's peak RSS counts its parent's at the fork.
                self._spawn("photos", workdir, options)
                photos = [workdir / name for name, _size, _seed in LARGE_PHOTOS]
            else:
                photos = [path.resolve() for path in options["photos"] or standard_photos()]
            if whole:  # composed by a child: analysing the photos would raise this process's peak RSS
                (workdir / "photos.json").write_text(json.dumps([str(path) for path in photos]))
                self._spawn("spec", workdir, {**options, "duration": duration})
            else:
                write_music(workdir / "music.wav", duration)
                (workdir / "spec.json").write_text(bench_spec(photos, workdir / "music.wav", duration).to_json())
            renders, floors, wholes, rss = [], [], [], []
            for run in range(runs):
                floor = self._spawn("floor", workdir, options)
                floors.append(floor["seconds"])
                result = self._spawn("render", workdir, options)
                renders.append(result["seconds"])
                rss.append(result["peak_rss_mb"])
                line = (f"run {run + 1}: render {result['seconds']:.2f} s (cpu {result['cpu_s']:.2f} s, "
                        f"{result['peak_rss_mb']:.0f} MB, {result['arrangement']}, soundtrack {result['soundtrack']}), floor {floor['seconds']:.2f} s "
                        f"(cpu {floor['cpu_s']:.2f} s)")
                if whole:
                    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "render_video",
                               *whole_arguments(photos, workdir / "whole.mp4", duration)]
                    timed = run_timed(command, workdir, "whole")
                    wholes.append(timed["seconds"])
                    rss.append(timed["peak_rss_mb"])
                    line += (f", whole {timed['seconds']:.2f} s (cpu {timed['cpu_s']:.2f} s, "
                             f"{timed['peak_rss_mb']:.0f} MB, {_render_seconds(timed['stdout'])})")
                self.stdout.write(line)
            # the last run's render against the reference: the same frames, or how far from them
            quality = ssim_between(workdir / "render.mp4", options["reference"]) if options["reference"] else None
        render_s, floor_s = statistics.median(renders), statistics.median(floors)
        fields = f"render_s={render_s:.2f} floor_s={floor_s:.2f} ratio={render_s / floor_s:.2f} peak_rss_mb={max(rss):.0f}"
        if whole:
            whole_s = statistics.median(wholes)
            fields = (f"whole_s={whole_s:.2f} floor_s={floor_s:.2f} whole_ratio={whole_s / floor_s:.2f} "
                      f"render_s={render_s:.2f} ratio={render_s / floor_s:.2f} peak_rss_mb={max(rss):.0f}")
        if quality is not None:
            fields += f" ssim_mean={quality[0]:.4f} ssim_min={quality[1]:.4f}"
        self.stdout.write(fields)

    def _spawn(self, mode: str, workdir: Path, options: dict) -> dict:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_render", "--child", mode,
                   "--workdir", str(workdir), "--duration", f"{options['duration']:g}"]
        if options.get("arrangement"):
            command += ["--arrangement", options["arrangement"]]
        if options.get("cv2_threads") is not None:
            command += ["--cv2-threads", str(options["cv2_threads"])]
        done = subprocess.run(command, capture_output=True, text=True, cwd=settings.BASE_DIR)
        if done.returncode != 0:
            raise CommandError(f"bench {mode} run failed:\n{done.stderr.strip()[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _child(self, mode: str, workdir: Path, options: dict) -> None:
        if mode == "photos":
            self.stdout.write(json.dumps([str(path) for path in large_photos(workdir)]))
            return
        if mode == "spec":
            from videos.media.probe import validate_spec

            photos = [Path(path) for path in json.loads((workdir / "photos.json").read_text())]
            spec = whole_spec(photos, options["duration"])
            validate_spec(spec)  # renders the music bed into its cache once, before any timing
            (workdir / "spec.json").write_text(spec.to_json())
            self.stdout.write(json.dumps({"segments": len(spec.segments_of("video"))}))
            return
        spec = VideoSpec.from_json((workdir / "spec.json").read_text())
        if mode == "render":
            from videos.render.encoder import encoder_settings
            from videos.render.pipeline import render_spec

            arrangement = options.get("arrangement") or encoder_settings()["arrangement"]
            kwargs = {} if options.get("cv2_threads") is None else {"cv2_threads": options["cv2_threads"]}
            cpu, started = time.process_time(), time.perf_counter()
            details = render_spec(spec, workdir / "render.mp4", arrangement=arrangement, **kwargs).details
            seconds = time.perf_counter() - started
            result = {"seconds": seconds, "cpu_s": time.process_time() - cpu, "peak_rss_mb": peak_rss_mb(),
                      "arrangement": arrangement, "soundtrack": details.get("soundtrack", "encoded")}
        else:
            result = self._floor(spec, workdir)
        self.stdout.write(json.dumps(result))

    def _floor(self, spec: VideoSpec, workdir: Path) -> dict:
        from videos.media.probe import validate_spec
        from videos.render.compositor import build_compositor
        from videos.render.encoder import video_frame
        from videos.render.pipeline import build_mixer

        paths = validate_spec(spec)
        compositor = build_compositor(spec, paths)
        buffer = np.empty((spec.canvas.height * 3 // 2, spec.canvas.width), np.uint8)
        frames = []
        for index in range(spec.frame_count):
            compositor.compose(index, buffer, reuse=False)
            frames.append(video_frame(buffer))
        compositor.close()
        seconds, cpu_s = encode_floor(frames, spec.canvas.width, spec.canvas.height, spec.canvas.fps,
                                      build_mixer(spec, paths), workdir / "floor.mp4")
        return {"seconds": seconds, "cpu_s": cpu_s, "peak_rss_mb": peak_rss_mb()}


def encode_floor(frames: list, width: int, height: int, fps: int, mixer: Mixer, target: Path,
                 threads: int | None = None) -> tuple[float, float]:
    """The floor: the configured x264 (and AAC coder) encoding `frames` (av.VideoFrames, already in memory)
    and the mixer's track, which it always encodes (no soundtrack cache); wall and CPU seconds."""
    config = encoder_settings()
    cpu, started = time.process_time(), time.perf_counter()
    encoder = Encoder(target, width, height, fps, mixer, preset=config["preset"], crf=config["crf"],
                      threads=config["threads"] if threads is None else threads, aac_coder=config["aac_coder"],
                      cache_soundtrack=False)
    for frame in frames:
        encoder.encode(frame)
    encoder.finish()
    return time.perf_counter() - started, time.process_time() - cpu


def ssim_between(video: Path, reference: Path) -> tuple[float, float]:
    """Mean and lowest per-frame SSIM of the two videos' luma (Wang et al. 2004: 11x11 Gaussian window,
    sigma 1.5, K1 0.01, K2 0.03), frame by frame. Written out with OpenCV rather than taken from scikit-image,
    which the project would otherwise not need."""
    import av
    import cv2

    def luma(path: Path) -> Iterator[np.ndarray]:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                yield frame.to_ndarray(format="gray").astype(np.float64)

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5)

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    scores = []
    try:
        for a, b in itertools.zip_longest(luma(video), luma(reference)):
            if a is None or b is None:
                raise CommandError(f"--reference: {reference} has a different number of frames")
            if a.shape != b.shape:
                raise CommandError(f"--reference: {reference} is {b.shape[1]}x{b.shape[0]}, "
                                   f"not {a.shape[1]}x{a.shape[0]}")
            mu_a, mu_b = blur(a), blur(b)
            var_a, var_b, cov = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2, blur(a * b) - mu_a * mu_b
            ssim = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
            scores.append(float(ssim[5:-5, 5:-5].mean()))  # the window's full extent only
    except av.FFmpegError as exc:
        raise CommandError(f"--reference: cannot decode {reference} or the render: {exc}") from None
    if not scores:
        raise CommandError(f"--reference: no frames to compare in {reference}")
    return statistics.mean(scores), min(scores)


def _check_reference(path: Path, render: Path) -> None:
    """The reference must be a readable video, and not the file this run's render will overwrite."""
    import av

    if path.resolve() == render.resolve():
        raise CommandError(f"--reference: {path} is where this run writes its own render (--keep): copy it first")
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise CommandError(f"--reference: {path} has no video")
    except (OSError, av.FFmpegError) as exc:
        raise CommandError(f"--reference: cannot read {path}: {exc}") from None


def _render_seconds(stdout: str) -> str:
    """The render time render_video printed ("... rendered in 3.21 s"), to tell start-up from rendering."""
    for line in stdout.splitlines():
        if "rendered in " in line:
            return "render " + line.rsplit("rendered in ", 1)[1]
    return "render time not printed"
