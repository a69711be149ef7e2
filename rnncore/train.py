"""Training the simple RNN with the core's own BPTT: SGD, momentum, clipping, chunks.

One update, on the loss L = sum_t mask(t) L(t) of one sequence (or one chunk)::

    g = dL/dtheta                                   (backward, full BPTT)
    g <- g * clip / ||g||     if ||g|| > clip       (global norm, Pascanu et al. 2013)
    v <- mu v + g                                   (v = 0 before the first update)
    theta <- theta - lr v

This is ``torch.optim.SGD``'s momentum (dampening 0, no Nesterov), so a run can be
checked against it exactly. With a constant lr it is classical heavy-ball momentum
with velocity u = -lr v:  u <- mu u - lr g,  theta <- theta + u.  mu = 0 is plain SGD
(``sgd_step``). The buffer v lives through the whole run (across sequences and epochs).

Truncated BPTT by chunks (an update per chunk of k steps, the state carried without
gradient) is ``rnncore.chunked``; ``train(truncate=k)`` trains that way.

An epoch visits every sequence once, one update per sequence (or per chunk), in the
order ``rng.permutation(N)`` with ``rng = np.random.default_rng(seed)`` drawn anew each
epoch. Reported losses are per sequence (L = sum_t L(t), as in ``backward``) averaged
over the N sequences; accuracy counts every step that carries a loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.bptt_views import truncation_chunks
from rnncore.chunked import chunk_backprop, positive_int
from rnncore.datasets import Dataset, check_dataset, evaluate, first_symbol_dataset
from rnncore.optim import clip_grads, positive, sgd_step
from rnncore.params import RNNParams

__all__ = [
    "LongRangeResult",
    "TrainResult",
    "TrainSettings",
    "TrainingOverflow",
    "long_range_experiment",
    "train",
]


class TrainingOverflow(ValueError):
    """A run whose numbers left float64's range (a learning rate too large, no clip)."""

    def __init__(self, epoch: int, lr: float) -> None:
        super().__init__(
            f"training overflowed in epoch {epoch}: with learning rate {lr:g} the numbers "
            "left float64's range (lower the learning rate, or clip the gradients)"
        )
        self.epoch, self.lr = epoch, lr


@dataclass(frozen=True)
class TrainSettings:
    """The arguments a ``train`` run used (for writing them next to the weights)."""

    epochs: int
    lr: float
    momentum: float
    clip: float | None
    truncate: int | None
    seed: int


@dataclass(frozen=True)
class TrainResult:
    """The trained parameters and the history, one entry per epoch.

    Arrays of length E+1 start at epoch 0 (before training) and are evaluated with the
    parameters at the end of each epoch; arrays of length E cover epochs 1..E and are
    gathered during the epoch's updates.
    """

    params: RNNParams  # after the last epoch
    settings: TrainSettings
    epochs: np.ndarray  # (E+1,) 0..E
    loss: np.ndarray  # (E+1,) mean over sequences of L = sum_t L(t), after each epoch
    accuracy: np.ndarray | None  # (E+1,) fraction of scored steps right; None for mse
    train_loss: np.ndarray  # (E,) mean over sequences of L as seen by the updates
    grad_norm_mean: np.ndarray  # (E,) mean over the epoch's updates of ||g||, before clipping
    grad_norm_max: np.ndarray  # (E,) its maximum
    clipped_norm_mean: np.ndarray  # (E,) the same after clipping
    clipped_norm_max: np.ndarray  # (E,)
    first_step_error: np.ndarray  # (E,) mean ||dL/da(1)|| (the first chunk's, if truncated)
    last_step_error: np.ndarray  # (E,) mean ||dL/da(T)|| (the last chunk's, if truncated)
    order: np.ndarray  # (E, N) the order the sequences were visited in
    updates_per_epoch: int
    snapshot_epochs: tuple[int, ...]
    snapshots: tuple[RNNParams, ...]  # the parameters after each snapshot epoch

    def params_at(self, epoch: int) -> RNNParams:
        """The parameters after ``epoch`` (one of ``snapshot_epochs``; 0 = the start)."""
        if epoch not in self.snapshot_epochs:
            raise ValueError(f"epoch: expected one of {self.snapshot_epochs}, found {epoch!r}")
        return self.snapshots[self.snapshot_epochs.index(epoch)]


