"""Rendering benchmark: each scene's render time against the encode-only floor.

Renders each scene at each quality exactly as ``render.py video`` does (a ``manim``
subprocess with caching off, in a scratch folder) and reads the video's length with
PyAV. Then, in the same run, it renders the *floor*: manim encoding one still frame
for the same length, with the same quality flags and the same start-up (the floor
scene imports the scene's module first, so every import is paid). It prints a table::

    python bench/bench_render.py                               # ForwardPropagation, low + high
    python bench/bench_render.py --scenes Unfolding Mapping --qualities low medium
    python bench/bench_render.py --all                          # every lecture scene

``ratio`` = render s / floor s is the number to watch: how far the scene is from
what encoding alone costs (issue 12 asks at most 3x at 480p15 and 1.5x at 1080p60).
Renders use the shared TeX cache as ``render.py`` does (``scenes.manim_fixes``): a
scene rendered before finds its TeX compiled. ``--cold-tex`` gives each render an
empty TeX cache instead: the first render on a new machine.
``cpu s`` is the CPU time of the render (user + system); on a machine shared with
other jobs it is steadier than the wall-clock time, but benchmark on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import ENCODERS_IN_FLIGHT, render_scene  # noqa: E402  (the CLI's own rendering code)
from pipeline.plan import QUALITIES, TEX_CACHE_ENV, child_env, scene_module  # noqa: E402
from pipeline.run import CliError, Runner  # noqa: E402
from scenes import LECTURE  # noqa: E402
from scenes.outline import DECK_SCENES  # noqa: E402

__all__ = ["bench", "main"]

DEFAULT_SCENES = ("ForwardPropagation",)
DEFAULT_QUALITIES = ("low", "high")


def video_seconds(path: Path) -> tuple[float, int]:
    """Length in seconds and number of frames of a video."""
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        frames = stream.frames or sum(1 for _ in c.decode(stream))
        return float(c.duration / av.time_base), frames


def bench(scene: str, quality: str, cold_tex: bool = False) -> dict[str, float]:
    """Render ``scene`` once at ``quality``; return its timings."""
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        env = child_env({})
        if cold_tex:
            env[TEX_CACHE_ENV] = str(work / "tex")  # empty: every TeX string compiled
        runner = Runner(env, work, echo=False)
        cpu_before = child_cpu()
        start = time.perf_counter()
        mp4 = render_scene(runner, scene, quality, work, progress=False)
        wall = time.perf_counter() - start
        cpu = child_cpu() - cpu_before
        seconds, frames = video_seconds(mp4)
    return {"render_s": wall, "cpu_s": cpu, "video_s": seconds, "frames": frames}


FLOOR = """
import importlib
importlib.import_module({module!r})  # the scene's imports: the same start-up
from manim import Scene, Square


class Floor(Scene):
    def construct(self) -> None:
        self.add(Square())
        self.wait({seconds!r})  # one still frame, encoded for the scene's length
"""


def floor(scene: str, quality: str, seconds: float) -> float:
    """Wall-clock seconds manim takes to encode one still frame for ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        work = Path(tmp)
        source = work / "floor.py"
        source.write_text(FLOOR.format(module=scene_module(scene), seconds=seconds))
        runner = Runner(child_env({}), work, echo=False)
        cmd = [
            sys.executable,
            "-m",
            "manim",
            "render",
            f"-q{QUALITIES[quality]}",
            "--max-inflight-encoders",
            str(ENCODERS_IN_FLIGHT),
            "--media_dir",
            str(work / "media"),
            "--disable_caching",
            "-v",
            "WARNING",
            "--silent",
            "--progress_bar",
            "none",
            str(source),
            "Floor",
        ]  # fmt: skip  (render_scene's command, on the floor scene)
        start = time.perf_counter()
        runner.run(cmd, f"floor of {scene}", "floor")
        return time.perf_counter() - start


def child_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", nargs="+", default=list(DEFAULT_SCENES), metavar="SCENE")
    parser.add_argument("--all", action="store_true", help="every scene of the lecture")
    parser.add_argument(
        "--qualities", nargs="+", default=list(DEFAULT_QUALITIES), choices=list(QUALITIES)
    )
    parser.add_argument(
        "--cold-tex", action="store_true", help="an empty TeX cache for every render"
    )
    args = parser.parse_args(argv)
    if args.all:
        args.scenes = [s.name for s in LECTURE]
    known = [s.name for s in LECTURE] + list(DECK_SCENES)
    unknown = [s for s in args.scenes if s not in known]
    if unknown:
        parser.error(f"unknown scene {unknown[0]!r} (known: {', '.join(known)})")

    tex = "cold (empty for every render)" if args.cold_tex else child_env({})[TEX_CACHE_ENV]
    print(f"rendering benchmark on {os.cpu_count()} CPUs (python {sys.version.split()[0]})")
    print(f"TeX cache: {tex}")
    header = f"{'scene':<22} {'quality':<8} {'video s':>8} {'frames':>7} {'render s':>9}"
    header += f" {'floor s':>8} {'ratio':>6} {'cpu s':>7} {'render s / video s':>19}"
    print(header)
    print("-" * len(header))
    for scene in args.scenes:
        for quality in args.qualities:
            try:
                r = bench(scene, quality, args.cold_tex)
                r["floor_s"] = floor(scene, quality, r["video_s"])
            except CliError as e:
                print(f"{scene:<22} {quality:<8} failed: {e}")
                continue
            print(
                f"{scene:<22} {quality:<8} {r['video_s']:>8.1f} {r['frames']:>7d}"
                f" {r['render_s']:>9.1f} {r['floor_s']:>8.1f}"
                f" {r['render_s'] / r['floor_s']:>6.2f} {r['cpu_s']:>7.1f}"
                f" {r['render_s'] / r['video_s']:>19.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
