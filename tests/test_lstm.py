"""LSTM forward pass and BPTT, against an independent reference (``_lstm_reference``).

Every gradient (all six parameter arrays, h0 and c0) is checked by central finite
differences of a loss written out without rnncore code, in float64, to a relative
error below 1e-7; truncated BPTT against finite differences of the windowed loss.
"""

from __future__ import annotations

import numpy as np
import pytest
from _lstm_reference import LSTM_NAMES, lstm_loss, lstm_states, lstm_step, lstm_window_loss
from _reference import fd_gradients, relative_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rnn import masks

from rnncore import LIMITS
from rnncore.lstm import lstm_backward, lstm_forward, sigmoid
from rnncore.lstm_analysis import lstm_grad_check
from rnncore.lstm_params import LSTMParams

TOL = 1e-7


def make_case(I, H, O, T, loss="cross_entropy", seed=0):
    """Random params, inputs, targets and non-zero h0, c0 (so dL/dh0, dL/dc0 are exercised)."""
    rng = np.random.default_rng(seed)
    params = LSTMParams(
        W_ih=rng.normal(0, 0.8, (4 * H, I)),
        W_hh=rng.normal(0, 0.8, (4 * H, H)),
        b_ih=rng.normal(0, 0.3, 4 * H),
        b_hh=rng.normal(0, 0.3, 4 * H),
        V=rng.normal(0, 0.8, (O, H)),
        c=rng.normal(0, 0.3, O),
    )
    xs = rng.normal(0, 1.0, (T, I))
    h0 = rng.uniform(-0.5, 0.5, H)
    c0 = rng.uniform(-1.0, 1.0, H)
    targets = rng.integers(0, O, T) if loss == "cross_entropy" else rng.normal(0, 1.0, (T, O))
    return params, xs, targets, h0, c0


def arrays_of(params, h0, c0):
    return {**dict(params.items()), "h0": np.array(h0, float), "c0": np.array(c0, float)}


def run(params, xs, targets, h0, c0, loss, mask=None, truncate=None):
    output = "softmax" if loss == "cross_entropy" else "identity"
    trace = lstm_forward(params, xs, h0, c0, output=output)
    return trace, lstm_backward(params, trace, targets, loss, mask, truncate)


def analytic(bp):
    return {**dict(bp.grads.items()), "h0": bp.d_h0, "c0": bp.d_c0}


def assert_matches_fd(bp, fd, label):
    ours = analytic(bp)
    for name in LSTM_NAMES:
        err = relative_error(ours[name], fd[name])
        assert err < TOL, f"{label} {name}: relative error {err:.2e}"


# ---------------------------------------------------------------- forward


def test_forward_matches_the_reference_cell():
    params, xs, _, h0, c0 = make_case(3, 4, 2, 6)
    trace = lstm_forward(params, xs, h0, c0)
    arrays = arrays_of(params, h0, c0)
    states = lstm_states(arrays, xs)
    np.testing.assert_allclose(trace.h, [h for h, _ in states], rtol=0, atol=1e-14)
    np.testing.assert_allclose(trace.c, [c for _, c in states], rtol=0, atol=1e-14)
    np.testing.assert_array_equal(trace.h_prev, np.vstack([h0, trace.h[:-1]]))
    np.testing.assert_array_equal(trace.c_prev, np.vstack([c0, trace.c[:-1]]))
    for t in range(6):
        _, _, (i, f, g, o) = lstm_step(arrays, xs[t], trace.h_prev[t], trace.c_prev[t])
        for name, value in zip("ifgo", (i, f, g, o), strict=True):
            np.testing.assert_allclose(getattr(trace, f"gate_{name}")[t], value, atol=1e-15)
    # pre-activations, the series' names, the identities of the cell
    np.testing.assert_allclose(trace.gate_i, sigmoid(trace.a_i), atol=1e-15)
    np.testing.assert_allclose(trace.gate_g, np.tanh(trace.a_g), atol=1e-15)
    np.testing.assert_array_equal(trace.gate("z"), trace.gate_g)
    np.testing.assert_array_equal(trace.pre("z"), trace.a_g)
    np.testing.assert_array_equal(trace.pre("o"), trace.a_o)
    np.testing.assert_allclose(trace.c, trace.gate_f * trace.c_prev + trace.gate_i * trace.gate_g)
    np.testing.assert_allclose(trace.h, trace.gate_o * np.tanh(trace.c), atol=1e-16)
    np.testing.assert_allclose(trace.o, params.c + trace.h @ params.V.T, atol=1e-14)
    e = np.exp(trace.o)
    np.testing.assert_allclose(trace.y_hat, e / e.sum(axis=1, keepdims=True), atol=1e-14)
    assert lstm_forward(params, xs, h0, c0, output="identity").y_hat.tolist() == trace.o.tolist()


