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
trained side by side as one batch of independent networks (a leading axis R in every
array): each network's update is exactly ``lstm_train``'s / ``train``'s (the tests
compare them), only computed for all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.datasets import first_symbol_dataset
from rnncore.lstm import sigmoid
from rnncore.lstm_params import LSTMParams
from rnncore.params import RNNParams
from rnncore.rnn import softmax

__all__ = [
    "CELLS",
    "DISTANCES",
    "LR_GRID",
    "SEEDS",
    "CellRuns",
    "FairComparison",
    "batch_grads",
    "fair_comparison",
    "train_batch",
]

CELLS = ("rnn", "lstm")
DISTANCES = (2, 6, 10, 20)  # d: the cue at step 1, the answer at step d
SEEDS = (0, 1, 2)
LR_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)  # the same grid for both cells

Arrays = dict[str, np.ndarray]  # parameter name -> (R, ...) array, one row per network


# --- the two cells, batched over R independent networks and B sequences each ------------
def _rnn_forward(P: Arrays, X: np.ndarray) -> dict[str, np.ndarray]:
    """X (R, B, T, I) -> the states and logits: a = b + W h(t-1) + U x(t), h = tanh(a)."""
    R, B, T, _ = X.shape
    h = np.zeros((R, B, P["W"].shape[1]))
    Ut, Wt = P["U"].transpose(0, 2, 1), P["W"].transpose(0, 2, 1)  # (R, I, H), (R, H, H)
    hs, prev = [], []
    for t in range(T):
        prev.append(h)
        h = np.tanh(P["b"][:, None, :] + h @ Wt + X[:, :, t] @ Ut)  # (R, B, H)
        hs.append(h)
    Hs = np.stack(hs, axis=2)  # (R, B, T, H)
    o = Hs @ P["V"].transpose(0, 2, 1)[:, None] + P["c"][:, None, None, :]  # (R, B, T, O)
    return {"X": X, "h": Hs, "h_prev": np.stack(prev, axis=2), "o_logits": o}


def _rnn_backward(
    P: Arrays, f: dict[str, np.ndarray], d_o: np.ndarray
) -> tuple[Arrays, np.ndarray]:
    """d_o (R, B, T, O) -> (gradients summed over B and t, d_a (R, B, T, H))."""
    Hs = f["h"]
    T = Hs.shape[2]
    from_out = d_o @ P["V"][:, None]  # (R, B, T, H): V^T d_o(t)
    d_a = np.zeros_like(Hs)
    carry = np.zeros_like(Hs[:, :, 0])  # W^T d_a(t+1)
    for t in range(T - 1, -1, -1):
        d_a[:, :, t] = (1.0 - Hs[:, :, t] ** 2) * (from_out[:, :, t] + carry)
        carry = d_a[:, :, t] @ P["W"]
    grads = {
        "U": np.einsum("rbth,rbti->rhi", d_a, f["X"]),
        "W": np.einsum("rbth,rbtk->rhk", d_a, f["h_prev"]),
        "V": np.einsum("rbto,rbth->roh", d_o, Hs),
        "b": d_a.sum(axis=(1, 2)),
        "c": d_o.sum(axis=(1, 2)),
    }
    return grads, d_a


def _lstm_forward(P: Arrays, X: np.ndarray) -> dict[str, np.ndarray]:
    """X (R, B, T, I) -> gates, cell states and logits (``rnncore.lstm``'s equations)."""
    R, B, T, _ = X.shape
    H = P["W_hh"].shape[2]
    Wt_ih, Wt_hh = P["W_ih"].transpose(0, 2, 1), P["W_hh"].transpose(0, 2, 1)
    bias = (P["b_ih"] + P["b_hh"])[:, None, :]  # (R, 1, 4H)
    gates = np.empty((R, B, T, 4 * H))  # i, f, g, o
    c_all, tc_all, h_all = (np.empty((R, B, T, H)) for _ in range(3))
    h_prev = np.zeros((R, B, T, H))  # h(t-1); c(t-1) is c_prev
    c_prev = np.zeros((R, B, T, H))
    h, c = np.zeros((R, B, H)), np.zeros((R, B, H))
    for t in range(T):
        a = X[:, :, t] @ Wt_ih + h @ Wt_hh + bias  # (R, B, 4H)
        s = gates[:, :, t]
        s[:] = sigmoid(a)  # i, f, o (the g block is replaced by tanh)
        s[..., 2 * H : 3 * H] = np.tanh(a[..., 2 * H : 3 * H])
        h_prev[:, :, t], c_prev[:, :, t] = h, c
        c = s[..., H : 2 * H] * c + s[..., :H] * s[..., 2 * H : 3 * H]
        tc = np.tanh(c)
        h = s[..., 3 * H :] * tc
        c_all[:, :, t], tc_all[:, :, t], h_all[:, :, t] = c, tc, h
    logits = h_all @ P["V"].transpose(0, 2, 1)[:, None] + P["c"][:, None, None, :]
    return {
        "X": X, "gates": gates, "c": c_all, "tc": tc_all, "h": h_all,
        "hp": h_prev, "cp": c_prev, "o_logits": logits,
    }  # fmt: skip


