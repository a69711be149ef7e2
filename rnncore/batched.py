"""Many independent simple RNNs or LSTMs trained side by side, as one batch.

Every array has a leading axis R, one row per network: R networks, each with its own
parameters, learning rate and order of sequences, over B sequences of T steps each
(one-hot targets ``Y`` and loss masks ``M``). One network's update is exactly
``rnncore.train.train``'s / ``rnncore.lstm_train.lstm_train``'s (plain SGD, full
BPTT, one sequence per update, global-norm clipping; the tests compare them), only
computed for all R at once: the simple RNN::

    a(t) = b + W h(t-1) + U x(t),  h(t) = tanh(a(t)),  o(t) = c + V h(t)

and the LSTM (PyTorch's gate order i, f, g, o)::

    [i f g o](t) = W_ih x(t) + W_hh h(t-1) + b_ih + b_hh   (sigmoid; tanh for g)
    c(t) = f * c(t-1) + i * g,  h(t) = o * tanh(c(t)),  o(t) = c + V h(t)

with softmax cross-entropy L = sum_t M(t) L(t) per sequence. ``rnncore.lstm_compare``
trains a learning-rate grid times a few seeds of each cell this way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.lstm import sigmoid
from rnncore.lstm_params import LSTMParams
from rnncore.params import RNNParams
from rnncore.rnn import softmax

__all__ = ["Arrays", "Batch", "batch_grads", "columns", "rows", "scores", "stack", "train_batch"]

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


def scores(cell: str, P: Arrays, X: np.ndarray, Y: np.ndarray, M: np.ndarray):
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
    f, y_hat, L, _ = scores(cell, P, X, Y, M)
    O = y_hat.shape[-1]
    d_o = (y_hat - np.eye(O)[Y]) * M[..., None]  # (R, B, T, O)
    grads, d_a = _BACKWARD[cell](P, f, d_o)
    return grads, d_a, L


@dataclass(frozen=True)
class Batch:
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
) -> Batch:
    """SGD with full BPTT of R networks, each on its own N sequences (X (R, N, T, I)).

    Network r starts at ``starts[r]``, steps with ``lrs[r]`` and visits its sequences
    in the order ``default_rng(shuffle_seeds[r]).permutation(N)`` drawn anew each
    epoch; gradients clipped to global norm ``clip``: ``train`` / ``lstm_train``.
    """
    R, N = X.shape[:2]
    P = {k: np.stack([np.asarray(v, float) for v in vals]) for k, vals in columns(starts).items()}
    lr = np.asarray(lrs, float)
    rngs = [np.random.default_rng(int(s)) for s in shuffle_seeds]
    every = np.arange(R)  # network r takes its own k-th sequence
    acc = [scores(cell, P, X, Y, M)[3].sum(axis=1) / M.sum(axis=(1, 2))]
    err1, errT = np.zeros((R, epochs)), np.zeros((R, epochs))
    for e in range(epochs):
        order = np.stack([rng.permutation(N) for rng in rngs])  # (R, N)
        for k in range(N):
            idx = order[:, k]
            g, d_a, _ = batch_grads(
                cell, P, X[every, idx][:, None], Y[every, idx][:, None], M[every, idx][:, None]
            )
            err1[:, e] += np.linalg.norm(d_a[:, 0, 0], axis=-1) / N
            errT[:, e] += np.linalg.norm(d_a[:, 0, -1], axis=-1) / N
            if clip is not None:
                norm = np.sqrt(sum(np.sum(v**2, axis=tuple(range(1, v.ndim))) for v in g.values()))
                scale = np.where(norm > clip, clip / np.where(norm > 0, norm, 1.0), 1.0)
                g = {n: v * scale.reshape((R,) + (1,) * (v.ndim - 1)) for n, v in g.items()}
            P = {n: P[n] - lr.reshape((R,) + (1,) * (P[n].ndim - 1)) * g[n] for n in P}
        acc.append(scores(cell, P, X, Y, M)[3].sum(axis=1) / M.sum(axis=(1, 2)))
    return Batch(P, np.stack(acc, axis=1), err1, errT)


def columns(starts: Sequence[RNNParams | LSTMParams]) -> dict[str, list[np.ndarray]]:
    names = [n for n, _ in starts[0].items()]
    return {n: [dict(s.items())[n] for s in starts] for n in names}


def rows(arrays: tuple[np.ndarray, ...], which: np.ndarray) -> tuple[np.ndarray, ...]:
    """The seeds' arrays repeated for the networks: row r is seed ``which[r]``'s."""
    return tuple(a[which] for a in arrays)


def stack(datasets: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (S, N, T, I), Y (S, N, T), M (S, N, T)) of equal-length datasets."""
    X = np.stack([np.stack(d.xs) for d in datasets])
    Y = np.stack([np.stack(d.targets) for d in datasets])
    M = np.stack([np.stack(d.loss_masks) for d in datasets])
    return X, Y, M
