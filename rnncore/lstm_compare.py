"""A fair long-range comparison of the simple RNN and the LSTM ("remember the first symbol").

Set-up, as practitioners run such a comparison, fixed before any result was seen:

* the task of ``rnncore.train.long_range_experiment``: the cue at step 1, d - 1
  distractors, the answer at step d (``first_symbol_dataset``), ``n_train`` training
  sequences (data seed ``s``), ``n_val`` validation sequences (seed ``20_000 + s``)
  and ``n_test`` test sequences (seed ``10_000 + s``, the LongRange scene's held-out set);
* the same hidden size, epochs, clipping (global norm) and plain SGD with full BPTT,
  one sequence per update in the order ``default_rng(s).permutation(N)`` of each
  epoch, for both cells: the procedure of ``rnncore.train.train`` and
  ``rnncore.lstm_train.lstm_train``;
* the simple RNN from ``RNNParams.random(..., seed=s, scale)``; the LSTM from
  ``LSTMParams.random(..., seed=s, scale, forget_bias=1)``: the forget gate's bias
  starts at 1 (Gers, Schmidhuber & Cummins 2000; Jozefowicz et al. 2015);
* the learning rate chosen per cell and per distance from the same grid ``LR_GRID``
  by the mean accuracy on the validation sequences over the seeds (ties: the lower
  mean validation loss): the same budget of runs for both cells;
* reported: the test accuracy at the chosen learning rate, mean and spread (lowest,
  highest) over the seeds, and the error that survives from step d to the cue in the
  first epoch, ||dL/da(1)|| / ||dL/da(d)|| (for the LSTM, a are the four gates'
  pre-activations).

For speed the ``len(LR_GRID) * len(seeds)`` networks of one cell and distance are
trained side by side as one batch of independent networks (``rnncore.batched``): each
network's update is exactly ``lstm_train``'s / ``train``'s (the tests compare them),
only computed for all of them at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.batched import rows, scores, stack, train_batch
from rnncore.datasets import first_symbol_dataset
from rnncore.lstm_params import LSTMParams
from rnncore.params import RNNParams

__all__ = [
    "CELLS",
    "DISTANCES",
    "LR_GRID",
    "SEEDS",
    "CellRuns",
    "FairComparison",
    "fair_comparison",
]

CELLS = ("rnn", "lstm")
DISTANCES = (2, 6, 10, 20)  # d: the cue at step 1, the answer at step d
SEEDS = (0, 1, 2)
LR_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)  # the same grid for both cells


@dataclass(frozen=True)
class CellRuns:
    """One cell's runs; axes: distance D, learning rate L (``lrs``), seed S."""

    cell: str
    distances: np.ndarray  # (D,)
    lrs: np.ndarray  # (L,)
    seeds: np.ndarray  # (S,)
    val_accuracy: np.ndarray  # (D, L, S) on the validation sequences after training
    val_loss: np.ndarray  # (D, L, S) mean L per validation sequence
    test_accuracy: np.ndarray  # (D, L, S) on the test sequences after training
    train_accuracy: np.ndarray  # (D, L, S, E+1)
    first_step_error: np.ndarray  # (D, L, S, E)
    last_step_error: np.ndarray  # (D, L, S, E)
    chosen: np.ndarray  # (D,) index into lrs of the learning rate chosen on validation

    @property
    def chosen_lr(self) -> np.ndarray:
        """(D,) the learning rate chosen for each distance."""
        return self.lrs[self.chosen]

    @property
    def accuracy(self) -> np.ndarray:
        """(D, S) test accuracy of every seed at the chosen learning rate."""
        return self.test_accuracy[np.arange(len(self.chosen)), self.chosen]

    @property
    def mean(self) -> np.ndarray:
        """(D,) mean test accuracy over the seeds."""
        return self.accuracy.mean(axis=1)

    @property
    def low(self) -> np.ndarray:
        """(D,) the lowest seed's test accuracy."""
        return self.accuracy.min(axis=1)

    @property
    def high(self) -> np.ndarray:
        """(D,) the highest seed's test accuracy."""
        return self.accuracy.max(axis=1)

    @property
    def surviving_error(self) -> np.ndarray:
        """(D,) ||dL/da(1)|| / ||dL/da(d)|| in the first epoch at the chosen learning
        rate, the mean over the seeds."""
        D = np.arange(len(self.chosen))
        first = self.first_step_error[D, self.chosen, :, 0]
        last = self.last_step_error[D, self.chosen, :, 0]
        return (first / last).mean(axis=1)


