"""An independent reference for the core tests: losses written out directly, and FD.

Nothing here imports rnncore: the simple RNN's loss is computed from the equations of
Goodfellow et al. 10.2 in the plainest form (a loop, log-sum-exp), so that the tests
compare rnncore against something that shares none of its code. Arrays are passed as a
dict ``{"U", "W", "V", "b", "c", "h0"}``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "NAMES",
    "central_fd",
    "fd_gradients",
    "hidden_states",
    "relative_error",
    "rnn_loss",
    "step_loss",
    "window_loss",
]

NAMES = ("U", "W", "V", "b", "c", "h0")


def hidden_states(arrays: dict[str, np.ndarray], xs: np.ndarray, start: int = 0, h=None):
    """h(t) for t = start..T-1, starting from ``h`` (= h(start-1)); h0 when start is 0."""
    h = arrays["h0"] if h is None else h
    out = []
    for t in range(start, xs.shape[0]):
        h = np.tanh(arrays["b"] + arrays["W"] @ h + arrays["U"] @ xs[t])
        out.append(h)
    return out


def step_loss(arrays: dict[str, np.ndarray], h: np.ndarray, target, loss: str) -> float:
    """L(t) from the hidden state h(t): cross-entropy of softmax(o) or 1/2 ||o - y||^2."""
    o = arrays["c"] + arrays["V"] @ h
    if loss == "cross_entropy":
        m = np.max(o)
        return float(m + np.log(np.sum(np.exp(o - m))) - o[int(target)])
    return float(0.5 * np.sum((o - np.asarray(target, dtype=float)) ** 2))


def rnn_loss(arrays, xs, targets, loss="cross_entropy", mask=None) -> float:
    """L = sum of the masked L(t), by a plain loop over time."""
    T = xs.shape[0]
    mask = np.ones(T, dtype=bool) if mask is None else mask
    hs = hidden_states(arrays, xs)
    return sum(step_loss(arrays, hs[t], targets[t], loss) for t in range(T) if mask[t])


def window_loss(arrays, xs, targets, k: int, loss="cross_entropy", mask=None, frozen=None):
    """The loss whose gradient is BPTT(k): every L(s) sees only its last k steps.

    For each source s the forward pass restarts at step s-k+1 from the state
    h(s-k) of the ``frozen`` (unperturbed) arrays, a constant (a stop-gradient);
    when s-k+1 <= 0 the window starts at the initial state h0 itself, which is a
    leaf (it is not the output of any step), so it stays differentiable.
    """
    T = xs.shape[0]
    mask = np.ones(T, dtype=bool) if mask is None else mask
    frozen_h = hidden_states(frozen, xs)  # constants: h(t) of the unperturbed network
    total = 0.0
    for s in range(T):
        if not mask[s]:
            continue
        start = s - k + 1
        if start <= 0:
            hs = hidden_states(arrays, xs[: s + 1])
        else:
            hs = hidden_states(arrays, xs[: s + 1], start=start, h=frozen_h[start - 1])
        total += step_loss(arrays, hs[-1], targets[s], loss)
    return total


def central_fd(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 3e-4) -> np.ndarray:
    """df/dx by central differences, one entry at a time.

    The fourth-order central stencil (8 (f(x+e) - f(x-e)) - (f(x+2e) - f(x-2e))) / (12 e):
    its truncation error is O(e^4), so a larger step keeps the rounding error small
    too; in float64 it agrees with exact gradients to about 1e-10 relative.
    """
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)

    def at(idx, step):
        shifted = x.copy()
        shifted[idx] += step
        return f(shifted)

    for idx in np.ndindex(x.shape):
        near = at(idx, eps) - at(idx, -eps)  # differences first: exact 0 when f ignores x
        far = at(idx, 2 * eps) - at(idx, -2 * eps)
        g[idx] = (8 * near - far) / (12 * eps)
    return g


def fd_gradients(loss_of: Callable[[dict], float], arrays: dict, eps: float = 3e-4) -> dict:
    """Central-difference gradient of ``loss_of(arrays)`` for every array in ``arrays``."""
    out = {}
    for name, base in arrays.items():

        def f(value, name=name):
            return loss_of({**arrays, name: value})

        out[name] = central_fd(f, base, eps)
    return out


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-6) -> float:
    """||a - b|| / max(||a||, ||b||, floor): relative, but absolute near zero."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denom = max(np.linalg.norm(a), np.linalg.norm(b), floor)
    return float(np.linalg.norm(a - b) / denom)
