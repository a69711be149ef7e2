"""Training sets for the simple RNN: small, seeded, pure generators.

A ``Dataset`` is N sequences (each of its own length T_i) with their targets, the
loss, the task type and which steps carry a loss. Three generators:

* ``parity_dataset``: the default lesson's task. Symbols a, b, c one-hot
  (a = [1, 0, 0], b = [0, 1, 0], c = [0, 0, 1]); the target at step t is the parity
  of the number of a's in x(1..t): 0 = even, 1 = odd (many-to-many).
* ``first_symbol_dataset``: remember the first symbol. Step 1 carries one of
  ``n_symbols`` cues, steps 2..d carry a blank (or a random distractor symbol), and
  the only loss is at step d with target = the cue (many-to-one). The error of that
  loss must travel d - 1 steps back to reach the cue: d is the distance.
* ``sentiment_dataset``: a toy review, many-to-one. Words from a tiny vocabulary
  (positive +1, negative -1, neutral 0, and "not", which flips the sign of the next
  word); the label is the sign of the summed score: 1 = positive, 0 = negative
  (sequences whose score sums to 0 are drawn again).

``lesson_dataset`` turns a ``Lesson`` into a one-sequence dataset; ``evaluate`` scores
parameters on a dataset (mean of L = sum_t L(t) per sequence, accuracy over scored steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.lesson import Lesson
from rnncore.params import RNNParams, as_float_array
from rnncore.rnn import forward

__all__ = [
    "NEGATION",
    "SENTIMENT_WORDS",
    "Dataset",
    "Evaluation",
    "check_dataset",
    "evaluate",
    "first_symbol_dataset",
    "lesson_dataset",
    "parity_dataset",
    "sentiment_dataset",
    "sentiment_score",
    "task_mask",
]

_TASKS = ("many_to_many", "many_to_one", "one_to_many")
_LOSSES = ("cross_entropy", "mse")
# The toy sentiment vocabulary: word -> score; NEGATION flips the next word's score.
SENTIMENT_WORDS: dict[str, int] = {
    "good": +1,
    "great": +1,
    "bad": -1,
    "dull": -1,
    "the": 0,
    "movie": 0,
    "was": 0,
    "not": 0,
}
NEGATION = "not"


def task_mask(task: str, T: int) -> np.ndarray:
    """(T,) bool: the steps with a loss: the last only for many-to-one, else all."""
    if task not in _TASKS:
        raise ValueError(f"task: expected one of {_TASKS}, found {task!r}")
    mask = np.ones(T, dtype=bool)
    if task == "many_to_one":
        mask[:-1] = False
    return mask


@dataclass(frozen=True)
class Dataset:
    """N sequences with targets; validated (and frozen to float64/int64) on construction.

    ``loss_masks=None`` takes the task's masks (``task_mask``). ``h0`` (H,) is the
    initial state of every sequence (None: zeros). ``steps`` optionally names the
    symbol of every step of every sequence (for display).
    """

    xs: tuple[np.ndarray, ...]  # N arrays (T_i, I)
    targets: tuple[np.ndarray, ...]  # N arrays (T_i,) int classes, or (T_i, O) for mse
    loss: str = "cross_entropy"
    task: str = "many_to_many"
    loss_masks: tuple[np.ndarray, ...] | None = None  # N arrays (T_i,) bool
    h0: np.ndarray | None = None  # (H,)
    name: str = "dataset"
    input_labels: tuple[str, ...] = ()
    output_labels: tuple[str, ...] = ()
    steps: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.loss not in _LOSSES:
            raise ValueError(f"loss: expected one of {_LOSSES}, found {self.loss!r}")
        if len(self.xs) < 1 or len(self.xs) != len(self.targets):
            raise ValueError(
                f"xs, targets: expected the same number (>= 1) of sequences, "
                f"found {len(self.xs)} and {len(self.targets)}"
            )
        xs = tuple(as_float_array(x, f"xs[{i}]") for i, x in enumerate(self.xs))
        n_in = xs[0].shape[-1] if xs[0].ndim == 2 and xs[0].shape[-1] > 0 else "I>=1"
        for i, x in enumerate(xs):
            if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] != n_in:
                raise ValueError(f"xs[{i}]: expected shape (T>=1, {n_in}), found {x.shape}")
        targets = tuple(
            self._target(i, y, x.shape[0])
            for i, (x, y) in enumerate(zip(xs, self.targets, strict=True))
        )
        masks = self.loss_masks
        if masks is None:
            masks = tuple(task_mask(self.task, x.shape[0]) for x in xs)
        task_mask(self.task, 1)  # validates the task name
        if len(masks) != len(xs):
            raise ValueError(f"loss_masks: expected {len(xs)} masks, found {len(masks)}")
        for i, (m, x) in enumerate(zip(masks, xs, strict=True)):
            m = np.asarray(m)
            if m.dtype != bool or m.shape != (x.shape[0],):
                raise ValueError(
                    f"loss_masks[{i}]: expected {x.shape[0]} booleans, found {m.dtype} {m.shape}"
                )
        h0 = None if self.h0 is None else as_float_array(self.h0, "h0")
        if h0 is not None and h0.ndim != 1:
            raise ValueError(f"h0: expected shape (H,), found {h0.shape}")
        object.__setattr__(self, "xs", xs)
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "loss_masks", tuple(_frozen(np.asarray(m)) for m in masks))
        object.__setattr__(self, "h0", h0)

    def _target(self, i: int, y: object, T: int) -> np.ndarray:
        if self.loss == "mse":
            arr = as_float_array(y, f"targets[{i}]")
            if arr.ndim != 2 or arr.shape[0] != T:
                raise ValueError(
                    f"targets[{i}]: expected shape ({T}, O) for mse, found {arr.shape}"
                )
            return arr
        arr = np.asarray(y)
        if arr.shape != (T,) or not np.issubdtype(arr.dtype, np.integer) or np.any(arr < 0):
            raise ValueError(
                f"targets[{i}]: expected {T} class indices >= 0, found {arr.dtype} {arr.shape}"
            )
        return _frozen(arr.astype(np.int64))

    def __len__(self) -> int:
        return len(self.xs)

    @property
    def n_in(self) -> int:
        return self.xs[0].shape[1]

    @property
    def lengths(self) -> np.ndarray:
        """(N,) the length T_i of every sequence."""
        return np.array([x.shape[0] for x in self.xs])


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr = arr.copy()
    arr.setflags(write=False)
    return arr


def _count(name: str, value: object, lo: int = 1) -> int:
    """``value`` as an int >= lo, or ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name}: expected an integer >= {lo}, found {value!r}")
    return int(value)


