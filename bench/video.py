"""Story video: a 60-second 1080x1920 video in 6 scenes with the local providers.

Run it from the repository root::

    .venv/bin/python bench/video.py                    # 60 s, 1080x1920, 6 scenes
    .venv/bin/python bench/video.py --json bench-video.json

What it does, in one run:

1. Runs the ``video`` pipeline (``soundstage.video.pipeline.run``) on an
   in-memory job context (no database, no storage: the figures are the job's
   own work) with the local template writer, Pillow scene art, the local TTS
   voice, procedural music ducked under it and burned-in subtitles, and times
   each stage from its progress events: script, images, narration, compilation
   (the compilation figure includes the music, the mix, the loudness passes
   and the final encode).
2. Encodes the same number of frames at the same size and x264 preset without
   any compositing: ``testsrc2`` (a moving synthetic pattern) straight into
   libx264, and a re-encode of the job's own video (same pictures; includes an
   H.264 decode). Compilation is compared with both.
3. Renders one scene's pan and zoom (``--zoompan-frames`` frames) two ways,
   filters only (no encode): this project's ``scale(eval=frame)+crop`` graph
   and the common ``zoompan`` recipe (upscale the still 4x to hide zoompan's
   integer steps, then ``zoompan``).

Targets (issue 14): the whole job within the video's own duration on 2 cores;
compilation at most 1.5x a bare x264 encode of the same frame count and preset.
Linux or macOS; ffmpeg is the imageio-ffmpeg binary the engine uses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "apps" / "engine"))

from soundstage.audio.ffmpeg import ffmpeg_exe  # noqa: E402
from soundstage.audio.video import ZOOM_MAX, _motion, frame_size  # noqa: E402
from soundstage.config import Settings  # noqa: E402
from soundstage.pipelines import Checkpoint  # noqa: E402
from soundstage.video.pipeline import run  # noqa: E402
from soundstage.video.schemas import VideoParams  # noqa: E402

STAGES = ("script", "images", "narration", "compilation")


class _NoRows:
    async def fetch(self, *args: object) -> list[Any]:
        return []


class BenchContext:
    """The JobContext protocol in memory, timing each stage's progress events."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.job_id, self.user_id, self.attempt = uuid.uuid4(), uuid.uuid4(), 1
        self.settings = settings
        self.workdir = root / "work"
        self.workdir.mkdir()
        self.out = root / "out"
        self.out.mkdir()
        self.firsts: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.outputs: dict[str, Path] = {}

    async def progress(self, percent: float, stage: str | None = None,
                       message: str | None = None) -> None:  # fmt: skip
        now = time.perf_counter()
        if stage and stage not in self.firsts:
            self.firsts[stage] = now
        # compilation's own steps: joining, music and loudness, the encode, saving
        marks = {"Scoring the music": "c76", "Compiling video": "c78", "Saving the video": "c97"}
        mark = marks.get(message or "")
        if stage == "compilation" and mark and percent >= 76 and mark not in self.firsts:
            self.firsts[mark] = now
            self.cpu[mark] = _cpu()

    async def add_output(self, name: str, path: Path, content_type: str) -> None:
        self.outputs[name] = Path(shutil.copy(path, self.out / name))

    async def checkpoint(self, unit: str, path: Path | None = None,
                         data: dict[str, Any] | None = None) -> None:  # fmt: skip
        pass  # a first attempt: nothing to resume

    async def completed(self) -> dict[str, Checkpoint]:
        return {}

    async def restore(self, checkpoint: Checkpoint, target: Path) -> Path:
        raise AssertionError("no checkpoints in a first attempt")

    @contextlib.asynccontextmanager
    async def as_owner(self) -> AsyncIterator[_NoRows]:
        yield _NoRows()  # no database here: the owner has no lexicon

    @property
    def storage(self) -> Any:
        raise AssertionError("outputs go through add_output")

    async def fetch_upload(self, upload_id: uuid.UUID, target_dir: Path) -> Any:
        raise AssertionError("no uploads")

    async def fetch_output(self, job_id: uuid.UUID, name: str, target_dir: Path) -> Path:
        raise AssertionError("no outputs")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (ffmpeg)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


