"""``render.py batch LESSON... --out DIR``: one lecture per lesson, into DIR/<lesson>/.

On one machine the lectures run in a pool of processes (``--jobs`` split between
them; each is ``batch`` of one lesson, rendered in that process). With ``--scheduler
ADDRESS`` every scene render goes to an existing Dask distributed cluster instead
(``pipeline.cluster``), lesson after lesson, and only captions and decks are made
here. Either way the batch is all or nothing: every lecture is made in a scratch
folder and moved into ``--out`` only when all of them have succeeded.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from cli.options import (
    FORMATS,
    PATH,
    force_option,
    jobs_option,
    out_option,
    quality_option,
    seed_option,
)
from pipeline.build import RenderOptions, execute
from pipeline.install import check_out, install, scratch
from pipeline.plan import (
    DECK_FORMATS,
    LECTURE_DECK,
    LESSON_ENV,
    SEED_ENV,
    Deck,
    Plan,
    check_lesson,
    check_scenes,
    child_env,
    known_scenes,
    lecture_plan,
)
from pipeline.run import SIGNALS, CliError, Runner, run_steps, say

__all__ = ["batch", "batch_plan"]


@click.command("batch", short_help="one lecture per lesson, in a process pool or on a Dask cluster")
@click.argument("lessons", nargs=-1, required=True, type=PATH, metavar="LESSON...")
@quality_option
@seed_option()
@out_option
@force_option
@jobs_option
@click.option(
    "--scene", "scenes", multiple=True, metavar="SCENE",
    help="only these scenes (repeat for several; default: the whole lecture)",
)  # fmt: skip
@click.option(
    "--to", "formats", type=FORMATS, multiple=True, metavar="FORMAT",
    help="the lecture's decks: html, pptx, pdf (default: all three)",
)  # fmt: skip
@click.option(
    "--scheduler", metavar="ADDRESS",
    help="render the scenes on this Dask scheduler (e.g. tcp://host:8786) instead of here",
)  # fmt: skip
def batch(
    lessons: tuple[Path, ...],
    quality: str,
    seed: int | None,
    out: Path,
    force: bool,
    jobs: int,
    scenes: tuple[str, ...],
    formats: tuple[list[str], ...],
    scheduler: str | None,
) -> int:
    """One lecture per LESSON file, into --out/<the lesson file's stem>/ (videos, decks).

    Without --scheduler, the lectures share --jobs processes on this machine; with it,
    the scenes are rendered on the Dask cluster and the decks here.
    """
    lessons = tuple(dict.fromkeys(lessons))
    stems = [p.stem for p in lessons]
    twice = next((s for s in stems if stems.count(s) > 1), None)
    if twice is not None:
        raise CliError(f"two lessons would both go to --out/{twice}: rename one")
    chosen = list(dict.fromkeys(f for group in formats for f in group)) or list(DECK_FORMATS)
    plan = batch_plan(scenes, chosen)
    envs = {p.stem: check_lesson(p, seed) for p in lessons}
    folder = check_out(out)
    client = None
    if scheduler is not None:
        from pipeline.cluster import connect

        client = connect(scheduler)
    start = time.monotonic()
    runner = Runner(child_env({}), folder, echo=False)  # the pool's processes
    runner.GRACE = 3 * Runner.GRACE  # each lecture stops its own subprocesses first
    try:
        with scratch(folder, ".batch-", on_failure=runner.stop) as work:
            runner.cwd = work
            staged = work / "staged"
            if client is None and len(envs) > 1:
                pool(runner, envs, staged, quality, jobs, force, scenes, chosen)
            else:
                here(envs, staged, plan, quality, jobs, force, client)
            trash = work / "trash"
            trash.mkdir()
            with SIGNALS.deferred():  # every lecture, or none
                installed = install(staged, folder, trash)
                SIGNALS.disarm()
    finally:
        if client is not None:
            client.close()
    print(f"done in {time.monotonic() - start:.0f} s: {len(envs)} lectures")
    for path in installed:
        print(f"  {path}")
    return 0


def batch_plan(scenes: Sequence[str], formats: Sequence[str]) -> Plan:
    """The lecture (or only ``scenes``: any scene, in the order given) with ``formats``."""
    if not scenes:
        full = lecture_plan()
        return Plan(full.scenes, full.videos, (Deck(LECTURE_DECK, full.scenes, tuple(formats)),))
    names = tuple(check_scenes(scenes, known_scenes()))
    return Plan(names, names, (Deck(LECTURE_DECK, names, tuple(formats)),))


def here(
    envs: dict[str, dict[str, str]],
    staged: Path,
    plan: Plan,
    quality: str,
    jobs: int,
    force: bool,
    client: Any | None,
) -> None:
    """Each lesson's lecture in this process, one after the other (scenes on ``client``)."""
    from pipeline.cluster import DaskScenes

    for i, (stem, env) in enumerate(envs.items(), start=1):
        say(f"[{i}/{len(envs)}] {stem} ...")
        renderer = None if client is None else DaskScenes(client, env)
        opts = RenderOptions(staged / stem, quality, jobs, force, renderer, last=False)
        execute(plan, opts, env)


def pool(
    runner: Runner,
    envs: dict[str, dict[str, str]],
    staged: Path,
    quality: str,
    jobs: int,
    force: bool,
    scenes: Sequence[str],
    formats: Sequence[str],
) -> None:
    """Each lesson's lecture in a process of its own (``runner``'s), ``jobs`` processes'
    worth at a time."""
    size = min(jobs, len(envs))
    options = ["-q", quality, "--jobs", str(max(1, jobs // size))]
    options += [f"--scene={s}" for s in scenes] + [f"--to={f}" for f in formats]
    options += ["--force"] if force else []
    steps = [
        (f"[{i}/{len(envs)}] {stem}", lecture_step(runner, env, staged, options))
        for i, (stem, env) in enumerate(envs.items(), start=1)
    ]
    staged.mkdir()
    run_steps(runner, steps, size, echo=False)  # (stops every process on a failure)


def lecture_step(
    runner: Runner, env: dict[str, str], staged: Path, options: list[str]
) -> Callable[[], None]:
    """The step that renders one lesson's lecture in a subprocess (``python -m cli batch``)."""

    def step() -> None:
        lesson = Path(env[LESSON_ENV])
        seed = [f"--seed={env[SEED_ENV]}"] if SEED_ENV in env else []
        cmd = [sys.executable, "-m", "cli", "batch", str(lesson), "--out", str(staged), *seed]
        runner.run([*cmd, *options], f"the lecture of {lesson.stem}", f"batch-{lesson.stem}")

    return step