def train(
    params: RNNParams,
    data: Dataset,
    *,
    epochs: int,
    lr: float,
    momentum: float = 0.0,
    clip: float | None = None,
    truncate: int | None = None,
    seed: int = 0,
    snapshot_epochs: Sequence[int] = (),
    on_epoch: Callable[[int, float, float | None], None] | None = None,
) -> TrainResult:
    """Train ``params`` on ``data`` by SGD, one sequence (or chunk) per update.

    Parameters
    ----------
    params
        The starting parameters (not changed: every array is read-only).
    data
        The sequences, their targets, loss and loss masks (see ``rnncore.datasets``).
    epochs, lr, momentum, clip
        Passes over the data; learning rate > 0; momentum mu in [0, 1) (torch's
        convention, see the module docstring); global-norm clipping threshold or None.
    truncate
        None: full BPTT per sequence. k: chunks of k steps, state carried, an update
        per chunk (``chunked_bptt``).
    seed
        Seeds the per-epoch shuffle.
    snapshot_epochs
        Epochs whose parameters are kept; epoch 0 and the last are always kept.
    on_epoch
        Called after every epoch with (epoch, loss, accuracy or None) of the data after
        it (what ``TrainResult.loss[epoch]`` and ``.accuracy[epoch]`` hold): progress.

    Raises
    ------
    TrainingOverflow
        When a loss, gradient or parameter is no longer a finite float64.
    """
    E = positive_int("epochs", epochs)
    lr = positive("lr", lr)
    if (
        isinstance(momentum, bool)
        or not isinstance(momentum, (int, float))
        or not 0 <= momentum < 1
    ):
        raise ValueError(f"momentum: expected a number in [0, 1), found {momentum!r}")
    if clip is not None:
        clip = positive("clip", clip)
    k = None if truncate is None else positive_int("truncate", truncate)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected an integer >= 0, found {seed!r}")
    for e in snapshot_epochs:
        if isinstance(e, bool) or not isinstance(e, (int, np.integer)) or not 0 <= e <= E:
            raise ValueError(f"snapshot_epochs: expected integers in 0..{E}, found {e!r}")
    check_dataset(params, data)
    keep = sorted({0, E, *(int(e) for e in snapshot_epochs)})
    rng = np.random.default_rng(seed)
    N = len(data)
    h_start = np.zeros(params.n_hidden) if data.h0 is None else data.h0  # (H,)
    v = RNNParams.zeros_like(params)  # momentum buffer
    p = params
    first = evaluate(p, data)
    loss, acc, snaps = [first.loss], [first.accuracy], {0: p}
    train_loss, norms, clipped, err1, errT, orders = [], [], [], [], [], []
    for epoch in range(1, E + 1):
        order = rng.permutation(N)  # (N,)
        seen, n_before, n_after, e1, eT = [], [], [], [], []
        for i in order:
            xs, y, mask = data.xs[i], data.targets[i], data.loss_masks[i]
            h, L_seq = h_start, 0.0
            chunks = truncation_chunks(len(xs), k if k is not None else len(xs))
            for j, steps in enumerate(chunks):
                try:  # parameters, losses and gradients are checked finite where built
                    bp = chunk_backprop(p, xs, y, data.loss, mask, h, steps)
                except ValueError:
                    raise TrainingOverflow(epoch, lr) from None
                h = bp.trace.h[-1]  # carried to the next chunk as a constant
                g = bp.grads
                n_before.append(g.global_norm())
                g = g if clip is None else clip_grads(g, clip)
                n_after.append(g.global_norm())
                v = (
                    g
                    if momentum == 0
                    else RNNParams(**{n: momentum * getattr(v, n) + a for n, a in g.items()})
                )
                try:
                    p = sgd_step(p, v, lr)  # theta - lr v
                except ValueError:
                    raise TrainingOverflow(epoch, lr) from None
                L_seq += bp.loss
                if j == 0:
                    e1.append(np.linalg.norm(bp.d_a[0]))
                if j == len(chunks) - 1:
                    eT.append(np.linalg.norm(bp.d_a[-1]))
            seen.append(L_seq)
        ev = evaluate(p, data)
        if not np.isfinite(ev.loss):
            raise TrainingOverflow(epoch, lr)
        loss.append(ev.loss)
        acc.append(ev.accuracy)
        if on_epoch is not None:
            on_epoch(epoch, ev.loss, ev.accuracy)
        if epoch in keep:
            snaps[epoch] = p
        train_loss.append(np.mean(seen))
        norms.append((np.mean(n_before), np.max(n_before)))
        clipped.append((np.mean(n_after), np.max(n_after)))
        err1.append(np.mean(e1))
        errT.append(np.mean(eT))
        orders.append(order)
    norms_arr, clipped_arr = np.array(norms), np.array(clipped)  # (E, 2) mean, max
    return TrainResult(
        params=p,
        settings=TrainSettings(E, lr, float(momentum), clip, k, int(seed)),
        epochs=np.arange(E + 1),
        loss=np.array(loss),
        accuracy=None if data.loss != "cross_entropy" else np.array(acc, dtype=float),
        train_loss=np.array(train_loss),
        grad_norm_mean=norms_arr[:, 0],
        grad_norm_max=norms_arr[:, 1],
        clipped_norm_mean=clipped_arr[:, 0],
        clipped_norm_max=clipped_arr[:, 1],
        first_step_error=np.array(err1),
        last_step_error=np.array(errT),
        order=np.array(orders),
        updates_per_epoch=sum(len(truncation_chunks(len(x), k or len(x))) for x in data.xs),
        snapshot_epochs=tuple(keep),
        snapshots=tuple(snaps[e] for e in keep),
    )