def _lstm_backward(
    P: Arrays, f: dict[str, np.ndarray], d_o: np.ndarray
) -> tuple[Arrays, np.ndarray]:
    """d_o (R, B, T, O) -> (gradients summed over B and t, d_a (R, B, T, 4H))."""
    R, B, T, H = f["h"].shape
    from_out = d_o @ P["V"][:, None]  # (R, B, T, H)
    d_a = np.zeros((R, B, T, 4 * H))
    carry_h, carry_c = np.zeros((R, B, H)), np.zeros((R, B, H))
    W_hh = P["W_hh"]
    for t in range(T - 1, -1, -1):
        s = f["gates"][:, :, t]
        i, fg, g, og = s[..., :H], s[..., H : 2 * H], s[..., 2 * H : 3 * H], s[..., 3 * H :]
        tc = f["tc"][:, :, t]
        d_h = carry_h + from_out[:, :, t]
        d_c = d_h * og * (1.0 - tc**2) + carry_c
        e = d_a[:, :, t]
        e[..., :H] = d_c * g * i * (1.0 - i)
        e[..., H : 2 * H] = d_c * f["cp"][:, :, t] * fg * (1.0 - fg)
        e[..., 2 * H : 3 * H] = d_c * i * (1.0 - g**2)
        e[..., 3 * H :] = d_h * tc * og * (1.0 - og)
        carry_h = e @ W_hh
        carry_c = d_c * fg
    d_b = d_a.sum(axis=(1, 2))
    grads = {
        "W_ih": np.einsum("rbtg,rbti->rgi", d_a, f["X"]),
        "W_hh": np.einsum("rbtg,rbth->rgh", d_a, f["hp"]),
        "b_ih": d_b,
        "b_hh": d_b.copy(),
        "V": np.einsum("rbto,rbth->roh", d_o, f["h"]),
        "c": d_o.sum(axis=(1, 2)),
    }
    return grads, d_a


_FORWARD: dict[str, Callable[[Arrays, np.ndarray], dict[str, np.ndarray]]] = {
    "rnn": _rnn_forward,
    "lstm": _lstm_forward,
}
_BACKWARD = {"rnn": _rnn_backward, "lstm": _lstm_backward}


def _scores(cell: str, P: Arrays, X: np.ndarray, Y: np.ndarray, M: np.ndarray):
    """Forward pass, softmax, per-sequence loss L = sum_t mask(t) L(t) and correct steps."""
    f = _FORWARD[cell](P, X)
    y_hat = softmax(f["o_logits"])  # (R, B, T, O)
    p = np.take_along_axis(y_hat, Y[..., None], axis=-1)[..., 0]  # (R, B, T)
    L = np.where(M, -np.log(np.maximum(p, np.finfo(float).tiny)), 0.0).sum(axis=2)  # (R, B)
    right = ((np.argmax(y_hat, axis=-1) == Y) & M).sum(axis=2)  # (R, B)
    return f, y_hat, L, right


def batch_grads(
    cell: str, P: Arrays, X: np.ndarray, Y: np.ndarray, M: np.ndarray
) -> tuple[Arrays, np.ndarray, np.ndarray]:
    """Cross-entropy gradients of R networks, each on its own B sequences.

    Parameters
    ----------
    cell
        ``"rnn"`` (arrays U, W, V, b, c) or ``"lstm"`` (W_ih, W_hh, b_ih, b_hh, V, c).
    P
        Parameter arrays with a leading axis R, one row per network.
    X, Y, M
        Inputs (R, B, T, I), target classes (R, B, T), loss masks (R, B, T) bool.

    Returns
    -------
    grads, d_a, L
        dL/dtheta (R, ...) summed over the B sequences, the errors of the
        pre-activations d_a (R, B, T, H or 4H) and the losses L (R, B).
    """
    f, y_hat, L, _ = _scores(cell, P, X, Y, M)
    O = y_hat.shape[-1]
    d_o = (y_hat - np.eye(O)[Y]) * M[..., None]  # (R, B, T, O)
    grads, d_a = _BACKWARD[cell](P, f, d_o)
    return grads, d_a, L


