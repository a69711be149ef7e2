"""LSTMParams (validation, the series' notation), lstm_sgd_step and the LSTM Jacobians."""

from __future__ import annotations

import numpy as np
import pytest
from _lstm_reference import lstm_states, lstm_step
from test_lstm import arrays_of, make_case

from rnncore import RNNParams, clip_grads, sgd_step
from rnncore.lstm import lstm_forward
from rnncore.lstm_analysis import lstm_jacobian_norms, lstm_step_jacobians
from rnncore.lstm_params import GATES, LSTM_PARAM_NAMES, GateWeights, LSTMParams, lstm_sgd_step


def shapes(I, H, O):
    return {
        "W_ih": (4 * H, I),
        "W_hh": (4 * H, H),
        "b_ih": (4 * H,),
        "b_hh": (4 * H,),
        "V": (O, H),
        "c": (O,),
    }


def test_random_params_have_pytorch_shapes_and_sizes():
    p = LSTMParams.random(3, 4, 2, seed=1, scale=0.3)
    assert (p.n_in, p.n_hidden, p.n_out) == (3, 4, 2)
    for name, arr in p.items():
        assert arr.shape == shapes(3, 4, 2)[name] and arr.dtype == np.float64
    assert max(np.max(np.abs(p.W_ih)), np.max(np.abs(p.W_hh)), np.max(np.abs(p.V))) <= 0.3
    assert not np.any(p.b) and not np.any(p.c)
    same, other = LSTMParams.random(3, 4, 2, seed=1, scale=0.3), LSTMParams.random(3, 4, 2, 2)
    assert np.array_equal(same.W_hh, p.W_hh) and not np.array_equal(other.W_hh, p.W_hh)
    biased = LSTMParams.random(3, 4, 2, seed=1, forget_bias=1.0)
    np.testing.assert_array_equal(biased.gate("f").b, np.ones(4))
    assert not np.any(biased.gate("i").b) and not np.any(biased.gate("o").b)
    assert tuple(name for name, _ in p.items()) == LSTM_PARAM_NAMES


@pytest.mark.parametrize("name", LSTM_PARAM_NAMES)
def test_wrong_shapes_and_values_are_refused_naming_the_field(name):
    good = {k: np.zeros(s) for k, s in shapes(3, 4, 2).items()}
    shape = list(good[name].shape)
    shape[0 if name == "W_ih" else -1] += 1  # W_ih's columns are n_in: any number is fine
    with pytest.raises(ValueError, match=f"^{name}: expected"):
        LSTMParams(**dict(good, **{name: np.zeros(shape)}))
    bad_value = dict(good, **{name: np.full(good[name].shape, np.nan)})
    with pytest.raises(ValueError, match=f"^{name}: expected finite"):
        LSTMParams(**bad_value)


def test_empty_sizes_and_non_numbers_are_refused():
    with pytest.raises(ValueError, match="W_ih"):
        LSTMParams(**{k: np.zeros(s) for k, s in shapes(0, 2, 1).items()})
    with pytest.raises(ValueError, match="V"):
        LSTMParams(**{**{k: np.zeros(s) for k, s in shapes(1, 2, 1).items()}, "V": "abc"})


def test_the_series_view_is_the_rows_of_the_pytorch_layout():
    p, *_ = make_case(3, 2, 2, 1, seed=4)
    H = 2
    for k, name in enumerate(GATES):
        view = p.gate(name)
        np.testing.assert_array_equal(view.W, p.W_ih[k * H : (k + 1) * H])
        np.testing.assert_array_equal(view.R, p.W_hh[k * H : (k + 1) * H])
        np.testing.assert_array_equal(view.b, (p.b_ih + p.b_hh)[k * H : (k + 1) * H])
    np.testing.assert_array_equal(p.gate("z").W, p.gate("g").W)
    with pytest.raises(ValueError, match="gate"):
        p.gate("y")
    # back from the series' notation: the same cell (biases folded into b_ih)
    again = LSTMParams.from_gates({n: p.gate(n) for n in "zifo"}, p.V, p.c)
    xs = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_allclose(lstm_forward(again, xs).h, lstm_forward(p, xs).h, atol=1e-15)
    with pytest.raises(ValueError, match="gates"):
        LSTMParams.from_gates({n: p.gate(n) for n in "zifg"}, p.V, p.c)
    assert isinstance(p.gate("o"), GateWeights)


