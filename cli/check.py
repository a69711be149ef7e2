"""``render.py check FILE``: validate a lesson file and summarise it."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import PATH, seed_option
from pipeline.run import CliError
from rnncore import LessonError, load_lesson

__all__ = ["check"]


@click.command("check", short_help="validate a lesson file and summarise it")
@click.argument("file", type=PATH, metavar="FILE")
@seed_option()
def check(file: Path, seed: int | None) -> int:
    """Validate the lesson FILE (.toml, .json, .npz, or a weights file) and summarise it."""
    try:
        lesson = load_lesson(file, seed=seed)
        print(lesson.describe())
    except LessonError as e:
        raise CliError(str(e)) from None
    return 0