CPU: dict[str, float] = {}


def _time(cmd: list[str], name: str) -> float:
    cpu = _cpu()
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    CPU[name] = _cpu() - cpu
    return time.perf_counter() - started


def _duration(path: Path) -> float:
    log = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True).stderr  # fmt: skip
    h, m, s = log.split("Duration: ")[1].split(",")[0].split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--scenes", type=int, default=6)
    parser.add_argument("--resolution", default="1080p", choices=("480p", "720p", "1080p"))
    parser.add_argument("--zoompan-frames", type=int, default=150)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="soundstage-bench-video-"))
    try:
        settings = Settings(_env_file=None, data_dir=root / "data")  # type: ignore[call-arg]
        params = VideoParams(
            topic="The Vanishing Lighthouse", story_type="scary_horror",
            image_style="cinematic", duration=args.minutes, num_scenes=args.scenes,
            hook_intensity="extreme", pacing="dynamic", aspect="9:16",
            resolution=args.resolution, subtitles="both",
            characters=[{"name": "Sarah", "description": "25, brown hair"}],  # type: ignore[list-item]
        )  # fmt: skip
        ctx = BenchContext(root, settings)
        load_before = os.getloadavg()
        cpu_before = os.times()
        started = time.perf_counter()
        asyncio.run(run(ctx, params))  # type: ignore[arg-type]
        ended = time.perf_counter()
        cpu_after = os.times()
        video = ctx.outputs["video.mp4"]
        seconds = _duration(video)
        marks = [ctx.firsts.get(s, started) for s in STAGES] + [ended]
        stages = {s: marks[i + 1] - marks[i] for i, s in enumerate(STAGES)}
        stages["script"] += marks[0] - started
        w, h = frame_size("9:16", args.resolution)
        frames = round(seconds * 30)
        preset = settings.video_preset
        x264 = ["-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-crf", "21",
                "-pix_fmt", "yuv420p"]  # fmt: skip
        bare = _time([ffmpeg_exe(), "-y", "-f", "lavfi", "-i", f"testsrc2=s={w}x{h}:r=30",
                      "-frames:v", str(frames), *x264, "-f", "mp4",
                      str(root / "bare.mp4")], "bare")  # fmt: skip
        again = _time([ffmpeg_exe(), "-y", "-i", str(video), "-an", *x264,
                       "-f", "mp4", str(root / "again.mp4")], "again")  # fmt: skip

        # one scene's motion, filters only: ours against zoompan's usual recipe
        still = root / "still.png"
        from PIL import Image

        with Image.open(ctx.outputs["poster.jpg"]) as img:
            img.resize((round(w * ZOOM_MAX), round(h * ZOOM_MAX))).save(still)
        n = args.zoompan_frames
        sw, sh, cx, cy = _motion(0, n, w, h)
        ours = _time([ffmpeg_exe(), "-y", "-framerate", "30", "-i", str(still), "-filter_complex",
                      f"[0:v]format=yuv420p,loop=loop={n - 1}:size=1,setpts=N/(30*TB),"
                      f"scale=w='{sw}':h='{sh}':eval=frame:flags=bilinear,"
                      f"crop={w}:{h}:x='{cx}':y='{cy}'",
                      "-frames:v", str(n), "-f", "null", "-"], "ours")  # fmt: skip
        zoompan = _time([ffmpeg_exe(), "-y", "-i", str(still), "-filter_complex",
                         f"[0:v]scale={w * 4}:-2,zoompan=z='min(zoom+0.0008,1.12)':d={n}:"
                         f"x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s={w}x{h}:fps=30,"
                         "format=yuv420p", "-frames:v", str(n), "-f", "null", "-"],
                        "zoompan")  # fmt: skip

        total = ended - started
        c = ctx.firsts
        steps = {
            "join narration, prepare stills": c["c76"] - c["compilation"] if "c76" in c else 0.0,
            "music, mix, loudness": c["c78"] - c.get("c76", c["compilation"]),
            "encode (one ffmpeg)": c["c97"] - c["c78"],
            "poster, outputs": ended - c["c97"],
        }
        compilation = stages["compilation"]
        report = {
            "video_seconds": round(seconds, 2), "frame": f"{w}x{h}", "frames": frames,
            "scenes": args.scenes, "preset": preset, "cores": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "job_wall_s": round(total, 2),
            "job_cpu_s": round((cpu_after.user + cpu_after.system + cpu_after.children_user
                                + cpu_after.children_system) - (cpu_before.user
                                + cpu_before.system + cpu_before.children_user
                                + cpu_before.children_system), 2),
            "stages_wall_s": {k: round(v, 2) for k, v in stages.items()},
            "compilation_steps_wall_s": {k: round(v, 2) for k, v in steps.items()},
            "bare_x264_testsrc2_s": round(bare, 2), "reencode_own_video_s": round(again, 2),
            "compilation_vs_bare": round(compilation / bare, 2),
            "encode_cpu_s": round(ctx.cpu["c97"] - ctx.cpu["c78"], 2),
            "bare_cpu_s": round(CPU["bare"], 2),
            "reencode_cpu_s": round(CPU["again"], 2),
            "encode_vs_bare_cpu": round((ctx.cpu["c97"] - ctx.cpu["c78"]) / CPU["bare"], 2),
            "encode_vs_bare": round(steps["encode (one ffmpeg)"] / bare, 2),
            "compilation_vs_reencode": round(compilation / again, 2),
            "motion_frames": n, "motion_scale_crop_s": round(ours, 2),
            "motion_zoompan_4x_s": round(zoompan, 2),
            "job_vs_real_time": round(total / seconds, 2),
            "targets": {"job <= video duration": total <= seconds,
                        "compilation <= 1.5x bare x264": compilation <= 1.5 * bare},
        }  # fmt: skip
        print(f"video {seconds:.1f} s, {w}x{h}, {args.scenes} scenes, {frames} frames, "
              f"x264 preset {preset}, {os.cpu_count()} cores, "
              f"load before {load_before[0]:.2f}")  # fmt: skip
        print(f"{'stage':<14}{'wall s':>8}")
        for k, v in stages.items():
            print(f"{k:<14}{v:>8.2f}")
        for k, v in steps.items():
            print(f"  {k:<32}{v:>8.2f}")
        print(f"{'whole job':<14}{total:>8.2f}   ({total / seconds:.2f}x the video's duration; "
              f"CPU {report['job_cpu_s']} s)")  # fmt: skip
        print(f"bare x264 of {frames} testsrc2 frames: {bare:.2f} s -> compilation "
              f"{compilation / bare:.2f}x")  # fmt: skip
        print(
            f"CPU: encode step {ctx.cpu['c97'] - ctx.cpu['c78']:.1f} s, bare encode "
            f"{CPU['bare']:.1f} s -> {(ctx.cpu['c97'] - ctx.cpu['c78']) / CPU['bare']:.2f}x"
        )
        print(f"the encode step alone: {steps['encode (one ffmpeg)'] / bare:.2f}x the bare encode")
        print(f"re-encode of the job's own video:  {again:.2f} s -> compilation "
              f"{compilation / again:.2f}x (CPU {CPU['again']:.1f} s, "
              "with its H.264 decode)")  # fmt: skip
        print(f"pan/zoom of {n} frames, filters only: scale+crop {ours:.2f} s, "
              f"zoompan (4x upscale) {zoompan:.2f} s")  # fmt: skip
        for name, met in report["targets"].items():  # type: ignore[attr-defined]
            print(f"target {name}: {'met' if met else 'NOT met'}")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
