"""A densely connected network (DCL), for the backprop review that precedes BPTT.

Layers l = 1..L with weights W_l (n_l, n_{l-1}) and biases b_l (n_l,)::

    a_l = W_l h_{l-1} + b_l        h_0 = x
    h_l = tanh(a_l)                (hidden layers)
    y_hat = softmax(a_L)           (identity for mse)

Backprop: the "error" of a layer is delta_l = dL/da_l, and each layer's error
comes from the errors of the next layer (the article's red arrows)::

    delta_L = y_hat - y
    delta_l = (1 - h_l^2) * (W_{l+1}^T delta_{l+1})
    dL/dW_l = delta_l h_{l-1}^T    dL/db_l = delta_l
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from rnncore.params import as_float_array
from rnncore.rnn import softmax

__all__ = [
    "DenseBackprop",
    "DenseParams",
    "DenseTrace",
    "dense_backward",
    "dense_forward",
    "dense_sgd_step",
]


@dataclass(frozen=True)
class DenseParams:
    """Weights and biases of every layer, input side first."""

    weights: tuple[np.ndarray, ...]  # W_l (n_l, n_{l-1})
    biases: tuple[np.ndarray, ...]  # b_l (n_l,)

    def __post_init__(self) -> None:
        ws = tuple(as_float_array(w, f"W{i + 1}") for i, w in enumerate(self.weights))
        bs = tuple(as_float_array(b, f"b{i + 1}") for i, b in enumerate(self.biases))
        if not ws or len(ws) != len(bs):
            raise ValueError(
                f"weights/biases: expected as many of each (>=1), found {len(ws)}/{len(bs)}"
            )
        for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ValueError(f"W{i + 1}/b{i + 1}: shapes {w.shape} and {b.shape} do not match")
            if i and w.shape[1] != ws[i - 1].shape[0]:
                raise ValueError(
                    f"W{i + 1}: expected {ws[i - 1].shape[0]} columns, found {w.shape[1]}"
                )
        object.__setattr__(self, "weights", ws)
        object.__setattr__(self, "biases", bs)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Neurons per layer, input layer first."""
        return (self.weights[0].shape[1], *(w.shape[0] for w in self.weights))

    @classmethod
    def random(cls, sizes: tuple[int, ...], seed: int = 0, scale: float = 0.8) -> DenseParams:
        """Uniform weights in [-scale, scale], zero biases."""
        rng = np.random.default_rng(seed)
        ws = tuple(rng.uniform(-scale, scale, (m, n)) for n, m in pairwise(sizes))
        return cls(weights=ws, biases=tuple(np.zeros(m) for m in sizes[1:]))


@dataclass(frozen=True)
class DenseTrace:
    x: np.ndarray  # (n_0,)
    a: tuple[np.ndarray, ...]  # a_l (n_l,), l = 1..L
    h: tuple[np.ndarray, ...]  # h_l (n_l,), l = 0..L-1 activations, h[0] = x
    y_hat: np.ndarray  # (n_L,)
    output: str


def dense_forward(params: DenseParams, x: np.ndarray, output: str = "softmax") -> DenseTrace:
    """One input vector through every layer."""
    x = as_float_array(x, "x")
    if x.shape != (params.sizes[0],):
        raise ValueError(f"x: expected shape ({params.sizes[0]},), found {x.shape}")
    if output not in ("softmax", "identity"):
        raise ValueError(f"output: expected 'softmax' or 'identity', found {output!r}")
    hs, as_ = [x], []
    for i, (w, b) in enumerate(zip(params.weights, params.biases, strict=True)):
        a = w @ hs[-1] + b  # (n_l,)
        as_.append(a)
        if i < len(params.weights) - 1:
            hs.append(np.tanh(a))
    y_hat = softmax(as_[-1]) if output == "softmax" else as_[-1].copy()
    return DenseTrace(x=x, a=tuple(as_), h=tuple(hs), y_hat=y_hat, output=output)


@dataclass(frozen=True)
class DenseBackprop:
    loss: float
    y: np.ndarray  # (n_L,) target vector
    deltas: tuple[np.ndarray, ...]  # delta_l = dL/da_l, l = 1..L
    grads: DenseParams


def dense_backward(
    params: DenseParams, trace: DenseTrace, target: int | np.ndarray
) -> DenseBackprop:
    """Backprop for one example: class index (softmax/CE) or vector (identity/mse)."""
    n_out = params.sizes[-1]
    if trace.output == "softmax":
        is_index = isinstance(target, (int, np.integer)) and not isinstance(target, bool)
        if not (is_index and 0 <= target < n_out):
            raise ValueError(f"target: expected a class index in 0..{n_out - 1}, found {target!r}")
        y = np.eye(n_out)[int(target)]
        loss = float(-np.log(trace.y_hat[int(target)]))
    else:
        y = as_float_array(target, "target")
        if y.shape != (n_out,):
            raise ValueError(f"target: expected shape ({n_out},), found {y.shape}")
        loss = float(0.5 * np.sum((trace.y_hat - y) ** 2))
    L = len(params.weights)
    deltas: list[np.ndarray] = [trace.y_hat - y]  # delta_L
    for l in range(L - 1, 0, -1):  # l indexes weights; layer l's error from layer l+1's
        deltas.insert(0, (1.0 - trace.h[l] ** 2) * (params.weights[l].T @ deltas[0]))
    grads = DenseParams(
        weights=tuple(np.outer(d, h) for d, h in zip(deltas, trace.h, strict=True)),
        biases=tuple(d.copy() for d in deltas),
    )
    return DenseBackprop(loss=loss, y=y, deltas=tuple(deltas), grads=grads)


def dense_sgd_step(params: DenseParams, grads: DenseParams, lr: float) -> DenseParams:
    """One gradient-descent update of every weight and bias."""
    return DenseParams(
        weights=tuple(w - lr * g for w, g in zip(params.weights, grads.weights, strict=True)),
        biases=tuple(b - lr * g for b, g in zip(params.biases, grads.biases, strict=True)),
    )
