"""Gradient descent and gradient clipping."""

from __future__ import annotations

import numpy as np
import pytest
from test_rnn import make_case, run

from rnncore import PARAM_NAMES, RNNParams, clip_grads, sgd_step


@pytest.fixture
def case():
    params, xs, targets, h0 = make_case(3, 4, 2, 5, seed=1)
    _, bp = run(params, xs, targets, h0, "cross_entropy")
    return params, bp.grads, (xs, targets, h0)


def entries(p: RNNParams) -> np.ndarray:
    return np.concatenate([v.ravel() for _, v in p.items()])


def test_sgd_step_is_params_minus_lr_times_grads(case):
    params, grads, _ = case
    new = sgd_step(params, grads, 0.3)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(
            getattr(new, name), getattr(params, name) - 0.3 * getattr(grads, name)
        )
    # inputs are left untouched
    np.testing.assert_array_equal(entries(sgd_step(params, grads, 0.3)), entries(new))


def test_sgd_step_lowers_the_loss(case):
    params, grads, (xs, targets, h0) = case
    _, before = run(params, xs, targets, h0, "cross_entropy")
    _, after = run(sgd_step(params, grads, 0.05), xs, targets, h0, "cross_entropy")
    assert after.loss < before.loss
    # first-order prediction: dL ~ -lr ||g||^2
    predicted = -0.001 * grads.global_norm() ** 2
    _, tiny = run(sgd_step(params, grads, 0.001), xs, targets, h0, "cross_entropy")
    assert tiny.loss - before.loss == pytest.approx(predicted, rel=1e-2)


def test_clip_by_norm_above_threshold_gives_the_threshold(case):
    _, grads, _ = case
    norm = grads.global_norm()
    threshold = norm / 3
    clipped = clip_grads(grads, threshold)
    assert clipped.global_norm() == pytest.approx(threshold, rel=1e-14)
    # same direction: a positive multiple of the original
    np.testing.assert_allclose(entries(clipped), entries(grads) * (threshold / norm), rtol=1e-14)


def test_clip_by_norm_below_threshold_is_a_no_op(case):
    _, grads, _ = case
    norm = grads.global_norm()
    for threshold in (norm, norm * 1.5, 1e9):
        np.testing.assert_array_equal(entries(clip_grads(grads, threshold)), entries(grads))


def test_clip_elementwise(case):
    _, grads, _ = case
    threshold = 0.5 * np.max(np.abs(entries(grads)))
    clipped = clip_grads(grads, threshold, mode="value")
    e, c = entries(grads), entries(clipped)
    assert np.max(np.abs(c)) == pytest.approx(threshold)
    small = np.abs(e) <= threshold
    np.testing.assert_array_equal(c[small], e[small])
    np.testing.assert_array_equal(c[~small], np.sign(e[~small]) * threshold)
    assert np.any(~small)  # the case actually clips something


def test_sgd_step_with_clipping_uses_clipped_grads(case):
    params, grads, _ = case
    threshold = grads.global_norm() / 4
    new = sgd_step(params, grads, 0.5, clip=threshold)
    step = entries(params) - entries(new)
    assert np.linalg.norm(step) == pytest.approx(0.5 * threshold, rel=1e-12)
    new_v = sgd_step(params, grads, 0.5, clip=0.01, clip_mode="value")
    assert np.max(np.abs(entries(params) - entries(new_v))) == pytest.approx(0.005, rel=1e-12)


@pytest.mark.parametrize("lr", [0, -0.1, np.nan, np.inf, -np.inf, "0.1", None, True])
def test_bad_learning_rate_raises(case, lr):
    params, grads, _ = case
    with pytest.raises(ValueError, match=r"^lr:"):
        sgd_step(params, grads, lr)


@pytest.mark.parametrize("threshold", [0, -1.0, np.nan, np.inf, "1", True])
def test_bad_threshold_raises(case, threshold):
    params, grads, _ = case
    with pytest.raises(ValueError, match=r"^clip"):
        clip_grads(grads, threshold)
    with pytest.raises(ValueError, match=r"^clip"):
        sgd_step(params, grads, 0.1, clip=threshold)


def test_bad_clip_mode_and_mismatched_grads_raise(case):
    params, grads, _ = case
    with pytest.raises(ValueError, match="mode"):
        clip_grads(grads, 1.0, mode="l1")
    other = RNNParams.random(3, 1, 2)  # H = 1 would silently broadcast against H = 4
    with pytest.raises(ValueError, match=r"^grads"):
        sgd_step(params, other, 0.1)