@dataclass(frozen=True)
class _Batch:
    """R networks trained side by side: final parameters and their per-epoch records."""

    params: Arrays
    train_accuracy: np.ndarray  # (R, E+1)
    first_step_error: np.ndarray  # (R, E) mean ||d_a(1)|| over the epoch's updates
    last_step_error: np.ndarray  # (R, E) mean ||d_a(T)||


def train_batch(
    cell: str,
    starts: Sequence[RNNParams | LSTMParams],
    X: np.ndarray,
    Y: np.ndarray,
    M: np.ndarray,
    lrs: Sequence[float],
    shuffle_seeds: Sequence[int],
    *,
    epochs: int,
    clip: float | None,
) -> _Batch:
    """SGD with full BPTT of R networks, each on its own N sequences (X (R, N, T, I)).

    Network r starts at ``starts[r]``, steps with ``lrs[r]`` and visits its sequences
    in the order ``default_rng(shuffle_seeds[r]).permutation(N)`` drawn anew each
    epoch; gradients clipped to global norm ``clip``: ``train`` / ``lstm_train``.
    """
    R, N = X.shape[:2]
    P = {k: np.stack([np.asarray(v, float) for v in vals]) for k, vals in _columns(starts).items()}
    lr = np.asarray(lrs, float)
    rngs = [np.random.default_rng(int(s)) for s in shuffle_seeds]
    rows = np.arange(R)
    acc = [_scores(cell, P, X, Y, M)[3].sum(axis=1) / M.sum(axis=(1, 2))]
    err1, errT = np.zeros((R, epochs)), np.zeros((R, epochs))
    for e in range(epochs):
        order = np.stack([rng.permutation(N) for rng in rngs])  # (R, N)
        for k in range(N):
            idx = order[:, k]
            g, d_a, _ = batch_grads(
                cell, P, X[rows, idx][:, None], Y[rows, idx][:, None], M[rows, idx][:, None]
            )
            err1[:, e] += np.linalg.norm(d_a[:, 0, 0], axis=-1) / N
            errT[:, e] += np.linalg.norm(d_a[:, 0, -1], axis=-1) / N
            if clip is not None:
                norm = np.sqrt(sum(np.sum(v**2, axis=tuple(range(1, v.ndim))) for v in g.values()))
                scale = np.where(norm > clip, clip / np.where(norm > 0, norm, 1.0), 1.0)
                g = {n: v * scale.reshape((R,) + (1,) * (v.ndim - 1)) for n, v in g.items()}
            P = {n: P[n] - lr.reshape((R,) + (1,) * (P[n].ndim - 1)) * g[n] for n in P}
        acc.append(_scores(cell, P, X, Y, M)[3].sum(axis=1) / M.sum(axis=(1, 2)))
    return _Batch(P, np.stack(acc, axis=1), err1, errT)


def _columns(starts: Sequence[RNNParams | LSTMParams]) -> dict[str, list[np.ndarray]]:
    names = [n for n, _ in starts[0].items()]
    return {n: [dict(s.items())[n] for s in starts] for n in names}


def _rows(arrays: tuple[np.ndarray, ...], which: np.ndarray) -> tuple[np.ndarray, ...]:
    """The seeds' arrays repeated for the networks: row r is seed ``which[r]``'s."""
    return tuple(a[which] for a in arrays)


def _stack(datasets: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (S, N, T, I), Y (S, N, T), M (S, N, T)) of equal-length datasets."""
    X = np.stack([np.stack(d.xs) for d in datasets])
    Y = np.stack([np.stack(d.targets) for d in datasets])
    M = np.stack([np.stack(d.loss_masks) for d in datasets])
    return X, Y, M


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
            name: _stack(
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
            cell, [starts[s] for s in which], *_rows(sets["train"], which),
            np.repeat(lrs, S), [ss[s] for s in which], epochs=E, clip=kw["clip"],
        )  # fmt: skip
        for name, out in (("val", (val_acc, val_loss)), ("test", (test_acc, None))):
            X, Y, M = _rows(sets[name], which)
            _, _, Ls, right = _scores(cell, run.params, X, Y, M)
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
