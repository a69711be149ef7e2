"""An independent LSTM for the core tests: the cell written out plainly, no rnncore code.

Arrays are passed as a dict ``{"W_ih", "W_hh", "b_ih", "b_hh", "V", "c", "h0", "c0"}``
(PyTorch's layout, gates i, f, g, o). The loss of one step reuses
``_reference.step_loss`` (log-sum-exp cross-entropy, or 1/2 ||o - y||^2), which needs
only ``V`` and ``c``.
"""

from __future__ import annotations

import numpy as np
from _reference import step_loss

__all__ = ["LSTM_NAMES", "lstm_loss", "lstm_states", "lstm_step", "lstm_window_loss"]

LSTM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "V", "c", "h0", "c0")


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def lstm_step(arrays: dict, x: np.ndarray, h: np.ndarray, c: np.ndarray):
    """One step: (h(t), c(t), (i, f, g, o)) from x(t), h(t-1), c(t-1)."""
    H = h.shape[0]
    a = arrays["W_ih"] @ x + arrays["b_ih"] + arrays["W_hh"] @ h + arrays["b_hh"]
    i = _sig(a[0:H])
    f = _sig(a[H : 2 * H])
    g = np.tanh(a[2 * H : 3 * H])
    o = _sig(a[3 * H : 4 * H])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new, (i, f, g, o)


def lstm_states(arrays: dict, xs: np.ndarray, start: int = 0, h=None, c=None):
    """[(h(t), c(t))] for t = start..T-1, from (h, c) = state before ``start`` (h0, c0 at 0)."""
    h = arrays["h0"] if h is None else h
    c = arrays["c0"] if c is None else c
    out = []
    for t in range(start, xs.shape[0]):
        h, c, _ = lstm_step(arrays, xs[t], h, c)
        out.append((h, c))
    return out


def lstm_loss(arrays: dict, xs: np.ndarray, targets, loss="cross_entropy", mask=None) -> float:
    """L = sum of the masked L(t), by a plain loop over time."""
    T = xs.shape[0]
    mask = np.ones(T, dtype=bool) if mask is None else mask
    states = lstm_states(arrays, xs)
    return sum(step_loss(arrays, states[t][0], targets[t], loss) for t in range(T) if mask[t])


def lstm_window_loss(arrays, xs, targets, k: int, loss="cross_entropy", mask=None, frozen=None):
    """The loss whose gradient is BPTT(k): every L(s) sees only its last k steps.

    Each L(s) reruns steps s-k+1..s from the state (h, c)(s-k) of the ``frozen``
    (unperturbed) arrays, a constant; when s-k+1 <= 0 it starts from h0, c0 themselves
    (leaves, so they stay differentiable).
    """
    T = xs.shape[0]
    mask = np.ones(T, dtype=bool) if mask is None else mask
    frozen_states = lstm_states(frozen, xs)
    total = 0.0
    for s in range(T):
        if not mask[s]:
            continue
        start = s - k + 1
        if start <= 0:
            states = lstm_states(arrays, xs[: s + 1])
        else:
            h, c = frozen_states[start - 1]
            states = lstm_states(arrays, xs[: s + 1], start=start, h=h, c=c)
        total += step_loss(arrays, states[-1][0], targets[s], loss)
    return total
