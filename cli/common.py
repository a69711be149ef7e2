"""What the rendering verbs (video, slides, lecture) share once their plan is made."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.build import RenderOptions, execute
from pipeline.install import check_out
from pipeline.plan import Plan, check_lesson

__all__ = ["render_and_report"]


def render_and_report(
    plan: Plan,
    config: Path | None,
    seed: int | None,
    out: Path,
    quality: str,
    jobs: int,
    force: bool,
) -> int:
    """Check the lesson and --out, render ``plan`` all or nothing, list what it wrote.

    Returns
    -------
    int
        0 (failures are raised: ``CliError``, ``Interrupted``).
    """
    lesson_env = check_lesson(config, seed)
    opts = RenderOptions(check_out(out), quality, jobs, force)
    start = time.monotonic()
    installed = execute(plan, opts, lesson_env)
    print(f"done in {time.monotonic() - start:.0f} s:")
    for path in installed:
        print(f"  {path}")
    return 0
