"""``render.py import FILE --out LESSON``: a lesson with a PyTorch or Keras model's weights."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import PATH, seed_option
from pipeline.install import check_out_file, write_whole
from pipeline.run import CliError
from rnncore import LessonError, write_lesson
from rnncore.importers import import_lesson

__all__ = ["import_"]


@click.command(
    "import", short_help="a lesson file with the weights of a PyTorch or Keras simple RNN"
)
@click.argument("file", type=PATH, metavar="FILE")
@click.option(
    "--out", type=PATH, required=True, metavar="LESSON",
    help="the lesson file to write (.toml, .json or .npz)",
)  # fmt: skip
@click.option(
    "--data", type=PATH, metavar="LESSON",
    help="take the sequence, targets, task and loss from this lesson (default: placeholders)",
)  # fmt: skip
@click.option(
    "--format", "kind", type=click.Choice(("torch", "keras")),
    help="default: from FILE's suffix (.safetensors torch, .h5 keras)",
)  # fmt: skip
@seed_option("seed of the placeholder sequence without --data (default: 0)", default=0)
def import_(file: Path, out: Path, data: Path | None, kind: str | None, seed: int) -> int:
    """A lesson file with the weights of FILE: an nn.RNN (or nn.LSTM) + nn.Linear state
    dict (.safetensors) or SimpleRNN (or LSTM) + Dense weights (.h5)."""
    out = check_out_file(out)
    try:
        lesson = import_lesson(file, kind, data, seed)
    except LessonError as e:  # WeightsError included
        raise CliError(str(e)) from None
    write_whole(out, lambda path: write_lesson(path, lesson))  # whole, or not at all
    p = lesson.params
    source = f"the sequence of {data}" if data else f"a placeholder sequence (seed {seed})"
    print(f"imported {file}: {p.n_in} inputs, {p.n_hidden} hidden, {p.n_out} outputs; {source}")
    print(f"wrote {out}")
    return 0
