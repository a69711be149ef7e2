"""``render.py slides [SCENE...] --to html|pptx|pdf``: one slide deck per scene."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import render_and_report
from cli.options import FORMATS, render_options
from pipeline.plan import check_scenes, known_scenes, lecture_scenes, slides_plan

__all__ = ["slides"]


@click.command("slides", short_help="render scenes as slide decks")
@render_options
@click.option(
    "--to", "formats", type=FORMATS, multiple=True, required=True, metavar="FORMAT",
    help="html, pptx or pdf (repeat or comma-separate for several)",
)  # fmt: skip
def slides(
    scenes: tuple[str, ...],
    quality: str,
    config: Path | None,
    seed: int | None,
    out: Path,
    force: bool,
    jobs: int,
    formats: tuple[list[str], ...],
) -> int:
    """Render scenes as slide decks: slides/<Scene>.html (+ _assets/), .pptx, .pdf."""
    names = check_scenes(scenes, known_scenes()) if scenes else lecture_scenes()
    chosen = list(dict.fromkeys(f for group in formats for f in group))
    plan = slides_plan(names, chosen)
    return render_and_report(plan, config, seed, out, quality, jobs, force)