def _lengths(rng: np.random.Generator, n: int, T: int | tuple[int, int]) -> np.ndarray:
    """(n,) sequence lengths: all T, or uniform in lo..hi for ``T = (lo, hi)``."""
    if isinstance(T, tuple):
        lo, hi = _count("T[0]", T[0]), _count("T[1]", T[1])
        if hi < lo:
            raise ValueError(f"T: expected (lo, hi) with lo <= hi, found {T!r}")
        return rng.integers(lo, hi + 1, n)
    return np.full(n, _count("T", T))


def parity_dataset(n: int = 64, T: int | tuple[int, int] = 5, seed: int = 0) -> Dataset:
    """The default lesson's task: after each of a, b, c, is the count of a's odd?

    Symbols are drawn uniformly; ``T`` is a length or a (lo, hi) range of lengths.
    Target 1 = odd, 0 = even, exactly as in ``lessons/default.toml``.
    """
    n = _count("n", n)
    rng = np.random.default_rng(_count("seed", seed, 0))
    xs, targets, steps = [], [], []
    for length in _lengths(rng, n, T):
        symbols = rng.integers(0, 3, length)  # (T,) 0 = a, 1 = b, 2 = c
        xs.append(np.eye(3)[symbols])  # (T, 3) one-hot
        targets.append(np.cumsum(symbols == 0) % 2)  # (T,) parity of the a's so far
        steps.append(tuple("abc"[s] for s in symbols))
    return Dataset(
        xs=tuple(xs),
        targets=tuple(targets),
        loss="cross_entropy",
        task="many_to_many",
        name="parity of a's",
        input_labels=("a", "b", "c"),
        output_labels=("even", "odd"),
        steps=tuple(steps),
    )


def first_symbol_dataset(
    n: int = 64, d: int = 5, n_symbols: int = 2, distractors: bool = False, seed: int = 0
) -> Dataset:
    """Remember the first symbol for d steps (many-to-one, T = d).

    Inputs have ``n_symbols + 1`` units: the symbols s0, s1, ... and a blank "_".
    Step 1 is the cue (a symbol), steps 2..d are blanks, or random symbols when
    ``distractors`` (noise the network must ignore); the target is the cue's index.
    """
    n, d = _count("n", n), _count("d", d)
    n_symbols = _count("n_symbols", n_symbols, 2)
    rng = np.random.default_rng(_count("seed", seed, 0))
    names = (*(f"s{i}" for i in range(n_symbols)), "_")
    xs, targets, steps = [], [], []
    for _ in range(n):
        cue = int(rng.integers(0, n_symbols))
        fill = rng.integers(0, n_symbols, d - 1) if distractors else np.full(d - 1, n_symbols)
        symbols = np.concatenate([[cue], fill])  # (d,) the cue, then d-1 fillers
        xs.append(np.eye(n_symbols + 1)[symbols])  # (d, n_symbols + 1)
        target = np.zeros(d, dtype=np.int64)  # (d,) only the last step is scored
        target[-1] = cue
        targets.append(target)
        steps.append(tuple(names[s] for s in symbols))
    return Dataset(
        xs=tuple(xs),
        targets=tuple(targets),
        loss="cross_entropy",
        task="many_to_one",
        name=f"remember the first symbol (d = {d})",
        input_labels=names,
        output_labels=names[:-1],
        steps=tuple(steps),
    )


