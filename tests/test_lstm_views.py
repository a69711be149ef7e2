"""rnncore.lstm_views: the parts of one LSTM step add up to the trace's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
from test_lstm import make_case

from rnncore.lstm import lstm_forward, sigmoid
from rnncore.lstm_views import SERIES_GATES, cell_update, gate_parts, gate_terms


@pytest.fixture(params=[(3, 4, 2, 5), (1, 1, 1, 1), (8, 10, 6, 10)])
def case(request):
    I, H, O, T = request.param
    params, xs, _, h0, c0 = make_case(I, H, O, T, seed=sum(request.param))
    return params, lstm_forward(params, xs, h0, c0)


def test_gate_parts_sum_to_the_pre_activation_and_the_value(case) -> None:
    params, trace = case
    for t in range(trace.T):
        for gate in SERIES_GATES:
            p = gate_parts(params, trace, gate, t)
            np.testing.assert_allclose(p.w_x + p.r_h + p.b, p.a, atol=1e-12)
            squash = np.tanh if gate == "z" else sigmoid
            np.testing.assert_allclose(squash(p.a), p.value, atol=1e-12)
            assert p.activation == ("tanh" if gate == "z" else "sigmoid")
    z = gate_parts(params, trace, "z", 0)
    np.testing.assert_array_equal(z.value, trace.gate_g[0])  # z is PyTorch's g


def test_gate_terms_are_one_row_of_the_parts(case) -> None:
    params, trace = case
    t = trace.T - 1
    for gate in SERIES_GATES:
        parts = gate_parts(params, trace, gate, t)
        for j in range(params.n_hidden):
            g = gate_terms(params, trace, gate, t, j)
            assert g.w_sum == pytest.approx(parts.w_x[j], abs=1e-12)
            assert g.r_sum == pytest.approx(parts.r_h[j], abs=1e-12)
            assert g.w_sum + g.r_sum + g.bias == pytest.approx(g.a, abs=1e-12)
            np.testing.assert_array_equal(g.h_prev, trace.h_prev[t])
            assert g.value == trace.gate(gate)[t, j]


def test_cell_update_adds_up_to_c_and_h(case) -> None:
    _, trace = case
    for t in range(trace.T):
        u = cell_update(trace, t)
        np.testing.assert_allclose(u.forget_part + u.input_part, trace.c[t], atol=1e-12)
        np.testing.assert_allclose(u.o * u.c_tanh, trace.h[t], atol=1e-12)
        np.testing.assert_array_equal(u.c_prev, trace.c0 if t == 0 else trace.c[t - 1])
        assert u.unit(0)["c"] == trace.c[t, 0]


def test_indices_out_of_range_are_refused(case) -> None:
    params, trace = case
    with pytest.raises(IndexError, match="t: expected"):
        cell_update(trace, trace.T)
    with pytest.raises(IndexError, match="j: expected"):
        gate_terms(params, trace, "f", 0, params.n_hidden)
    with pytest.raises(ValueError, match="gate"):
        gate_parts(params, trace, "q", 0)
