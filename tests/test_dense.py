"""The dense (DCL) network of the backprop review, against an independent loss and FD."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from _reference import central_fd, relative_error

from rnncore import DenseParams, dense_backward, dense_forward, dense_sgd_step

TOL = 1e-7


def reference_loss(weights, biases, x, target, output):
    """The network's loss written out: tanh hidden layers, softmax+CE or identity+mse."""
    h = np.asarray(x, dtype=float)
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        a = w @ h + b
        h = np.tanh(a) if i < len(weights) - 1 else a
    if output == "softmax":
        m = np.max(h)
        return float(m + np.log(np.sum(np.exp(h - m))) - h[target])
    return float(0.5 * np.sum((h - target) ** 2))


def make_dense(sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = DenseParams(
        weights=tuple(rng.normal(0, 0.8, (m, n)) for n, m in itertools.pairwise(sizes)),
        biases=tuple(rng.normal(0, 0.3, m) for m in sizes[1:]),
    )
    return params, rng.normal(0, 1, sizes[0])


CASES = [
    *[
        (sizes, out)
        for sizes in [(3, 4, 2), (2, 5, 3, 2), (4, 2)]
        for out in ("softmax", "identity")
    ],
    ((1, 1, 1), "identity"),  # (a softmax over one class has a constant loss)
]


@pytest.mark.parametrize(("sizes", "output"), CASES)
def test_dense_gradients_match_finite_differences(sizes, output):
    params, x = make_dense(sizes, seed=len(sizes))
    n_out = sizes[-1]
    target = n_out - 1 if output == "softmax" else np.linspace(-1, 1, n_out)
    trace = dense_forward(params, x, output)
    bp = dense_backward(params, trace, target)
    W, B = list(params.weights), list(params.biases)
    assert bp.loss == pytest.approx(reference_loss(W, B, x, target, output), rel=1e-13)
    for i in range(len(W)):

        def f_w(v, i=i):
            return reference_loss([*W[:i], v, *W[i + 1 :]], B, x, target, output)

        def f_b(v, i=i):
            return reference_loss(W, [*B[:i], v, *B[i + 1 :]], x, target, output)

        err_w = relative_error(bp.grads.weights[i], central_fd(f_w, W[i]))
        err_b = relative_error(bp.grads.biases[i], central_fd(f_b, B[i]))
        assert err_w < TOL, f"W{i + 1}: {err_w:.2e}"
        assert err_b < TOL, f"b{i + 1}: {err_b:.2e}"


def test_dense_forward_and_errors_follow_the_equations():
    params, x = make_dense((3, 4, 2))
    trace = dense_forward(params, x)
    (W1, W2), (b1, b2) = params.weights, params.biases
    a1 = W1 @ x + b1
    np.testing.assert_allclose(trace.a[0], a1, atol=1e-15)
    np.testing.assert_allclose(trace.h[1], np.tanh(a1), atol=1e-15)
    np.testing.assert_array_equal(trace.h[0], x)
    a2 = W2 @ np.tanh(a1) + b2
    np.testing.assert_allclose(trace.y_hat, np.exp(a2) / np.exp(a2).sum(), atol=1e-15)
    bp = dense_backward(params, trace, 1)
    np.testing.assert_allclose(bp.deltas[1], trace.y_hat - np.eye(2)[1], atol=1e-15)
    np.testing.assert_allclose(
        bp.deltas[0], (1 - np.tanh(a1) ** 2) * (W2.T @ bp.deltas[1]), atol=1e-15
    )
    np.testing.assert_allclose(bp.grads.weights[0], np.outer(bp.deltas[0], x), atol=1e-15)
    np.testing.assert_array_equal(bp.y, [0.0, 1.0])
    assert params.sizes == (3, 4, 2)


def test_dense_sgd_step_and_descent():
    params, x = make_dense((3, 4, 2), seed=5)
    bp = dense_backward(params, dense_forward(params, x), 0)
    new = dense_sgd_step(params, bp.grads, 0.1)
    for w, g, nw in zip(params.weights, bp.grads.weights, new.weights, strict=True):
        np.testing.assert_array_equal(nw, w - 0.1 * g)
    for b, g, nb in zip(params.biases, bp.grads.biases, new.biases, strict=True):
        np.testing.assert_array_equal(nb, b - 0.1 * g)
    assert dense_backward(new, dense_forward(new, x), 0).loss < bp.loss


def test_dense_random_is_seeded_and_bounded():
    a, b = DenseParams.random((3, 4, 2), seed=3), DenseParams.random((3, 4, 2), seed=3)
    for wa, wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert all(np.all(np.abs(w) <= 0.8) for w in a.weights)
    assert a.sizes == (3, 4, 2)


def test_dense_validation():
    params, x = make_dense((3, 4, 2))
    with pytest.raises(ValueError, match=r"^W2"):
        DenseParams(weights=(np.zeros((4, 3)), np.zeros((2, 5))), biases=(np.zeros(4), np.zeros(2)))
    with pytest.raises(ValueError, match="b1"):
        DenseParams(weights=(np.zeros((4, 3)),), biases=(np.zeros(3),))
    with pytest.raises(ValueError, match="weights/biases"):
        DenseParams(weights=(np.zeros((4, 3)),), biases=())
    with pytest.raises(ValueError, match=r"^W1"):
        DenseParams(weights=(np.full((4, 3), np.nan),), biases=(np.zeros(4),))
    with pytest.raises(ValueError, match=r"^x:"):
        dense_forward(params, np.zeros(4))
    with pytest.raises(ValueError, match=r"^output:"):
        dense_forward(params, x, output="relu")
    trace = dense_forward(params, x)
    for bad in (2, -1, 1.0, True, "1"):
        with pytest.raises(ValueError, match=r"^target:"):
            dense_backward(params, trace, bad)
    id_trace = dense_forward(params, x, output="identity")
    with pytest.raises(ValueError, match=r"^target:"):
        dense_backward(params, id_trace, np.zeros(3))


def test_line_example_is_one_hidden_neurons_weight_and_bias() -> None:
    """y = a x + b of the review's opening: a = U[j, i], b = b[j] before and after the
    review's update, x the largest input, y = a x + b; the axes hold both lines."""
    from rnncore import default_lesson, dense_review
    from rnncore.dense_views import focus_unit, line_example

    review = dense_review(default_lesson())
    ex = line_example(review)
    assert ex.j == focus_unit(review) == int(np.argmax(np.abs(review.backprop.deltas[0])))
    assert ex.i == int(np.argmax(np.abs(review.x)))
    assert ex.a == review.params.weights[0][ex.j, ex.i] and ex.b == review.params.biases[0][ex.j]
    assert ex.a_new == review.updated.weights[0][ex.j, ex.i]
    assert ex.b_new == review.updated.biases[0][ex.j]
    assert (ex.x, ex.y) == (review.x[ex.i], ex.a * ex.x + ex.b)
    assert ex.y_new == ex.a_new * ex.x + ex.b_new
    for s in ex.x_range:
        for a, b in ((ex.a, ex.b), (ex.a_new, ex.b_new)):
            assert ex.y_range[0] <= a * s + b <= ex.y_range[1]
    assert ex.x_range[0] <= ex.x <= ex.x_range[1]
