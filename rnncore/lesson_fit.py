"""Training a lesson's network: its training set, the run, and what ``describe`` says.

``training_set(lesson)`` builds the ``Dataset`` its ``[train]`` table names (the
lesson's own sequence without one); ``train_lesson`` runs ``rnncore.train`` with the
table's settings (the caller may override epochs, lr and seed) and returns the trained
lesson with its ``[trained]`` record; ``describe_training`` gives ``describe()``'s lines
on the training set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rnncore.datasets import (
    Dataset,
    evaluate,
    first_symbol_dataset,
    lesson_dataset,
    parity_dataset,
    sentiment_dataset,
)
from rnncore.lesson import Lesson
from rnncore.lesson_train import MAX_EPOCHS, MAX_PASSES, MAX_SEED, TrainedRecord, TrainSpec
from rnncore.train import TrainResult, train

__all__ = ["LessonTraining", "describe_training", "train_lesson", "training_set"]


def training_set(lesson: Lesson) -> Dataset:
    """The lesson's training set (its own sequence without a ``[train]`` table)."""
    spec = lesson.train
    if spec is None or (spec.generator is None and not spec.sequences):
        return lesson_dataset(lesson)
    if spec.generator == "parity":
        data = parity_dataset(spec.n, T=spec.T, seed=spec.data_seed)
    elif spec.generator == "first_symbol":
        data = first_symbol_dataset(
            spec.n, spec.d, spec.n_symbols, distractors=spec.distractors, seed=spec.data_seed
        )
    elif spec.generator == "sentiment":
        data = sentiment_dataset(spec.n, T=spec.T, seed=spec.data_seed)
    else:
        data = Dataset(
            xs=tuple(x for x, _ in spec.sequences),
            targets=tuple(y for _, y in spec.sequences),
            loss=lesson.loss,
            task=lesson.task,
            name=f"{lesson.name}: training set",
            input_labels=lesson.input_labels,
            output_labels=lesson.output_labels,
        )
    return replace(data, h0=lesson.h0)


@dataclass(frozen=True)
class LessonTraining:
    """A trained lesson: the new lesson (weights and ``[trained]``), the run, its data."""

    lesson: Lesson
    result: TrainResult
    data: Dataset


def train_lesson(
    lesson: Lesson,
    *,
    epochs: int | None = None,
    lr: float | None = None,
    seed: int | None = None,
    snapshot_epochs: tuple[int, ...] = (),
    on_epoch: Callable[[int, float, float | None], None] | None = None,
) -> LessonTraining:
    """Train the lesson's network on its training set with its ``[train]`` settings.

    ``epochs``, ``lr`` and ``seed`` override the table's (``ValueError`` of one line,
    naming the argument, when out of range); ``snapshot_epochs`` and ``on_epoch``
    (progress after each epoch) as in ``train``.
    """
    spec = lesson.train or TrainSpec()
    data = training_set(lesson)
    E = spec.epochs if epochs is None else epochs
    if isinstance(E, bool) or not isinstance(E, int) or not 1 <= E <= MAX_EPOCHS:
        raise ValueError(f"epochs: expected an integer in 1..{MAX_EPOCHS}, found {E!r}")
    if len(data) * E > MAX_PASSES:
        raise ValueError(
            f"epochs: expected at most {MAX_PASSES} sequence passes (sequences x epochs), "
            f"found {len(data)} x {E}"
        )
    rate = lr if lr is not None else spec.lr if spec.lr is not None else lesson.learning_rate
    s = spec.seed if seed is None else seed
    if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
        raise ValueError(f"seed: expected an integer in 0..{MAX_SEED}, found {s!r}")
    result = train(
        lesson.params, data, epochs=E, lr=rate, momentum=spec.momentum, clip=spec.clip,
        truncate=spec.truncate, seed=s, snapshot_epochs=snapshot_epochs, on_epoch=on_epoch,
    )  # fmt: skip
    acc = None if result.accuracy is None else float(result.accuracy[-1])
    record = TrainedRecord(
        epochs=E, lr=float(rate), final_loss=float(result.loss[-1]), momentum=spec.momentum,
        clip=spec.clip, truncate=spec.truncate, seed=s, sequences=len(data), final_accuracy=acc,
    )  # fmt: skip
    trained = replace(lesson, params=result.params, trained=record, _cache={})
    return LessonTraining(trained, result, data)


def describe_training(lesson: Lesson) -> list[str]:
    """``describe()``'s lines on the training set (loss and accuracy of the weights on it)."""
    data = training_set(lesson)
    spec = lesson.train
    if spec is not None and spec.generator is not None:
        what = f"{spec.generator} generator"
    elif spec is not None and spec.sequences:
        what = "given sequences"
    else:
        what = "the lesson's sequence"
    lengths = sorted({int(t) for t in data.lengths})
    steps = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]}..{lengths[-1]}"
    ev = evaluate(lesson.params, data)
    acc = "no accuracy (mse)"
    if ev.accuracy is not None:
        acc = f"accuracy {100 * ev.accuracy:.1f}% ({ev.correct}/{ev.scored} steps)"
    n = len(data)
    lines = [
        f"  training set: {n} sequence{'s' if n > 1 else ''} of {steps} steps ({what}), "
        f"loss {ev.loss:.4f}, {acc}"
    ]
    rec = lesson.trained
    if rec is not None:
        how = "full BPTT" if rec.truncate is None else f"truncate {rec.truncate}"
        clip = "no clip" if rec.clip is None else f"clip {rec.clip:g}"
        final = f"final loss {rec.final_loss:.4f}"
        if rec.final_accuracy is not None:
            final += f", accuracy {100 * rec.final_accuracy:.1f}%"
        lines.append(
            f"  trained: {rec.epochs} epochs, lr {rec.lr:g}, momentum {rec.momentum:g}, "
            f"{clip}, {how}, seed {rec.seed}; {final}"
        )
    return lines