def test_forward_defaults_to_zero_state_and_validates():
    params, xs, *_ = make_case(2, 3, 2, 4)
    trace = lstm_forward(params, xs)
    assert trace.h0.tolist() == [0.0] * 3 and trace.c0.tolist() == [0.0] * 3
    with pytest.raises(ValueError, match="c0"):
        lstm_forward(params, xs, c0=np.zeros(2))
    with pytest.raises(ValueError, match="h0"):
        lstm_forward(params, xs, h0=np.full(3, np.nan))
    with pytest.raises(ValueError, match="xs"):
        lstm_forward(params, xs[:, :1])
    with pytest.raises(ValueError, match="output"):
        lstm_forward(params, xs, output="sigmoid")
    with pytest.raises(ValueError, match="gate"):
        trace.gate("x")


def test_sigmoid_is_stable_at_extremes():
    a = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    s = sigmoid(a)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[2] == 0.5 and s[-1] == 1.0
    np.testing.assert_allclose(s[1:4], 1 / (1 + np.exp(-a[1:4])), rtol=1e-15)


# ---------------------------------------------------------------- full BPTT


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize(("I", "H", "O", "T"), [(3, 4, 2, 5), (2, 1, 3, 1), (1, 3, 2, 7)])
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary", "none"])
def test_every_gradient_matches_finite_differences(loss, I, H, O, T, mask_name):
    params, xs, targets, h0, c0 = make_case(I, H, O, T, loss, seed=I * H * T)
    mask = masks(T)[mask_name]
    _, bp = run(params, xs, targets, h0, c0, loss, mask)
    fd = fd_gradients(lambda a: lstm_loss(a, xs, targets, loss, mask), arrays_of(params, h0, c0))
    assert bp.loss == pytest.approx(
        lstm_loss(arrays_of(params, h0, c0), xs, targets, loss, mask), rel=1e-13, abs=1e-15
    )
    assert_matches_fd(bp, fd, "full")
    if mask_name == "none":
        assert bp.loss == 0.0 and all(np.all(g == 0) for g in analytic(bp).values())


def test_the_losses_are_the_per_step_terms():
    params, xs, targets, h0, c0 = make_case(3, 4, 3, 6, seed=3)
    mask = masks(6)["arbitrary"]
    trace, bp = run(params, xs, targets, h0, c0, "cross_entropy", mask)
    expected = np.where(mask, -np.log(trace.y_hat[np.arange(6), targets]), 0.0)
    np.testing.assert_allclose(bp.losses, expected, rtol=1e-14)
    assert bp.loss == pytest.approx(expected.sum(), rel=1e-14)
    np.testing.assert_array_equal(bp.loss_mask, mask)


def test_mse_works_on_a_softmax_trace_and_cross_entropy_needs_one():
    params, xs, targets, h0, c0 = make_case(2, 3, 2, 4, "mse", seed=5)
    soft = lstm_forward(params, xs, h0, c0)
    bp = lstm_backward(params, soft, targets, "mse")
    _, direct = run(params, xs, targets, h0, c0, "mse")
    assert bp.trace.output == "identity" and bp.loss == direct.loss
    np.testing.assert_array_equal(bp.d_o, soft.o - targets)
    ident = lstm_forward(params, xs, h0, c0, output="identity")
    with pytest.raises(ValueError, match="softmax"):
        lstm_backward(params, ident, np.zeros(4, dtype=int), "cross_entropy")


def test_grad_check_is_small_for_both_losses():
    for loss in ("cross_entropy", "mse"):
        params, xs, targets, h0, c0 = make_case(2, 3, 2, 4, loss, seed=11)
        err = lstm_grad_check(params, xs, targets, loss, h0=h0, c0=c0)
        assert err < 1e-6


def test_a_wrong_gradient_fails_grad_check(monkeypatch):
    """The check can fail: a forget-gate error off by a factor is caught."""
    import rnncore.lstm as lstm_module

    params, xs, targets, h0, c0 = make_case(2, 3, 2, 4, seed=12)
    real = lstm_module._walk

    def wrong(*args, **kwargs):
        walk = real(*args, **kwargs)
        walk.d_a[:, 3:6] *= 1.01  # the forget block (H = 3)
        return walk

    monkeypatch.setattr(lstm_module, "_walk", wrong)
    assert lstm_grad_check(params, xs, targets, h0=h0, c0=c0) > 1e-4


