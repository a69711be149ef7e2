"""Truncated BPTT(k) against independent computations.

Two references share no code with rnncore.backward:

* ``window_loss`` (in ``_reference``): every loss L(s) is recomputed from a forward pass
  that restarts k steps back from the constant (stop-gradient) state h(s-k); its finite
  differences are the BPTT(k) gradient of every parameter and of h0;
* ``explicit_by_source`` (from test_rnn): explicit products of step Jacobians, kept only
  for s - t < k.
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import NAMES, fd_gradients, relative_error, window_loss
from test_rnn import analytic, arrays_of, explicit_by_source, make_case, masks, run

from rnncore import PARAM_NAMES, backward, forward

TOL = 1e-7


def assert_same_backprop(a, b, atol=1e-14):
    for name in PARAM_NAMES:
        np.testing.assert_allclose(getattr(a.grads, name), getattr(b.grads, name), atol=atol)
    for field in ("d_o", "d_h", "d_a", "d_h0", "by_source", "by_source_h"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), atol=atol)
    assert a.loss == b.loss


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("T", [1, 3, 6])
def test_horizon_at_least_T_is_full_bptt(loss, T):
    params, xs, targets, h0 = make_case(3, 4, 2, T, loss, seed=T)
    mask = masks(T)["arbitrary"]
    _, full = run(params, xs, targets, h0, loss, mask)
    for k in (T, T + 1, T + 10):
        _, cut = run(params, xs, targets, h0, loss, mask, truncate=k)
        assert_same_backprop(full, cut)
        assert cut.truncate == k
    assert full.truncate is None


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_truncated_gradients_match_stop_gradient_finite_differences(loss, mask_name, k):
    T = 6
    params, xs, targets, h0 = make_case(3, 3, 2, T, loss, seed=10 + k)
    mask = masks(T)[mask_name]
    _, bp = run(params, xs, targets, h0, loss, mask, truncate=k)
    base = arrays_of(params, h0)
    numeric = fd_gradients(
        lambda arrs: window_loss(arrs, xs, targets, k, loss, mask, frozen=base), base
    )
    got = analytic(bp)
    for name in NAMES:
        err = relative_error(got[name], numeric[name])
        assert err < TOL, f"k={k} {name}: relative error {err:.2e}"


def test_window_loss_is_the_real_loss():
    """The reference's value does not depend on k (only its gradient does)."""
    params, xs, targets, h0 = make_case(3, 3, 2, 6, seed=3)
    base = arrays_of(params, h0)
    _trace, bp = run(params, xs, targets, h0, "cross_entropy")
    for k in (1, 2, 6):
        assert window_loss(base, xs, targets, k, frozen=base) == pytest.approx(bp.loss, 1e-13)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncated_by_source_matches_jacobian_products(k):
    T, H = 7, 4
    params, xs, targets, h0 = make_case(3, H, 2, T, seed=20 + k)
    trace, bp = run(params, xs, targets, h0, "cross_entropy", truncate=k)
    dh, da = explicit_by_source(params, trace, bp.d_o, truncate=k)
    np.testing.assert_allclose(bp.by_source, da, atol=1e-14)
    np.testing.assert_allclose(bp.by_source_h, dh, atol=1e-14)
    np.testing.assert_allclose(bp.by_source.sum(axis=0), bp.d_a, atol=1e-14)
    np.testing.assert_allclose(bp.by_source_h.sum(axis=0), bp.d_h, atol=1e-14)
    for s in range(T):
        for t in range(T):
            inside = s - k < t <= s
            norm = np.linalg.norm(bp.by_source[s, t])
            if inside:
                assert norm > 0, (s, t)
            else:
                assert norm == 0.0, (s, t)  # beyond the horizon, or in the future


def test_truncation_keeps_the_terms_inside_the_horizon_unchanged():
    T = 7
    params, xs, targets, h0 = make_case(3, 4, 2, T, seed=30)
    _, full = run(params, xs, targets, h0, "cross_entropy")
    for k in range(1, T + 1):
        _, cut = run(params, xs, targets, h0, "cross_entropy", truncate=k)
        s, t = np.meshgrid(np.arange(T), np.arange(T), indexing="ij")
        inside = (t <= s) & (s - t < k)
        np.testing.assert_allclose(cut.by_source[inside], full.by_source[inside], atol=1e-15)
        np.testing.assert_array_equal(cut.by_source[~inside], 0.0)


def test_each_extra_step_of_horizon_adds_one_diagonal_of_sources():
    """d_a(k) - d_a(k-1) = the full by_source terms at distance exactly s - t = k-1."""
    T = 7
    params, xs, targets, h0 = make_case(3, 4, 2, T, seed=31)
    _, full = run(params, xs, targets, h0, "cross_entropy")
    prev = None
    for k in range(1, T + 1):
        _, cut = run(params, xs, targets, h0, "cross_entropy", truncate=k)
        if prev is not None:
            added = np.zeros_like(full.d_a)
            for t in range(T - (k - 1)):
                added[t] = full.by_source[t + k - 1, t]
            np.testing.assert_allclose(cut.d_a - prev.d_a, added, atol=1e-14)
        prev = cut
    np.testing.assert_allclose(prev.d_a, full.d_a, atol=1e-14)


def test_horizon_one_is_the_instantaneous_error():
    params, xs, targets, h0 = make_case(3, 4, 2, 5, seed=32)
    trace, bp = run(params, xs, targets, h0, "cross_entropy", truncate=1)
    np.testing.assert_allclose(bp.d_h, bp.d_o @ params.V, atol=1e-15)
    np.testing.assert_allclose(bp.d_a, (1 - trace.h**2) * bp.d_h, atol=1e-15)
    # only L(0) reaches h0 (its one-step window starts at h0)
    np.testing.assert_allclose(bp.d_h0, params.W.T @ bp.by_source[0, 0], atol=1e-15)


def test_truncated_per_step_sums_to_grads():
    params, xs, targets, h0 = make_case(3, 4, 2, 6, "mse", seed=33)
    trace, bp = run(params, xs, targets, h0, "mse", masks(6)["arbitrary"], truncate=2)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(
            getattr(bp.per_step, name).sum(axis=0), getattr(bp.grads, name), atol=1e-14
        )
    h_prev = np.vstack([h0, trace.h[:-1]])
    for t in range(6):
        np.testing.assert_allclose(bp.per_step.W[t], np.outer(bp.d_a[t], h_prev[t]), atol=1e-15)


def test_truncation_does_not_change_loss_or_output_errors():
    params, xs, targets, h0 = make_case(3, 4, 2, 6, seed=34)
    _, full = run(params, xs, targets, h0, "cross_entropy")
    _, cut = run(params, xs, targets, h0, "cross_entropy", truncate=2)
    assert cut.loss == full.loss
    np.testing.assert_array_equal(cut.d_o, full.d_o)
    np.testing.assert_array_equal(cut.grads.V, full.grads.V)
    np.testing.assert_array_equal(cut.grads.c, full.grads.c)
    assert np.linalg.norm(cut.grads.W - full.grads.W) > 0


@pytest.mark.parametrize("k", [0, -1, 1.5, "2", np.nan, True])
def test_bad_horizon_is_rejected(k):
    params, xs, targets, h0 = make_case(3, 4, 2, 5)
    trace = forward(params, xs, h0)
    with pytest.raises(ValueError, match="truncate"):
        backward(params, trace, targets, truncate=k)