@dataclass(frozen=True)
class LongRangeResult:
    """Remember-the-first-symbol runs for several distances d and seeds.

    Axis 0 is the distance, axis 1 the seed; per-epoch arrays have a last epoch axis.
    """

    distances: np.ndarray  # (D,) d: the cue at step 1, the loss at step d
    seeds: np.ndarray  # (S,) seeds of the data, the initial weights and the shuffle
    chance: float  # 1 / n_symbols: the accuracy of guessing
    accuracy: np.ndarray  # (D, S) on a held-out set after training
    train_accuracy: np.ndarray  # (D, S, E+1) on the training set, epoch 0..E
    loss: np.ndarray  # (D, S, E+1) mean training loss, epoch 0..E
    epochs_to_solve: np.ndarray  # (D, S) first epoch with 100% training accuracy, -1: never
    first_step_error: np.ndarray  # (D, S, E) mean ||dL/da(1)|| over each epoch's updates
    last_step_error: np.ndarray  # (D, S, E) mean ||dL/da(d)||, where the loss enters
    settings: dict[str, float | int | bool]  # everything else the runs used

    @property
    def surviving_error(self) -> np.ndarray:
        """(D,) the part of the error entering at step d that reaches step 1 in the first
        epoch, ||dL/da(1)|| / ||dL/da(d)||, the mean over seeds."""
        return (self.first_step_error[:, :, 0] / self.last_step_error[:, :, 0]).mean(axis=1)


def long_range_experiment(
    distances: Sequence[int] = (2, 4, 6, 8, 10),
    seeds: Sequence[int] = (0, 1, 2),
    *,
    n_symbols: int = 4,
    distractors: bool = True,
    n_hidden: int = 8,
    n_train: int = 64,
    n_test: int = 200,
    epochs: int = 20,
    lr: float = 0.05,
    clip: float | None = 1.0,
    scale: float = 0.3,
) -> LongRangeResult:
    """Train a fresh simple RNN on ``first_symbol_dataset(d)`` for each d and seed.

    Each run: ``RNNParams.random(n_symbols + 1, n_hidden, n_symbols, seed, scale)``,
    ``n_train`` training and ``n_test`` held-out sequences (data seeds ``seed`` and
    ``10_000 + seed``), ``train(..., epochs, lr, clip, seed=seed)`` with full BPTT.
    The error that reaches the cue, ||dL/da(1)||, is recorded per epoch next to
    ||dL/da(d)|| at the loss: their ratio is how much of the error survives d - 1 steps.
    """
    ds = [positive_int("distances", d) for d in distances]
    ss = [int(s) for s in seeds]
    if not ds or not ss:
        raise ValueError("distances, seeds: expected at least one of each")
    E = positive_int("epochs", epochs)
    acc = np.zeros((len(ds), len(ss)))
    train_acc = np.zeros((len(ds), len(ss), E + 1))
    loss = np.zeros((len(ds), len(ss), E + 1))
    solved = np.full((len(ds), len(ss)), -1)
    err1 = np.zeros((len(ds), len(ss), E))
    errT = np.zeros((len(ds), len(ss), E))
    for i, d in enumerate(ds):
        for j, s in enumerate(ss):
            data = first_symbol_dataset(n_train, d, n_symbols, distractors, seed=s)
            test = first_symbol_dataset(n_test, d, n_symbols, distractors, seed=10_000 + s)
            start = RNNParams.random(n_symbols + 1, n_hidden, n_symbols, seed=s, scale=scale)
            run = train(start, data, epochs=E, lr=lr, clip=clip, seed=s)
            acc[i, j] = evaluate(run.params, test).accuracy
            train_acc[i, j] = run.accuracy
            loss[i, j] = run.loss
            hits = np.flatnonzero(run.accuracy == 1.0)
            solved[i, j] = hits[0] if hits.size else -1
            err1[i, j] = run.first_step_error
            errT[i, j] = run.last_step_error
    settings = {
        "n_symbols": n_symbols, "distractors": distractors, "n_hidden": n_hidden,
        "n_train": n_train, "n_test": n_test, "epochs": E, "lr": lr,
        "clip": 0.0 if clip is None else clip, "scale": scale,
    }  # fmt: skip
    return LongRangeResult(
        distances=np.array(ds),
        seeds=np.array(ss),
        chance=1.0 / n_symbols,
        accuracy=acc,
        train_accuracy=train_acc,
        loss=loss,
        epochs_to_solve=solved,
        first_step_error=err1,
        last_step_error=errT,
        settings=settings,
    )
