"""Numbers for the opening beats of the DCL review (article 001 §1), from a ``DenseReview``.

The article opens with parameters versus variables: in ``y = a x + b`` the variable
``x`` is the data and ``a`` and ``b`` are the parameters learning adjusts. The review
takes ``a`` and ``b`` from its own network (one weight ``U[j, i]`` and the bias
``b[j]`` of the hidden neuron ``j`` the scene features), so the line drawn on that
slide and the one after the review's update are the network's own numbers
(``line_example``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.review import DenseReview

__all__ = ["LineExample", "focus_unit", "line_example"]


def focus_unit(review: DenseReview) -> int:
    """The hidden neuron the review features: the one with the largest error."""
    return int(np.argmax(np.abs(review.backprop.deltas[0])))


@dataclass(frozen=True)
class LineExample:
    """``y = a x + b`` with the parameters of one hidden neuron, before and after the update.

    ``a = U[j, i]`` and ``b = b[j]``; ``x`` is the review input ``x_i`` and ``y`` the
    line's value there. ``x_range``/``y_range`` frame both lines.
    """

    j: int  # hidden neuron (0-based)
    i: int  # input (0-based)
    a: float
    b: float
    x: float
    y: float
    a_new: float
    b_new: float
    y_new: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]


def line_example(review: DenseReview, j: int | None = None) -> LineExample:
    """The line of hidden neuron ``j`` (default: ``focus_unit``) and its largest input.

    Parameters
    ----------
    review
        The review whose parameters (``params`` and ``updated``) provide ``a`` and ``b``.
    j
        The hidden neuron.

    Returns
    -------
    LineExample
        ``i`` is the input with the largest magnitude (the first one on a tie).
    """
    j = focus_unit(review) if j is None else j
    x_vec = review.x
    i = int(np.argmax(np.abs(x_vec)))
    (U, _), (b, _) = review.params.weights, review.params.biases
    (U_new, _), (b_new, _) = review.updated.weights, review.updated.biases
    a, bias, a2, bias2 = float(U[j, i]), float(b[j]), float(U_new[j, i]), float(b_new[j])
    x = float(x_vec[i])
    reach = max(1.0, abs(x))
    x_range = (-reach, reach)
    ends = [a * s + bias for s in x_range] + [a2 * s + bias2 for s in x_range]
    top = max(1.0, float(np.max(np.abs(ends))))
    return LineExample(
        j=j,
        i=i,
        a=a,
        b=bias,
        x=x,
        y=a * x + bias,
        a_new=a2,
        b_new=bias2,
        y_new=a2 * x + bias2,
        x_range=x_range,
        y_range=(-top, top),
    )
