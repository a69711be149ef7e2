"""The large lesson sweep: N lessons x every scene, each built in a dry run.

The lessons are the named corners of the space (``tests/_lessons.EDGE_LESSONS``)
and then lessons drawn by hypothesis from everything ``render.py check`` accepts
(a fixed seed: the same lessons on every run). Each lesson builds in its own
process (``--jobs`` at a time, its own media folder); the result is one line per
lesson and a total, and the exit status is 1 when any build failed::

    .venv/bin/python bench/sweep_lessons.py --drawn 30 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from _lessons import EDGE_LESSONS, lesson_tables  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

DRAW_FACTOR = 20  # lessons drawn per lesson kept

CHILD = """
import json, sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from test_lesson_space import _build_all
print(json.dumps(_build_all(json.loads(Path({lesson!r}).read_text()), Path({tmp!r}),
                            Path({media!r}), {scenes!r})))
"""


def drawn_lessons(n: int, draw_seed: int) -> list[dict[str, Any]]:
    """``n`` lessons drawn by hypothesis, the same ones for the same seed, each of a
    different shape (task, loss, sizes, T) while there are shapes left.

    Hypothesis draws many lessons near the ones before (mutations): of 30 in a row, 7
    may share a shape. It draws ``DRAW_FACTOR`` times more than needed (cheap: no scene
    is built), keeps the first lesson of each shape and takes ``n`` of those evenly
    spread over the order drawn (hypothesis starts small and grows).
    """
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=n * DRAW_FACTOR,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(lesson_tables())
    def collect(raw: dict[str, Any]) -> None:
        found.append(raw)

    seed(draw_seed)(collect)()
    shapes: dict[str, dict[str, Any]] = {}
    for raw in found:
        shapes.setdefault(describe(raw), raw)
    distinct = list(shapes.values())
    if len(distinct) <= n:
        return (distinct + [raw for raw in found if all(raw is not d for d in distinct)])[:n]
    return [distinct[i * len(distinct) // n] for i in range(n)]  # spread over the draws


def build(
    name: str, raw: dict[str, Any], work: Path, scenes: tuple[str, ...]
) -> tuple[str, dict[str, str], float]:
    """Build every scene for one lesson in a child process; (name, failures, seconds)."""
    folder = work / name
    folder.mkdir()
    lesson = folder / "lesson.json"
    lesson.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    code = CHILD.format(
        root=str(ROOT), tests=str(ROOT / "tests"), lesson=str(lesson), tmp=str(folder),
        media=str(folder / "media"), scenes=scenes,
    )  # fmt: skip
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        return name, {"(process)": (proc.stderr.strip().splitlines() or ["?"])[-1]}, seconds
    return name, json.loads(proc.stdout.strip().splitlines()[-1]), seconds


def describe(raw: dict[str, Any]) -> str:
    n = raw["network"]
    T = len(raw["data"]["xs"])
    return f"{raw['task']:<12} {raw['loss']:<13} {n['n_in']}-{n['n_hidden']}-{n['n_out']} T={T}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawn", type=int, default=30, help="drawn lessons (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="lessons at a time (default 2)")
    parser.add_argument("--scenes", nargs="*", metavar="SCENE", help="only these (default: all)")
    args = parser.parse_args()
    lessons = dict(EDGE_LESSONS)
    for i, raw in enumerate(drawn_lessons(args.drawn, args.seed)):
        lessons[f"drawn-{i:02d}"] = raw
    from test_lesson_space import ALL_SCENES

    scenes = tuple(args.scenes or ALL_SCENES)
    start = time.monotonic()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        jobs = [pool.submit(build, name, raw, Path(tmp), scenes) for name, raw in lessons.items()]
        for job in jobs:
            name, failures, seconds = job.result()
            failed += len(failures)
            status = "ok" if not failures else f"FAILED {failures}"
            print(f"{name:<18} {describe(lessons[name])}  {seconds:5.0f} s  {status}", flush=True)
    builds = len(lessons) * len(scenes)
    minutes = (time.monotonic() - start) / 60
    print(
        f"{len(lessons)} lessons x {len(scenes)} scenes = {builds} builds: "
        f"{builds - failed} passed, {failed} failed ({minutes:.1f} min, {args.jobs} jobs)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