def sentiment_score(words: Sequence[str]) -> int:
    """Sum of the word scores, "not" flipping the sign of the word right after it."""
    total = 0
    for t, w in enumerate(words):
        flip = t > 0 and words[t - 1] == NEGATION
        total += -SENTIMENT_WORDS[w] if flip else SENTIMENT_WORDS[w]
    return total


def sentiment_dataset(n: int = 64, T: int | tuple[int, int] = (3, 7), seed: int = 0) -> Dataset:
    """Toy reviews: words one-hot over ``SENTIMENT_WORDS``, label = sign of the score.

    1 = positive, 0 = negative; the loss is at the last word (many-to-one). A review
    whose score is 0 is drawn again, so every label is defined.
    """
    n = _count("n", n)
    rng = np.random.default_rng(_count("seed", seed, 0))
    vocab = tuple(SENTIMENT_WORDS)
    xs, targets, steps = [], [], []
    for length in _lengths(rng, n, T):
        while True:
            idx = rng.integers(0, len(vocab), length)  # (T,)
            words = tuple(vocab[i] for i in idx)
            score = sentiment_score(words)
            if score != 0:
                break
        xs.append(np.eye(len(vocab))[idx])  # (T, |vocab|)
        target = np.zeros(length, dtype=np.int64)
        target[-1] = int(score > 0)
        targets.append(target)
        steps.append(words)
    return Dataset(
        xs=tuple(xs),
        targets=tuple(targets),
        loss="cross_entropy",
        task="many_to_one",
        name="toy sentiment",
        input_labels=vocab,
        output_labels=("negative", "positive"),
        steps=tuple(steps),
    )


def lesson_dataset(lesson: Lesson) -> Dataset:
    """The lesson's own sequence as a one-sequence dataset (its loss, task, mask, h0)."""
    return Dataset(
        xs=(lesson.xs,),
        targets=(lesson.targets,),
        loss=lesson.loss,
        task=lesson.task,
        loss_masks=(lesson.loss_mask,),
        h0=lesson.h0,
        name=lesson.name,
        input_labels=lesson.input_labels,
        output_labels=lesson.output_labels,
        steps=(lesson.step_labels,) if lesson.step_labels else (),
    )


@dataclass(frozen=True)
class Evaluation:
    """Loss and accuracy of parameters on a dataset (each sequence run from h0)."""

    loss: float  # mean over sequences of L = sum_t mask(t) L(t)
    losses: np.ndarray  # (N,) L of every sequence
    accuracy: float | None  # correct / scored; None for mse
    correct: int  # scored steps whose argmax y_hat(t) is the target
    scored: int  # steps that carry a loss


def check_dataset(params: RNNParams, data: Dataset) -> None:
    """``ValueError`` unless ``data`` fits ``params`` (input units, classes, h0)."""
    if data.n_in != params.n_in:
        raise ValueError(f"data: inputs have {data.n_in} units, params.n_in is {params.n_in}")
    if data.h0 is not None and data.h0.shape != (params.n_hidden,):
        raise ValueError(f"data.h0: expected shape ({params.n_hidden},), found {data.h0.shape}")
    for i, y in enumerate(data.targets):
        if data.loss == "cross_entropy" and np.any(y >= params.n_out):
            raise ValueError(f"data.targets[{i}]: classes must be < n_out = {params.n_out}")
        if data.loss == "mse" and y.shape[1] != params.n_out:
            raise ValueError(f"data.targets[{i}]: expected {params.n_out} columns for mse")


def evaluate(params: RNNParams, data: Dataset) -> Evaluation:
    """Mean loss and accuracy of ``params`` over ``data`` (full sequences, no update)."""
    check_dataset(params, data)
    losses, correct, scored = [], 0, 0
    for xs, y, mask in zip(data.xs, data.targets, data.loss_masks, strict=True):
        tr = forward(
            params, xs, data.h0, output="softmax" if data.loss == "cross_entropy" else "identity"
        )
        if data.loss == "cross_entropy":
            p = tr.y_hat[np.arange(len(y)), y]  # (T,) probability of the target class
            L = -np.log(np.maximum(p, np.finfo(float).tiny))  # (T,)
            correct += int(np.sum((np.argmax(tr.y_hat, axis=1) == y) & mask))
        else:
            L = 0.5 * np.sum((tr.o - y) ** 2, axis=1)  # (T,)
        losses.append(float(np.sum(L[mask])))
        scored += int(mask.sum())
    accuracy = correct / scored if data.loss == "cross_entropy" and scored else None
    losses_arr = np.array(losses)
    return Evaluation(float(losses_arr.mean()), losses_arr, accuracy, correct, scored)