@pytest.mark.parametrize("clip", [None, 0.5, 1e6])
@pytest.mark.parametrize("mode", ["norm", "value"])
def test_sgd_step_matches_the_rnn_rule(clip, mode):
    p = LSTMParams.random(2, 3, 2, seed=5)
    g = LSTMParams.random(2, 3, 2, seed=6, scale=2.0)
    new = lstm_sgd_step(p, g, lr=0.1, clip=clip, clip_mode=mode)
    if clip is None:
        expected = {k: v - 0.1 * getattr(g, k) for k, v in p.items()}
    elif mode == "norm":
        factor = min(1.0, clip / g.global_norm())
        expected = {k: v - 0.1 * factor * getattr(g, k) for k, v in p.items()}
    else:
        expected = {k: v - 0.1 * np.clip(getattr(g, k), -clip, clip) for k, v in p.items()}
    for name, value in new.items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-13, atol=1e-16, err_msg=name)
    if clip == 0.5 and mode == "norm":
        step = np.sqrt(
            sum(np.sum((a - b) ** 2) for (_, a), (_, b) in zip(p.items(), new.items(), strict=True))
        )
        assert step == pytest.approx(0.1 * 0.5, rel=1e-12)
    # the same clipping as the simple RNN's sgd_step
    r = RNNParams.random(2, 3, 2, seed=5)
    assert clip_grads(g, 0.5).global_norm() == pytest.approx(0.5)
    assert sgd_step(r, RNNParams.zeros_like(r), lr=0.1).U.tolist() == r.U.tolist()


def test_sgd_step_refuses_bad_rates_and_shapes():
    p = LSTMParams.random(2, 3, 2)
    with pytest.raises(ValueError, match="lr"):
        lstm_sgd_step(p, p, lr=0.0)
    with pytest.raises(ValueError, match="clip"):
        lstm_sgd_step(p, p, lr=0.1, clip=-1.0)
    with pytest.raises(ValueError, match=r"grads\.W_ih"):
        lstm_sgd_step(p, LSTMParams.random(3, 3, 2), lr=0.1)


# ---------------------------------------------------------------- Jacobians


def _fd_state_jacobian(arrays, xs, k, t, perturb, eps=1e-6):
    """d(state at t)/d(node at k) by central differences of the reference cell.

    ``perturb`` is "h" (h(k) moved, c(k) held) or "c" (c(k) moved, and h(k) with it).
    Returns (dh(t)/d., dc(t)/d.), each (H, H).
    """
    states = lstm_states(arrays, xs)
    h_k, c_k = states[k]
    H = h_k.shape[0]
    before = (arrays["h0"], arrays["c0"]) if k == 0 else states[k - 1]
    _, _, (_, _, _, o_k) = lstm_step(arrays, xs[k], *before)  # the output gate of step k
    jh, jc = np.zeros((H, H)), np.zeros((H, H))
    for j in range(H):
        out = []
        for sign in (1.0, -1.0):
            h, c = h_k.copy(), c_k.copy()
            if perturb == "h":
                h[j] += sign * eps
            else:
                c[j] += sign * eps
                h = o_k * np.tanh(c)
            later = lstm_states(arrays, xs[: t + 1], start=k + 1, h=h, c=c)
            out.append(later[-1])
        jh[:, j] = (out[0][0] - out[1][0]) / (2 * eps)
        jc[:, j] = (out[0][1] - out[1][1]) / (2 * eps)
    return jh, jc


def test_jacobian_norms_match_finite_differences_of_the_reference():
    T = 6
    params, xs, _, h0, c0 = make_case(3, 4, 2, T, seed=13)
    trace = lstm_forward(params, xs, h0, c0)
    jac = lstm_jacobian_norms(params, trace)
    arrays = arrays_of(params, h0, c0)
    for k, t in [(0, 1), (1, 4), (2, 5), (0, 5)]:
        jh, _ = _fd_state_jacobian(arrays, xs, k, t, "h")
        _, jc = _fd_state_jacobian(arrays, xs, k, t, "c")
        assert jac.h[t, k] == pytest.approx(np.linalg.norm(jh, 2), rel=1e-6)
        assert jac.c[t, k] == pytest.approx(np.linalg.norm(jc, 2), rel=1e-6)
        line = np.prod(trace.gate_f[k + 1 : t + 1], axis=0)
        assert jac.cell_line[t, k] == pytest.approx(np.max(line), rel=1e-14)
    for m in (jac.h, jac.c, jac.cell_line):
        np.testing.assert_array_equal(np.diag(m), np.ones(T))
        assert np.all(np.triu(m, 1) == 0)


def test_step_jacobians_are_the_one_step_derivatives():
    params, xs, _, h0, c0 = make_case(2, 3, 2, 4, seed=14)
    trace = lstm_forward(params, xs, h0, c0)
    steps = lstm_step_jacobians(params, trace)
    arrays = arrays_of(params, h0, c0)
    t, H, eps = 2, 3, 1e-6
    h_prev, c_prev = trace.h[t - 1], trace.c[t - 1]
    fd = np.zeros((2 * H, 2 * H))
    for j in range(2 * H):
        out = []
        for sign in (1.0, -1.0):
            state = np.concatenate([h_prev, c_prev])
            state[j] += sign * eps
            (h, c) = lstm_states(arrays, xs[: t + 1], start=t, h=state[:H], c=state[H:])[-1]
            out.append(np.concatenate([h, c]))
        fd[:, j] = (out[0] - out[1]) / (2 * eps)
    np.testing.assert_allclose(steps[t], fd, atol=1e-9)
    np.testing.assert_array_equal(steps[t][H:, H:], np.diag(trace.gate_f[t]))
