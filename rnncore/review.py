"""The DCL review example (article 001 §1), derived from a lesson.

Before BPTT the lecture reviews backprop in a three-layer densely connected network
(DCL). The review network is the lesson's RNN with its recurrence removed: the same
input->hidden weights U and bias b, the same hidden->output weights V and bias c, fed
the first input x(0) with the first target y(0)::

    a = U x(0) + b      h = tanh(a)      o = V h + c      y_hat = softmax(o)

So the numbers of the review are the numbers the RNN itself uses, and with h(-1) = 0
the review's forward pass is exactly the RNN's first time step: "simple RNNs are
straightforward applications of DCL".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.dense import (
    DenseBackprop,
    DenseParams,
    DenseTrace,
    dense_backward,
    dense_forward,
    dense_sgd_step,
)
from rnncore.lesson import Lesson

__all__ = [
    "DenseReview",
    "ErrorTerms",
    "count_parameters",
    "dense_review",
    "error_terms",
    "review_network",
]


def review_network(lesson: Lesson) -> tuple[DenseParams, np.ndarray, int | np.ndarray]:
    """The review DCL of ``lesson``: its parameters, input and target.

    Parameters
    ----------
    lesson
        The lesson whose RNN provides the weights.

    Returns
    -------
    params
        ``DenseParams`` with weights ``(U, V)`` and biases ``(b, c)``: sizes
        ``(n_in, n_hidden, n_out)``.
    x
        The first input ``x(0)``, shape ``(n_in,)``.
    target
        The first target: a class index for cross-entropy, a vector ``(n_out,)`` for mse.
    """
    p = lesson.params
    params = DenseParams(weights=(p.U, p.V), biases=(p.b, p.c))
    x = lesson.xs[0].copy()  # (I,)
    target = int(lesson.targets[0]) if lesson.loss == "cross_entropy" else lesson.targets[0].copy()
    return params, x, target


def count_parameters(params: DenseParams) -> tuple[int, int]:
    """``(connections, biases)``: how many weights and how many biases ``params`` has."""
    return (
        int(sum(w.size for w in params.weights)),
        int(sum(b.size for b in params.biases)),
    )


@dataclass(frozen=True)
class DenseReview:
    """One full learning step of the review DCL: forward, backprop, update, forward again."""

    params: DenseParams
    x: np.ndarray  # (n_0,)
    target: int | np.ndarray
    learning_rate: float
    trace: DenseTrace
    backprop: DenseBackprop
    updated: DenseParams  # params after one SGD step
    trace_after: DenseTrace
    loss_after: float

    @property
    def loss(self) -> float:
        """The loss before the update."""
        return self.backprop.loss


def dense_review(lesson: Lesson) -> DenseReview:
    """Forward, backprop and one SGD step (``lesson.learning_rate``) of the review DCL."""
    params, x, target = review_network(lesson)
    trace = dense_forward(params, x, output=lesson.output)
    bp = dense_backward(params, trace, target)
    updated = dense_sgd_step(params, bp.grads, lesson.learning_rate)
    trace_after = dense_forward(updated, x, output=lesson.output)
    loss_after = dense_backward(updated, trace_after, target).loss
    return DenseReview(
        params=params,
        x=x,
        target=target,
        learning_rate=lesson.learning_rate,
        trace=trace,
        backprop=bp,
        updated=updated,
        trace_after=trace_after,
        loss_after=loss_after,
    )


@dataclass(frozen=True)
class ErrorTerms:
    """The pieces of one hidden neuron's error, ``delta_j = (1 - h_j^2) sum_k W_kj delta_k``.

    ``W`` is the next layer's weight matrix and ``delta_k`` the next layer's errors:
    the article's red arrows, all converging on neuron ``j``.
    """

    weights: np.ndarray  # (n_next,) W_kj
    next_deltas: np.ndarray  # (n_next,) delta_k
    products: np.ndarray  # (n_next,) W_kj delta_k
    weighted_sum: float  # sum_k W_kj delta_k
    h: float  # h_j
    slope: float  # 1 - h_j^2, the derivative of tanh
    delta: float  # delta_j


def error_terms(
    params: DenseParams, trace: DenseTrace, backprop: DenseBackprop, j: int, layer: int = 1
) -> ErrorTerms:
    """The terms of the error of neuron ``j`` of hidden layer ``layer`` (1..L-1).

    ``delta`` is read from ``backprop`` (what ``dense_backward`` computed); the other
    fields are the factors of that number.
    """
    n_layers = len(params.weights)
    if not 1 <= layer < n_layers:
        raise ValueError(f"layer: expected a hidden layer in 1..{n_layers - 1}, found {layer}")
    n = params.sizes[layer]
    if not 0 <= j < n:
        raise ValueError(f"j: expected a neuron index in 0..{n - 1}, found {j}")
    w = params.weights[layer][:, j].copy()  # (n_next,)
    d = backprop.deltas[layer].copy()  # (n_next,)
    h = float(trace.h[layer][j])
    return ErrorTerms(
        weights=w,
        next_deltas=d,
        products=w * d,
        weighted_sum=float(w @ d),
        h=h,
        slope=1.0 - h**2,
        delta=float(backprop.deltas[layer - 1][j]),
    )