# ---------------------------------------------------------------- decompositions


@pytest.mark.parametrize("truncate", [None, 2])
def test_per_step_contributions_sum_to_the_gradients(truncate):
    params, xs, targets, h0, c0 = make_case(3, 4, 2, 6, seed=7)
    trace, bp = run(params, xs, targets, h0, c0, "cross_entropy", None, truncate)
    for name, g in bp.grads.items():
        steps = getattr(bp.per_step, name)
        assert steps.shape[0] == 6
        np.testing.assert_allclose(steps.sum(axis=0), g, rtol=1e-13, atol=1e-15, err_msg=name)
    t = 3
    np.testing.assert_allclose(bp.per_step.W_hh[t], np.outer(bp.d_a[t], trace.h[t - 1]))
    np.testing.assert_allclose(bp.per_step.W_ih[t], np.outer(bp.d_a[t], xs[t]))
    np.testing.assert_allclose(bp.per_step.V[t], np.outer(bp.d_o[t], trace.h[t]))
    np.testing.assert_array_equal(bp.per_step.b_hh, bp.per_step.b_ih)


def test_gate_errors_are_the_pre_activation_derivatives():
    params, xs, targets, h0, c0 = make_case(2, 3, 2, 5, seed=8)
    trace, bp = run(params, xs, targets, h0, c0, "cross_entropy")
    dc, dh, tc = bp.d_c, bp.d_h, np.tanh(trace.c)
    np.testing.assert_allclose(bp.d_a_i, dc * trace.gate_g * trace.gate_i * (1 - trace.gate_i))
    np.testing.assert_allclose(bp.d_a_f, dc * trace.c_prev * trace.gate_f * (1 - trace.gate_f))
    np.testing.assert_allclose(bp.d_a_g, dc * trace.gate_i * (1 - trace.gate_g**2))
    np.testing.assert_allclose(bp.d_a_o, dh * tc * trace.gate_o * (1 - trace.gate_o))
    np.testing.assert_array_equal(bp.d_gate("z"), bp.d_a_g)
    # d_c(t) = d_h(t) o (1 - tanh^2 c) + d_c(t+1) f(t+1); dL/dc0 = d_c(0) f(0)
    later = np.vstack([bp.d_c[1:] * trace.gate_f[1:], np.zeros((1, 3))])
    np.testing.assert_allclose(dc, dh * trace.gate_o * (1 - tc**2) + later, atol=1e-15)
    np.testing.assert_allclose(bp.d_c0, bp.d_c[0] * trace.gate_f[0], atol=1e-16)
    np.testing.assert_allclose(bp.d_h0, params.W_hh.T @ bp.d_a[0], atol=1e-15)
    # the b_ih gradient is the sum of the gate errors, so db_f = sum_t d_a_f(t)
    np.testing.assert_allclose(bp.grads.b_ih[3:6], bp.d_a_f.sum(axis=0), atol=1e-15)


