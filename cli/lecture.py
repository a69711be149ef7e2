"""``render.py lecture [SCENE...]``: every scene's video, and one deck per format with
the title and section slides."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import render_and_report
from cli.options import render_options
from pipeline.plan import check_scenes, lecture_plan, lecture_scenes

__all__ = ["lecture"]


@click.command(
    "lecture",
    short_help="every scene: videos plus one html, pptx and pdf deck with title and section slides",
)
@render_options
def lecture(
    scenes: tuple[str, ...],
    quality: str,
    config: Path | None,
    seed: int | None,
    out: Path,
    force: bool,
    jobs: int,
) -> int:
    """Every scene: videos/<Scene>.mp4, and lecture.html (+ lecture_assets/), .pptx, .pdf
    with a title slide and a section slide before each article."""
    chosen = check_scenes(scenes, lecture_scenes()) if scenes else None
    return render_and_report(lecture_plan(chosen), config, seed, out, quality, jobs, force)
