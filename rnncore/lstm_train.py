"""Training the LSTM with the core's own BPTT: one update, a training run, long range.

Every gradient here is ``lstm_backward``'s (full BPTT) and every update
``lstm_sgd_step``'s (plain SGD, clipping by global norm), so the LSTM is trained by
the same procedure as the simple RNN in ``rnncore.train``: one update per sequence,
the order ``rng.permutation(N)`` drawn anew each epoch from ``default_rng(seed)``,
losses per sequence (L = sum_t L(t)) averaged over the sequences.

``lstm_long_range_experiment`` reruns ``rnncore.train.long_range_experiment``'s
"remember the first symbol" with an LSTM in the simple RNN's place: the same data,
seeds, sizes, epochs, learning rate and clipping (for the fair comparison the lecture
shows, a learning rate tuned per cell on validation data and several seeds, see
``rnncore.lstm_compare``). The LSTM starts with the forget
gate's bias at ``forget_bias`` (1.0: the cell keeps its state at first, Gers,
Schmidhuber & Cummins 2000), its other weights uniform in [-scale, scale].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.datasets import Dataset, Evaluation, first_symbol_dataset
from rnncore.lstm import LSTMTrace, lstm_backward, lstm_forward
from rnncore.lstm_params import LSTMParams, lstm_sgd_step
from rnncore.optim import positive
from rnncore.rnn import Loss
from rnncore.train import LongRangeResult

__all__ = [
    "LSTMTrainResult",
    "LSTMUpdateReport",
    "lstm_evaluate",
    "lstm_long_range_experiment",
    "lstm_train",
    "lstm_update_report",
]


def _output(loss: str) -> str:
    return "softmax" if loss == "cross_entropy" else "identity"


@dataclass(frozen=True)
class LSTMUpdateReport:
    """One SGD step of an LSTM on one sequence, and a forward pass with the new weights.

    The fields are those of ``rnncore.bptt_views.UpdateReport`` (so one table draws
    either); ``lowers`` says whether the step lowered the total loss.
    """

    lr: float
    params_after: LSTMParams
    grads: LSTMParams  # the gradient the step used (before clipping)
    trace_before: LSTMTrace
    trace_after: LSTMTrace
    losses_before: np.ndarray  # (T,) L(t) before the step, 0 where masked
    losses_after: np.ndarray  # (T,) after it
    loss_before: float  # L = sum_t L(t)
    loss_after: float

    @property
    def lowers(self) -> bool:
        """True when the step lowers the total loss."""
        return self.loss_after < self.loss_before


def lstm_update_report(
    params: LSTMParams,
    xs: np.ndarray,
    targets: np.ndarray,
    lr: float,
    *,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    clip: float | None = None,
) -> LSTMUpdateReport:
    """One full-BPTT ``lstm_sgd_step`` of ``params`` and the loss it gives on the same data."""
    before = lstm_forward(params, xs, h0, c0, output=_output(loss))
    bp = lstm_backward(params, before, targets, loss, loss_mask)
    new = lstm_sgd_step(params, bp.grads, lr, clip=clip)
    after = lstm_forward(new, xs, h0, c0, output=_output(loss))
    bp_after = lstm_backward(new, after, targets, loss, loss_mask)
    return LSTMUpdateReport(
        lr=float(lr),
        params_after=new,
        grads=bp.grads,
        trace_before=before,
        trace_after=after,
        losses_before=bp.losses.copy(),
        losses_after=bp_after.losses.copy(),
        loss_before=float(bp.loss),
        loss_after=float(bp_after.loss),
    )


def lstm_evaluate(params: LSTMParams, data: Dataset) -> Evaluation:
    """Mean loss and accuracy of an LSTM over ``data`` (each sequence from zero c0).

    The same measures as ``rnncore.datasets.evaluate`` for the simple RNN: L(t) is
    -log y_hat(t)[y(t)] or 1/2 ||o(t) - y(t)||^2, summed over the scored steps.
    """
    if data.n_in != params.n_in:
        raise ValueError(f"data: inputs have {data.n_in} units, params.n_in is {params.n_in}")
    losses, correct, scored = [], 0, 0
    for xs, y, mask in zip(data.xs, data.targets, data.loss_masks, strict=True):
        tr = lstm_forward(params, xs, data.h0, output=_output(data.loss))
        if data.loss == "cross_entropy":
            p = tr.y_hat[np.arange(len(y)), y]  # (T,) probability of the target class
            L = -np.log(np.maximum(p, np.finfo(float).tiny))  # (T,)
            correct += int(np.sum((np.argmax(tr.y_hat, axis=1) == y) & mask))
        else:
            L = 0.5 * np.sum((tr.o - y) ** 2, axis=1)  # (T,)
        losses.append(float(np.sum(L[mask])))
        scored += int(mask.sum())
    accuracy = correct / scored if data.loss == "cross_entropy" and scored else None
    arr = np.array(losses)
    return Evaluation(float(arr.mean()), arr, accuracy, correct, scored)


@dataclass(frozen=True)
class LSTMTrainResult:
    """An LSTM training run: arrays of length E+1 start at epoch 0 (before training)."""

    params: LSTMParams  # after the last epoch
    loss: np.ndarray  # (E+1,) mean L over the sequences after each epoch
    accuracy: np.ndarray | None  # (E+1,) fraction of scored steps right; None for mse
    first_step_error: np.ndarray  # (E,) mean ||dL/da(1)|| (all four gate errors) per epoch
    last_step_error: np.ndarray  # (E,) mean ||dL/da(T)||


def lstm_train(
    params: LSTMParams,
    data: Dataset,
    *,
    epochs: int,
    lr: float,
    clip: float | None = None,
    seed: int = 0,
) -> LSTMTrainResult:
    """Train ``params`` on ``data`` by SGD with full BPTT, one sequence per update."""
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs: expected an integer >= 1, found {epochs!r}")
    lr = positive("lr", lr)
    clip = None if clip is None else positive("clip", clip)
    rng = np.random.default_rng(seed)
    p = params
    first = lstm_evaluate(p, data)
    loss, acc = [first.loss], [first.accuracy]
    err1, errT = [], []
    for _ in range(int(epochs)):
        e1, eT = [], []
        for i in rng.permutation(len(data)):
            xs, y, mask = data.xs[i], data.targets[i], data.loss_masks[i]
            tr = lstm_forward(p, xs, data.h0, output=_output(data.loss))
            bp = lstm_backward(p, tr, y, data.loss, mask)  # type: ignore[arg-type]
            e1.append(np.linalg.norm(bp.d_a[0]))
            eT.append(np.linalg.norm(bp.d_a[-1]))
            p = lstm_sgd_step(p, bp.grads, lr, clip=clip)
        ev = lstm_evaluate(p, data)
        loss.append(ev.loss)
        acc.append(ev.accuracy)
        err1.append(np.mean(e1))
        errT.append(np.mean(eT))
    return LSTMTrainResult(
        params=p,
        loss=np.array(loss),
        accuracy=None if data.loss != "cross_entropy" else np.array(acc, dtype=float),
        first_step_error=np.array(err1),
        last_step_error=np.array(errT),
    )


def lstm_long_range_experiment(
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
    forget_bias: float = 1.0,
) -> LongRangeResult:
    """``long_range_experiment`` with a fresh LSTM for each distance d and seed.

    Each run: ``LSTMParams.random(n_symbols + 1, n_hidden, n_symbols, seed, scale,
    forget_bias)``, the same training and held-out sequences as the simple RNN's run
    (data seeds ``seed`` and ``10_000 + seed``), ``lstm_train(..., epochs, lr, clip,
    seed=seed)``. The error recorded at the cue is the gate errors' ||dL/da(1)||.
    """
    ds = [int(d) for d in distances]
    ss = [int(s) for s in seeds]
    if not ds or not ss or min(ds) < 1:
        raise ValueError("distances, seeds: expected at least one of each, distances >= 1")
    E = int(epochs)
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
            start = LSTMParams.random(
                n_symbols + 1, n_hidden, n_symbols, seed=s, scale=scale, forget_bias=forget_bias
            )
            run = lstm_train(start, data, epochs=E, lr=lr, clip=clip, seed=s)
            acc[i, j] = lstm_evaluate(run.params, test).accuracy
            train_acc[i, j] = run.accuracy
            loss[i, j] = run.loss
            hits = np.flatnonzero(run.accuracy == 1.0)
            solved[i, j] = hits[0] if hits.size else -1
            err1[i, j] = run.first_step_error
            errT[i, j] = run.last_step_error
    settings = {
        "n_symbols": n_symbols, "distractors": distractors, "n_hidden": n_hidden,
        "n_train": n_train, "n_test": n_test, "epochs": E, "lr": lr,
        "clip": 0.0 if clip is None else clip, "scale": scale, "forget_bias": forget_bias,
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
