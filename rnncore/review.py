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

__all__ = ["DenseReview", "count_parameters", "dense_review", "review_network"]


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
