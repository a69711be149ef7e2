"""``render.py train LESSON --out FILE``: train the lesson's network, write the result."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli.options import LEARNING_RATE, PATH, POSITIVE, seed_option
from pipeline.install import check_out_file, write_whole
from pipeline.run import CliError
from rnncore import LessonError, TrainSpec, load_lesson, train_lesson, write_lesson

__all__ = ["train"]


@click.command(
    "train",
    short_help="train the lesson's network; write a lesson file with the trained weights",
)
@click.argument("lesson_file", type=PATH, metavar="LESSON")
@click.option(
    "--out", type=PATH, required=True, metavar="FILE",
    help="the lesson file to write (.toml, .json or .npz); may be LESSON itself",
)  # fmt: skip
@click.option("--epochs", type=POSITIVE, metavar="N", help="default: [train] epochs")
@click.option("--lr", type=LEARNING_RATE, metavar="X", help="default: [train] lr")
@seed_option("seed of the order of the sequences in each epoch (default: [train] seed)")
def train(
    lesson_file: Path, out: Path, epochs: int | None, lr: float | None, seed: int | None
) -> int:
    """Train the network of LESSON (a lesson file: .toml, .json, .npz) and write a lesson
    file with the trained weights; on a terminal, one progress line per epoch."""
    out = check_out_file(out)
    try:
        lesson = load_lesson(lesson_file)
        data = lesson.training_set()
    except LessonError as e:
        raise CliError(str(e)) from None
    spec = lesson.train
    shown = epochs or (spec.epochs if spec else None)
    label = f"training {lesson.name!r} on {len(data)} sequence{'s' if len(data) > 1 else ''}"
    if sys.stderr.isatty():
        print(f"{label} ({shown or 'default'} epochs) ...", file=sys.stderr, flush=True)
    total = epochs or (spec or TrainSpec()).epochs
    start = time.monotonic()

    def progress(epoch: int, loss: float, accuracy: float | None) -> None:
        """On a terminal: one line, redrawn after every epoch."""
        line = f"\rtraining: epoch {epoch}/{total}, loss {loss:.4f}"
        line += "" if accuracy is None else f", accuracy {100 * accuracy:.1f}%"
        sys.stderr.write(f"{line} ({time.monotonic() - start:.0f} s)")
        sys.stderr.flush()

    terminal = sys.stderr.isatty()
    try:
        run = train_lesson(
            lesson, epochs=epochs, lr=lr, seed=seed, on_epoch=progress if terminal else None
        )
    except ValueError as e:  # an override out of range: "epochs: expected ..."
        raise CliError(f"--{e}") from None
    finally:
        if terminal:
            sys.stderr.write("\n")
    write_whole(out, lambda path: write_lesson(path, run.lesson))  # whole, or not at all
    rec, res = run.lesson.trained, run.result
    assert rec is not None
    line = (
        f"{label}: {rec.epochs} epochs, lr {rec.lr:g}: loss {res.loss[0]:.4f} -> {res.loss[-1]:.4f}"
    )
    if res.accuracy is not None:
        line += f", accuracy {100 * res.accuracy[0]:.1f}% -> {100 * res.accuracy[-1]:.1f}%"
    print(line)
    print(f"wrote {out}")
    return 0