@pytest.mark.parametrize("truncate", [None, 1, 2, 4])
def test_by_source_sums_to_the_totals_and_respects_causality(truncate):
    T = 6
    params, xs, targets, h0, c0 = make_case(3, 4, 2, T, seed=9)
    mask = masks(T)["arbitrary"]
    _, bp = run(params, xs, targets, h0, c0, "cross_entropy", mask, truncate)
    for parts, total in ((bp.by_source_h, bp.d_h), (bp.by_source_c, bp.d_c)):
        assert parts.shape == (T, T, 4)
        np.testing.assert_allclose(parts.sum(axis=0), total, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(bp.by_source_a.sum(axis=0), bp.d_a, rtol=1e-13, atol=1e-15)
    k = T if truncate is None else truncate
    for s in range(T):
        outside = [t for t in range(T) if t > s or t < s - k + 1]
        assert np.all(bp.by_source_c[s, outside] == 0)
        assert np.all(bp.by_source_h[s, outside] == 0)
        if not mask[s]:
            assert np.all(bp.by_source_c[s] == 0)
    np.testing.assert_allclose(bp.norms_by_source, np.linalg.norm(bp.by_source_c, axis=2))


def test_one_source_is_the_gradient_of_its_own_loss():
    """by_source[s] equals BPTT with only L(s) in the mask (an independent run)."""
    T = 5
    params, xs, targets, h0, c0 = make_case(2, 3, 2, T, seed=10)
    _, bp = run(params, xs, targets, h0, c0, "cross_entropy")
    for s in range(T):
        only = np.zeros(T, dtype=bool)
        only[s] = True
        _, alone = run(params, xs, targets, h0, c0, "cross_entropy", only)
        np.testing.assert_allclose(bp.by_source_c[s], alone.d_c, atol=1e-15)
        np.testing.assert_allclose(bp.by_source_h[s], alone.d_h, atol=1e-15)


# ---------------------------------------------------------------- truncation


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("k", [1, 2, 3, 6])
@pytest.mark.parametrize("mask_name", ["all", "arbitrary"])
def test_truncated_bptt_is_the_gradient_of_the_windowed_loss(loss, k, mask_name):
    T = 6
    params, xs, targets, h0, c0 = make_case(3, 4, 2, T, loss, seed=20 + k)
    mask = masks(T)[mask_name]
    _, bp = run(params, xs, targets, h0, c0, loss, mask, truncate=k)
    frozen = arrays_of(params, h0, c0)
    fd = fd_gradients(
        lambda a: lstm_window_loss(a, xs, targets, k, loss, mask, frozen=frozen), frozen
    )
    assert_matches_fd(bp, fd, "truncated")
    _, full = run(params, xs, targets, h0, c0, loss, mask)
    assert bp.loss == pytest.approx(full.loss, rel=1e-14)  # truncation cuts errors, not losses
    if k == T:
        ours, theirs = analytic(bp), analytic(full)
        assert all(np.array_equal(ours[name], theirs[name]) for name in LSTM_NAMES)
    else:
        assert relative_error(bp.grads.W_hh, full.grads.W_hh) > 1e-6  # it does cut something
    if k < T:  # only losses with s < k reach the initial state
        assert np.any(bp.d_c0 != full.d_c0)


def test_truncate_at_or_beyond_T_is_full_bptt_and_bad_values_are_refused():
    params, xs, targets, h0, c0 = make_case(2, 3, 2, 4, seed=30)
    _, full = run(params, xs, targets, h0, c0, "cross_entropy")
    for k in (4, 9, 4.0):
        _, bp = run(params, xs, targets, h0, c0, "cross_entropy", None, k)
        assert bp.truncate == int(k)
        np.testing.assert_array_equal(bp.grads.W_hh, full.grads.W_hh)
        np.testing.assert_array_equal(bp.d_c0, full.d_c0)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="truncate"):
            run(params, xs, targets, h0, c0, "cross_entropy", None, bad)


def test_bad_targets_masks_and_mismatched_traces_are_refused():
    params, xs, targets, h0, c0 = make_case(2, 3, 2, 4, seed=31)
    trace = lstm_forward(params, xs, h0, c0)
    with pytest.raises(ValueError, match="targets"):
        lstm_backward(params, trace, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="loss_mask"):
        lstm_backward(params, trace, targets, loss_mask=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="loss"):
        lstm_backward(params, trace, targets, loss="hinge")  # type: ignore[arg-type]
    other, *_ = make_case(2, 4, 2, 4)
    with pytest.raises(ValueError, match="sizes"):
        lstm_backward(other, trace, targets)


# ---------------------------------------------------------------- every size


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    I=st.integers(1, LIMITS["n_in"]),
    H=st.integers(1, LIMITS["n_hidden"]),
    O=st.integers(1, LIMITS["n_out"]),
    T=st.integers(1, LIMITS["T"]),
    loss=st.sampled_from(["cross_entropy", "mse"]),
    truncate=st.one_of(st.none(), st.integers(1, LIMITS["T"])),
    seed=st.integers(0, 10_000),
)
def test_any_size_matches_finite_differences(I, H, O, T, loss, truncate, seed):
    if loss == "cross_entropy":
        O = max(O, 2)
    params, xs, targets, h0, c0 = make_case(I, H, O, T, loss, seed)
    mask = np.random.default_rng(seed).random(T) < 0.7
    _, bp = run(params, xs, targets, h0, c0, loss, mask, truncate)
    frozen = arrays_of(params, h0, c0)
    if truncate is None:
        fd = fd_gradients(lambda a: lstm_loss(a, xs, targets, loss, mask), frozen)
    else:
        fd = fd_gradients(
            lambda a: lstm_window_loss(a, xs, targets, truncate, loss, mask, frozen), frozen
        )
    assert_matches_fd(bp, fd, "hypothesis")
    np.testing.assert_allclose(bp.by_source_c.sum(axis=0), bp.d_c, rtol=1e-12, atol=1e-14)
