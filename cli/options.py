"""The options the verbs share, as decorators (as manim-slides does), and their types.

Every type explains a bad value in one line ("expected a number >= 1, found 0"), which
``cli.main`` prints as ``render.py: error: ...`` with exit status 2, before anything
is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.plan import DECK_FORMATS, QUALITIES

__all__ = [
    "DEFAULT_OUT",
    "FORMATS",
    "LEARNING_RATE",
    "PATH",
    "POSITIVE",
    "SEED",
    "config_option",
    "jobs_option",
    "preview_options",
    "quality_option",
    "render_options",
    "scenes_argument",
    "seed_option",
]

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_OUT = Path("out")
PATH = click.Path(path_type=Path)  # checked by the verb (a lesson loads, --out is writable)


class WholeNumber(click.ParamType):
    """A whole number of at least ``least``; ``what`` names it in the error."""

    def __init__(self, name: str, least: int, what: str) -> None:
        self.name, self.least, self.what = name, least, what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(value)
            except ValueError:
                self.fail(f"expected a whole number, found {value!r}", param, ctx)
        if number < self.least:
            self.fail(f"expected {self.what} >= {self.least}, found {number}", param, ctx)
        return number


class LearningRate(click.ParamType):
    """A finite number > 0."""

    name = "X"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except ValueError:
            self.fail(f"expected a number, found {value!r}", param, ctx)
        if not 0 < number < float("inf"):
            self.fail(f"expected a finite number > 0, found {value!r}", param, ctx)
        return number


class Formats(click.ParamType):
    """html, pptx or pdf, or several of them comma-separated: a list."""

    name = "FORMAT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[str]:
        if isinstance(value, list):
            return value
        found = [f.strip().lower() for f in str(value).split(",") if f.strip()]
        if not found or any(f not in DECK_FORMATS for f in found):
            self.fail(
                f"expected {', '.join(DECK_FORMATS)} (or several, comma-separated),"
                f" found {value!r}",
                param,
                ctx,
            )
        return found


POSITIVE = WholeNumber("N", 1, "a number")
SEED = WholeNumber("N", 0, "a seed")
LEARNING_RATE = LearningRate()
FORMATS = Formats()


def scenes_argument(function: F) -> F:
    """``[SCENE]...``: any number of scene names (checked by the verb; none: all)."""
    return click.argument("scenes", nargs=-1, metavar="[SCENE]...")(function)


def quality_option(function: F) -> F:
    """``-q/--quality``: low 480p15 (default), medium, high, 4k."""
    return click.option(
        "-q", "--quality", type=click.Choice(tuple(QUALITIES)), default="low",
        help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60 (default: low)",
    )(function)  # fmt: skip


def config_option(help: str = "lesson file (.toml, .json, .npz, or weights)") -> Callable[[F], F]:
    """``--config FILE``: the lesson (checked by the verb: it must load)."""

    def decorate(function: F) -> F:
        return click.option("--config", type=PATH, metavar="FILE", help=help)(function)

    return decorate


def seed_option(
    help: str = "seed for weights the lesson does not give", default: int | None = None
) -> Callable[[F], F]:
    """``--seed N``: a whole number >= 0."""

    def decorate(function: F) -> F:
        return click.option("--seed", type=SEED, default=default, metavar="N", help=help)(function)

    return decorate


def out_option(function: F) -> F:
    """``--out DIR``: the output folder (default out/)."""
    return click.option(
        "--out", type=PATH, default=DEFAULT_OUT, metavar="DIR",
        help="output folder (default: out)",
    )(function)  # fmt: skip


def jobs_option(function: F) -> F:
    """``--jobs/-j N``: steps in parallel (default: the number of CPU cores)."""
    return click.option(
        "--jobs", "-j", type=POSITIVE, default=os.cpu_count() or 1, metavar="N",
        help="render N scenes in parallel (default: the number of CPU cores)",
    )(function)  # fmt: skip


def force_option(function: F) -> F:
    """``--force``: render even what the cache holds."""
    return click.option(
        "--force", is_flag=True,
        help="render every scene and deck again, even those the cache holds",
    )(function)  # fmt: skip


def preview_options(function: F) -> F:
    """SCENE..., -q, --config, --seed, --out: what every drawing verb takes."""
    for decorate in reversed(
        (scenes_argument, quality_option, config_option(), seed_option(), out_option)
    ):
        function = decorate(function)
    return function


def render_options(function: F) -> F:
    """The drawing options, plus --force and --jobs: what video, slides and lecture take."""
    return preview_options(force_option(jobs_option(function)))
