"""``render.py preview [SCENE...]``: each slide's final frame as PNG, from a dry run."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cli.options import preview_options
from pipeline.build import preview as final_frames
from pipeline.install import check_out
from pipeline.plan import check_lesson, check_scenes, lecture_scenes

__all__ = ["preview"]


@click.command(
    "preview", short_help="each slide's final frame as PNG, from a dry run (seconds; no video)"
)
@preview_options
def preview(
    scenes: tuple[str, ...], quality: str, config: Path | None, seed: int | None, out: Path
) -> int:
    """Each slide's final frame as PNG, from a dry run: preview/<Scene>/slide-NN.png.

    A scene's folder is replaced whole, and only once every scene has been drawn.
    """
    names = check_scenes(scenes, lecture_scenes())
    check_lesson(config, seed)
    folder = check_out(out)
    start = time.monotonic()
    done = final_frames(names, folder, config, quality, seed)
    print(f"done in {time.monotonic() - start:.0f} s: {done}")
    return 0
