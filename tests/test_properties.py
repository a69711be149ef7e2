"""Property-based tests (hypothesis) over random sizes, sequences, masks and seeds.

Sizes I, H, O in 1..6 (O >= 2 for cross-entropy, where one class is a constant loss),
T in 1..8. Each property is an identity that a wrong implementation breaks.
"""

from __future__ import annotations

import numpy as np
from _reference import NAMES, fd_gradients, relative_error, rnn_loss, window_loss
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rnn import analytic, arrays_of, make_case, run

from rnncore import (
    PARAM_NAMES,
    clip_grads,
    forward,
    jacobian_norms,
    largest_singular_value,
)

TOL = 1e-7
FAST = settings(max_examples=30, deadline=None)
FD_FLOOR = 1e-4  # gradients smaller than this (saturated tanh) are checked to 1e-11 absolute


@st.composite
def cases(draw, max_size=6, max_T=8):
    loss = draw(st.sampled_from(["cross_entropy", "mse"]))
    I = draw(st.integers(1, max_size))
    H = draw(st.integers(1, max_size))
    O = draw(st.integers(2 if loss == "cross_entropy" else 1, max_size))
    T = draw(st.integers(1, max_T))
    seed = draw(st.integers(0, 2**32 - 1))
    mask = np.array(draw(st.lists(st.booleans(), min_size=T, max_size=T)), dtype=bool)
    params, xs, targets, h0 = make_case(I, H, O, T, loss, seed)
    return params, xs, targets, h0, loss, mask


@FAST
@given(cases(max_size=4, max_T=6))
def test_gradients_match_finite_differences(case):
    params, xs, targets, h0, loss, mask = case
    _, bp = run(params, xs, targets, h0, loss, mask)
    numeric = fd_gradients(
        lambda arrs: rnn_loss(arrs, xs, targets, loss, mask), arrays_of(params, h0)
    )
    got = analytic(bp)
    for name in NAMES:
        assert relative_error(got[name], numeric[name], FD_FLOOR) < TOL, name


@FAST
@given(cases(max_size=4, max_T=6), st.integers(1, 7))
def test_truncated_gradients_match_stop_gradient_fd(case, k):
    params, xs, targets, h0, loss, mask = case
    _, bp = run(params, xs, targets, h0, loss, mask, truncate=k)
    base = arrays_of(params, h0)
    numeric = fd_gradients(
        lambda arrs: window_loss(arrs, xs, targets, k, loss, mask, frozen=base), base
    )
    got = analytic(bp)
    for name in NAMES:
        assert relative_error(got[name], numeric[name], FD_FLOOR) < TOL, name


@FAST
@given(cases(), st.one_of(st.none(), st.integers(1, 9)))
def test_decompositions_sum_and_vanish_where_they_must(case, k):
    params, xs, targets, h0, loss, mask = case
    _, bp = run(params, xs, targets, h0, loss, mask, truncate=k)
    T = xs.shape[0]
    atol = 1e-13 * max(1.0, np.abs(bp.d_a).max())
    np.testing.assert_allclose(bp.by_source.sum(axis=0), bp.d_a, atol=atol)
    np.testing.assert_allclose(bp.by_source_h.sum(axis=0), bp.d_h, atol=atol)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(
            getattr(bp.per_step, name).sum(axis=0), getattr(bp.grads, name), atol=1e-12
        )
    s, t = np.meshgrid(np.arange(T), np.arange(T), indexing="ij")
    reach = T if k is None else k
    outside = (t > s) | (s - t >= reach) | ~mask[:, None]
    assert np.all(bp.by_source[outside] == 0.0)
    assert np.all(bp.by_source_h[outside] == 0.0)
    np.testing.assert_allclose(bp.norms_by_source, np.linalg.norm(bp.by_source, axis=2))
    assert bp.loss == np.sum(bp.losses) and np.all(bp.losses[~mask] == 0)


@FAST
@given(cases())
def test_truncation_identities(case):
    params, xs, targets, h0, loss, mask = case
    T = xs.shape[0]
    _, full = run(params, xs, targets, h0, loss, mask)
    s, t = np.meshgrid(np.arange(T), np.arange(T), indexing="ij")
    previous = np.zeros_like(full.d_a)
    for k in range(1, T + 2):
        _, cut = run(params, xs, targets, h0, loss, mask, truncate=k)
        inside = (t <= s) & (s - t < k)
        # truncation only drops terms; the ones it keeps are the full ones
        np.testing.assert_allclose(cut.by_source[inside], full.by_source[inside], atol=1e-14)
        # growing the horizon by one adds exactly the terms at distance k-1
        added = np.where(((s - t) == k - 1)[:, :, None], full.by_source, 0.0).sum(axis=0)
        np.testing.assert_allclose(cut.d_a - previous, added, atol=1e-13)
        previous = cut.d_a
        assert cut.loss == full.loss
        np.testing.assert_array_equal(cut.grads.V, full.grads.V)
        if k >= T:
            for name in PARAM_NAMES:
                np.testing.assert_allclose(
                    getattr(cut.grads, name), getattr(full.grads, name), atol=1e-13
                )
            np.testing.assert_allclose(cut.d_h0, full.d_h0, atol=1e-13)


@FAST
@given(cases(), st.floats(0.1, 3.0))
def test_jacobian_norms_respect_the_pascanu_bound(case, scale):
    params, xs, _, h0, _, _ = case
    params = params.replace(W=params.W * scale)
    norms = jacobian_norms(params, forward(params, xs, h0))
    T = xs.shape[0]
    t, k = np.tril_indices(T)
    assert np.all(norms[t, k] <= largest_singular_value(params.W) ** (t - k) * (1 + 1e-10))
    np.testing.assert_array_equal(np.diag(norms), 1.0)
    assert np.all(np.triu(norms, 1) == 0.0)
    # one step back: ||diag(1 - h(t)^2) W||
    h = forward(params, xs, h0).h
    for step in range(1, T):
        J = (1 - h[step] ** 2)[:, None] * params.W
        assert np.isclose(norms[step, step - 1], np.linalg.norm(J, 2), rtol=1e-12, atol=0)


@FAST
@given(cases(), st.floats(1e-3, 10.0))
def test_clipping_by_norm_caps_the_norm(case, threshold):
    params, xs, targets, h0, loss, mask = case
    _, bp = run(params, xs, targets, h0, loss, mask)
    norm = bp.grads.global_norm()
    clipped = clip_grads(bp.grads, threshold)
    assert np.isclose(clipped.global_norm(), min(norm, threshold), rtol=1e-12, atol=0)
    value = clip_grads(bp.grads, threshold, mode="value")
    for (_, g), (_, c) in zip(bp.grads.items(), value.items(), strict=True):
        np.testing.assert_array_equal(c, np.clip(g, -threshold, threshold))
