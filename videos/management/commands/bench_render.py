"""Benchmark the local renderer against the x264 floor.

Standard case: 5 example photos, 15 s, 1080x1080 30 fps, slow zoom 1.0 -> 1.1, 0.5 s crossfades, a title,
music (a WAV generated here with numpy), libx264 with the configured preset / crf. The floor is libx264
with the same settings encoding the same frames, already composed and held in memory as yuv420p, plus the
AAC track. Each measurement runs in a fresh subprocess (so peak RSS is per run); medians of --runs.
The last line printed is exactly: render_s=... floor_s=... ratio=... peak_rss_mb=...
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from videos.spec import VideoSpec

PHOTOS = [
    "slipon-blue-pair-angle.png",
    "juice-bottle-apple-on-white.jpg",
    "cap-red-front.png",
    "jeans-woman-ripped-lifestyle.jpg",
    "slipon-blue-side.png",
]
DURATION, FADE = 15.0, 0.5


def bench_spec(photo_dir: Path, music: Path) -> VideoSpec:
    count = len(PHOTOS)
    shot = (DURATION + FADE * (count - 1)) / count
    video = []
    for index, name in enumerate(PHOTOS):
        segment = {"type": "image", "source": str(photo_dir / name), "start": round(index * (shot - FADE), 6),
                   "duration": round(shot, 6), "motion": {"kind": "zoom_in", "strength": 0.1, "focus": "auto"}}
        if index:
            segment["transition"] = {"kind": "crossfade", "duration": FADE}
        video.append(segment)
    title = {"type": "text", "text": "Blue Slip-On Sneakers", "role": "title", "start": 0.0, "duration": 3.0,
             "style": {"size": 76, "y": 0.86, "animation": "slide_up"}}
    audio = {"type": "audio", "source": str(music), "start": 0.0, "duration": DURATION, "volume": 0.35}
    return VideoSpec.from_dict({
        "canvas": {"width": 1080, "height": 1080, "fps": 30}, "duration": DURATION,
        "tracks": [{"kind": "video", "segments": video}, {"kind": "text", "segments": [title]},
                   {"kind": "audio", "segments": [audio]}],
    })


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


class Command(BaseCommand):
    help = "Benchmark the local renderer (standard 15 s case) against libx264's floor; medians of --runs."
    requires_system_checks: list[str] = []  # a renderer needs no database or URL checks

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--arrangement", default=None, help="compose_thread, encode_thread or serial")
        parser.add_argument("--cv2-threads", type=int, default=None)
        parser.add_argument("--keep", default=None, help="keep the outputs in this folder")
        parser.add_argument("--child", choices=["render", "floor"], help="(internal)")
        parser.add_argument("--workdir", help="(internal)")

    def handle(self, *args, **options) -> None:
        if options["child"]:
            self._child(options["child"], Path(options["workdir"]), options)
            return
        runs = max(1, options["runs"])
        with tempfile.TemporaryDirectory(prefix="bench-render-") as temp:
            workdir = Path(options["keep"] or temp)
            workdir.mkdir(parents=True, exist_ok=True)
            write_music(workdir / "music.wav")
            renders, floors, rss = [], [], []
            for run in range(runs):
                result = self._spawn("render", workdir, options)
                renders.append(result["seconds"])
                rss.append(result["peak_rss_mb"])
                floor = self._spawn("floor", workdir, options)
                floors.append(floor["seconds"])
                self.stdout.write(
                    f"run {run + 1}: render {result['seconds']:.2f} s (cpu {result['cpu_s']:.2f} s, "
                    f"{result['peak_rss_mb']:.0f} MB, {result['arrangement']}), floor {floor['seconds']:.2f} s "
                    f"(cpu {floor['cpu_s']:.2f} s)"
                )
        render_s, floor_s = statistics.median(renders), statistics.median(floors)
        self.stdout.write(
            f"render_s={render_s:.2f} floor_s={floor_s:.2f} ratio={render_s / floor_s:.2f} "
            f"peak_rss_mb={statistics.median(rss):.0f}"
        )

    def _spawn(self, mode: str, workdir: Path, options: dict) -> dict:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_render", "--child", mode,
                   "--workdir", str(workdir)]
        if options.get("arrangement"):
            command += ["--arrangement", options["arrangement"]]
        if options.get("cv2_threads") is not None:
            command += ["--cv2-threads", str(options["cv2_threads"])]
        done = subprocess.run(command, capture_output=True, text=True, cwd=settings.BASE_DIR)
        if done.returncode != 0:
            raise CommandError(f"bench {mode} run failed:\n{done.stderr.strip()[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _child(self, mode: str, workdir: Path, options: dict) -> None:
        photo_dir = Path(settings.BASE_DIR) / "examples" / "photos"
        spec = bench_spec(photo_dir, workdir / "music.wav")
        if mode == "render":
            from videos.render.encoder import encoder_settings
            from videos.render.pipeline import render_spec

            arrangement = options.get("arrangement") or encoder_settings()["arrangement"]
            kwargs = {} if options.get("cv2_threads") is None else {"cv2_threads": options["cv2_threads"]}
            cpu, started = time.process_time(), time.perf_counter()
            render_spec(spec, workdir / "render.mp4", arrangement=arrangement, **kwargs)
            seconds = time.perf_counter() - started
            result = {"seconds": seconds, "cpu_s": time.process_time() - cpu, "peak_rss_mb": peak_rss_mb(),
                      "arrangement": arrangement}
        else:
            result = self._floor(spec, workdir)
        self.stdout.write(json.dumps(result))

    def _floor(self, spec: VideoSpec, workdir: Path) -> dict:
        from videos.media.probe import validate_spec
        from videos.render.compositor import build_compositor
        from videos.render.encoder import Encoder, encoder_settings, video_frame
        from videos.render.pipeline import build_mixer

        paths = validate_spec(spec)
        compositor = build_compositor(spec, paths)
        buffer = np.empty((spec.canvas.height * 3 // 2, spec.canvas.width), np.uint8)
        frames = []
        for index in range(spec.frame_count):
            compositor.compose(index, buffer, reuse=False)
            frames.append(video_frame(buffer))
        compositor.close()
        mixer = build_mixer(spec, paths)
        config = encoder_settings()
        cpu, started = time.process_time(), time.perf_counter()
        encoder = Encoder(workdir / "floor.mp4", spec.canvas.width, spec.canvas.height, spec.canvas.fps, mixer,
                          preset=config["preset"], crf=config["crf"], threads=config["threads"],
                          aac_coder=config["aac_coder"])
        for frame in frames:
            encoder.encode(frame)
        encoder.finish()
        return {"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
                "peak_rss_mb": peak_rss_mb()}
