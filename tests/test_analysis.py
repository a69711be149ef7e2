"""Jacobian norms, the Pascanu bound, spectral radius and rescaling of W."""

from __future__ import annotations

import numpy as np
import pytest
from _reference import central_fd, hidden_states
from test_rnn import arrays_of, make_case

from rnncore import (
    forward,
    jacobian_norms,
    largest_singular_value,
    pascanu_bound,
    scale_recurrence,
    spectral_radius,
)


def explicit_jacobian(params, trace, t, k):
    """dh(t)/dh(k) as a product of matrices diag(1 - h(j)^2) W, j = t, t-1, ..., k+1."""
    J = np.eye(params.n_hidden)
    for j in range(t, k, -1):
        J = J @ np.diag(1 - trace.h[j] ** 2) @ params.W
    return J


def fd_jacobian(params, xs, h0, t, k):
    """dh(t)/dh(k) by central differences: perturb h(k), rerun steps k+1..t."""
    arrays = arrays_of(params, h0)
    h_k = hidden_states(arrays, xs)[k]

    def column(i):
        def f(v):
            return hidden_states(arrays, xs[: t + 1], start=k + 1, h=v)[-1][i] if t > k else v[i]

        return central_fd(f, h_k)

    return np.array([column(i) for i in range(params.n_hidden)])  # (H, H) rows: h(t)_i


@pytest.mark.parametrize("H", [1, 3, 5])
def test_jacobian_norms_match_explicit_and_fd_jacobians(H):
    T = 6
    params, xs, _, h0 = make_case(2, H, 2, T, seed=H)
    trace = forward(params, xs, h0)
    norms = jacobian_norms(params, trace)
    assert norms.shape == (T, T)
    for t in range(T):
        for k in range(T):
            if k > t:
                assert norms[t, k] == 0.0
                continue
            J = explicit_jacobian(params, trace, t, k)
            np.testing.assert_allclose(fd_jacobian(params, xs, h0, t, k), J, atol=1e-9)
            sv = np.linalg.svd(J, compute_uv=False)[0]
            assert norms[t, k] == pytest.approx(sv, rel=1e-12, abs=1e-300)
    np.testing.assert_array_equal(np.diag(norms), 1.0)


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5, 3.0])
def test_pascanu_bound_holds(radius):
    T = 8
    params, xs, _, h0 = make_case(3, 4, 2, T, seed=int(radius * 10))
    params = scale_recurrence(params, radius)
    trace = forward(params, xs, h0)
    norms = jacobian_norms(params, trace)
    t, k = np.tril_indices(T)
    bound = pascanu_bound(params.W, t - k)
    assert np.all(norms[t, k] <= bound * (1 + 1e-12))
    sigma = np.linalg.svd(params.W, compute_uv=False)[0]
    np.testing.assert_allclose(bound, sigma ** (t - k).astype(float), rtol=1e-13)


def test_small_recurrence_vanishes():
    T = 8
    params, xs, _, h0 = make_case(3, 4, 2, T, seed=2)
    params = scale_recurrence(params, 0.3)
    norms = jacobian_norms(params, forward(params, xs, h0))
    assert norms[T - 1, 0] < 1e-2
    # monotone in distance for a fixed end point when sigma_max < 1
    assert largest_singular_value(params.W) < 1
    assert np.all(np.diff(norms[T - 1, :T][::-1]) <= 0)


def test_spectral_quantities():
    theta = 0.3
    rot = 2.0 * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    assert spectral_radius(rot) == pytest.approx(2.0, rel=1e-14)  # complex eigenvalues
    assert largest_singular_value(rot) == pytest.approx(2.0, rel=1e-14)
    shear = np.array([[0.5, 10.0], [0.0, 0.5]])  # non-normal: radius << sigma_max
    assert spectral_radius(shear) == pytest.approx(0.5, rel=1e-12)
    assert largest_singular_value(shear) == pytest.approx(
        np.linalg.svd(shear, compute_uv=False)[0], rel=1e-14
    )
    assert largest_singular_value(shear) > 10
    sigma = (np.sqrt(10.0**2 + 4 * 0.5**2) + 10.0) / 2  # closed form for [[a, b], [0, a]]
    np.testing.assert_allclose(pascanu_bound(shear, [0, 1, 2]), [1, sigma, sigma**2], rtol=1e-13)


@pytest.mark.parametrize("target", [0.0, 0.5, 1.0, 2.5])
def test_scale_recurrence_gives_the_requested_radius(target):
    params, _, _, _ = make_case(3, 5, 2, 1, seed=9)
    scaled = scale_recurrence(params, target)
    assert spectral_radius(scaled.W) == pytest.approx(target, abs=1e-12)
    for name in ("U", "V", "b", "c"):
        np.testing.assert_array_equal(getattr(scaled, name), getattr(params, name))
    if target:
        ratio = scaled.W / params.W
        np.testing.assert_allclose(ratio, ratio.flat[0], rtol=1e-13)  # a pure rescaling
        assert ratio.flat[0] > 0


def test_scale_recurrence_rejects_impossible_requests():
    params, _, _, _ = make_case(3, 4, 2, 1)
    with pytest.raises(ValueError, match="spectral radius"):
        scale_recurrence(params.replace(W=np.zeros((4, 4))), 1.0)
    for bad in (-1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="spectral radius"):
            scale_recurrence(params, bad)