@dataclass(frozen=True)
class FairComparison:
    """Both cells' runs and the settings they share."""

    rnn: CellRuns
    lstm: CellRuns
    chance: float  # 1 / n_symbols
    settings: dict[str, float | int | bool]


def _choose(val_accuracy: np.ndarray, val_loss: np.ndarray) -> np.ndarray:
    """(D,) per distance: the lr with the best mean validation accuracy, then loss."""
    acc, loss = val_accuracy.mean(axis=2), val_loss.mean(axis=2)  # (D, L)
    return np.array([np.lexsort((loss[i], -acc[i]))[0] for i in range(acc.shape[0])])


def _cell_runs(cell: str, ds: list[int], ss: list[int], lrs: list[float], kw: dict) -> CellRuns:
    D, L, S, E = len(ds), len(lrs), len(ss), kw["epochs"]
    K, H = kw["n_symbols"], kw["n_hidden"]
    shape = (D, L, S)
    val_acc, val_loss, test_acc = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    train_acc, err1, errT = np.zeros((*shape, E + 1)), np.zeros((*shape, E)), np.zeros((*shape, E))
    for n, d in enumerate(ds):
        sets = {
            name: stack(
                [first_symbol_dataset(size, d, K, kw["distractors"], seed=off + s) for s in ss]
            )
            for name, size, off in (
                ("train", kw["n_train"], 0),
                ("val", kw["n_val"], 20_000),
                ("test", kw["n_test"], 10_000),
            )
        }
        if cell == "rnn":
            starts = [RNNParams.random(K + 1, H, K, seed=s, scale=kw["scale"]) for s in ss]
        else:
            starts = [
                LSTMParams.random(
                    K + 1, H, K, seed=s, scale=kw["scale"], forget_bias=kw["forget_bias"]
                )
                for s in ss
            ]
        which = np.tile(np.arange(S), L)  # network r = l * S + s
        run = train_batch(
            cell, [starts[s] for s in which], *rows(sets["train"], which),
            np.repeat(lrs, S), [ss[s] for s in which], epochs=E, clip=kw["clip"],
        )  # fmt: skip
        for name, out in (("val", (val_acc, val_loss)), ("test", (test_acc, None))):
            X, Y, M = rows(sets[name], which)
            _, _, Ls, right = scores(cell, run.params, X, Y, M)
            out[0][n] = (right.sum(axis=1) / M.sum(axis=(1, 2))).reshape(L, S)
            if out[1] is not None:
                out[1][n] = Ls.mean(axis=1).reshape(L, S)
        train_acc[n] = run.train_accuracy.reshape(L, S, E + 1)
        err1[n] = run.first_step_error.reshape(L, S, E)
        errT[n] = run.last_step_error.reshape(L, S, E)
    return CellRuns(
        cell=cell,
        distances=np.array(ds),
        lrs=np.array(lrs, float),
        seeds=np.array(ss),
        val_accuracy=val_acc,
        val_loss=val_loss,
        test_accuracy=test_acc,
        train_accuracy=train_acc,
        first_step_error=err1,
        last_step_error=errT,
        chosen=_choose(val_acc, val_loss),
    )


def fair_comparison(
    distances: Sequence[int] = DISTANCES,
    seeds: Sequence[int] = SEEDS,
    lrs: Sequence[float] = LR_GRID,
    *,
    n_symbols: int = 4,
    distractors: bool = True,
    n_hidden: int = 8,
    n_train: int = 64,
    n_val: int = 100,
    n_test: int = 200,
    epochs: int = 50,
    clip: float | None = 1.0,
    scale: float = 0.3,
    forget_bias: float = 1.0,
) -> FairComparison:
    """Train both cells for every distance, learning rate and seed (see the module
    docstring); deterministic. The defaults are the lecture's experiment."""
    ds, ss, grid = [int(d) for d in distances], [int(s) for s in seeds], [float(x) for x in lrs]
    if not ds or not ss or not grid or min(ds) < 1 or min(grid) <= 0:
        raise ValueError("distances, seeds, lrs: expected at least one of each, d >= 1, lr > 0")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs: expected an integer >= 1, found {epochs!r}")
    kw = {
        "n_symbols": n_symbols, "distractors": distractors, "n_hidden": n_hidden,
        "n_train": n_train, "n_val": n_val, "n_test": n_test, "epochs": epochs,
        "clip": clip, "scale": scale, "forget_bias": forget_bias,
    }  # fmt: skip
    settings = {**kw, "clip": 0.0 if clip is None else clip}
    return FairComparison(
        rnn=_cell_runs("rnn", ds, ss, grid, kw),
        lstm=_cell_runs("lstm", ds, ss, grid, kw),
        chance=1.0 / n_symbols,
        settings=settings,
    )
