"""The routes of c(t) and h(t) to the loss (``rnncore.lstm_routes``).

Each route's term is checked two ways: the terms add up to the core's dL/dc(t) and
dL/dh(t), and each term is the derivative of the loss when c(t) (or h(t)) is nudged
on that one edge of the graph only, by central finite differences of a plainly
written LSTM (no rnncore code).
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import step_loss
from test_lstm import arrays_of, make_case, run

from rnncore.lstm_params import GATES
from rnncore.lstm_routes import cell_routes, gate_factors, hidden_routes

EPS = 1e-6
TOL = 1e-7


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def edge_loss(arrays, xs, targets, loss, mask, t, j, eps, edge):
    """L with c_j(t) or h_j(t) shifted by ``eps`` on one outgoing edge only.

    ``edge``: "c->h" (c(t) in h(t) = o tanh c), "c->c" (c(t) in c(t+1) = f c(t) + ...),
    "h->o" (h(t) in the output o(t)) or "h->i", "h->f", "h->g", "h->o_gate"
    (h(t) in that gate's pre-activation at step t+1).
    """
    T, H = xs.shape[0], arrays["h0"].shape[0]
    h, c = arrays["h0"], arrays["c0"]
    bump = np.zeros(H)
    bump[j] = eps
    total = 0.0
    h_in = {}  # h(t-1) as each gate of step t+1 sees it
    c_in = None
    for s in range(T):
        blocks = {}
        for k, name in enumerate(("i", "f", "g", "o_gate")):
            rows = slice(k * H, (k + 1) * H)
            h_seen = h_in.get(name, h) if s == t + 1 else h
            blocks[name] = (
                arrays["W_ih"][rows] @ xs[s]
                + arrays["b_ih"][rows]
                + arrays["W_hh"][rows] @ h_seen
                + arrays["b_hh"][rows]
            )
        i, f, o = _sig(blocks["i"]), _sig(blocks["f"]), _sig(blocks["o_gate"])
        g = np.tanh(blocks["g"])
        c_prev = c_in if (s == t + 1 and c_in is not None) else c
        c = f * c_prev + i * g
        c_for_h = c + bump if (s == t and edge == "c->h") else c
        h = o * np.tanh(c_for_h)
        h_for_o = h + bump if (s == t and edge == "h->o") else h
        if mask[s]:
            total += step_loss(arrays, h_for_o, targets[s], loss)
        if s == t:
            c_in = c + bump if edge == "c->c" else c
            h_in = {
                name: (h + bump if edge == f"h->{name}" else h)
                for name in ("i", "f", "g", "o_gate")
            }
    return total


def fd_edge(arrays, xs, targets, loss, mask, t, j, edge):
    up = edge_loss(arrays, xs, targets, loss, mask, t, j, EPS, edge)
    down = edge_loss(arrays, xs, targets, loss, mask, t, j, -EPS, edge)
    return (up - down) / (2 * EPS)


CASES = [
    (3, 4, 2, 5, "cross_entropy", 0),
    (2, 3, 3, 4, "mse", 1),
    (1, 1, 2, 1, "cross_entropy", 2),
    (2, 2, 1, 3, "mse", 3),
]


@pytest.mark.parametrize("case", CASES)
def test_routes_sum_to_the_cores_errors(case) -> None:
    I, H, O, T, loss, seed = case
    params, xs, targets, h0, c0 = make_case(I, H, O, T, loss, seed)
    _, bp = run(params, xs, targets, h0, c0, loss)
    cr = cell_routes(bp)
    np.testing.assert_allclose(cr.via_h + cr.via_c, bp.d_c, rtol=1e-12, atol=1e-14)
    assert np.all(cr.via_c[-1] == 0)
    hr = hidden_routes(bp)
    summed = sum(part for _, part in hr.parts())
    np.testing.assert_allclose(summed, bp.d_h, rtol=1e-12, atol=1e-14)
    gf = gate_factors(bp)
    for g in GATES:
        np.testing.assert_allclose(gf.up[g] * gf.slope[g], bp.d_gate(g), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", CASES[:2])
def test_each_route_is_the_derivative_along_its_edge(case) -> None:
    I, H, O, T, loss, seed = case
    params, xs, targets, h0, c0 = make_case(I, H, O, T, loss, seed)
    mask = np.ones(T, dtype=bool)
    mask[0] = False  # a step without a loss, too
    _, bp = run(params, xs, targets, h0, c0, loss, mask)
    arrays = arrays_of(params, h0, c0)
    cr, hr = cell_routes(bp), hidden_routes(bp)
    edges = {
        "c->h": cr.via_h,
        "c->c": cr.via_c,
        "h->o": hr.via_output,
        "h->i": hr.via_gate["i"],
        "h->f": hr.via_gate["f"],
        "h->g": hr.via_gate["g"],
        "h->o_gate": hr.via_gate["o"],
    }
    for edge, ours in edges.items():
        fd = np.array(
            [
                [fd_edge(arrays, xs, targets, loss, mask, t, j, edge) for j in range(H)]
                for t in range(T)
            ]
        )
        scale = max(np.abs(fd).max(), 1e-12)
        assert np.abs(ours - fd).max() / scale < TOL, edge


def test_routes_refuse_truncated_bptt() -> None:
    params, xs, targets, h0, c0 = make_case(2, 2, 2, 4)
    _, bp = run(params, xs, targets, h0, c0, "cross_entropy", truncate=2)
    with pytest.raises(ValueError, match="full BPTT"):
        cell_routes(bp)
    with pytest.raises(ValueError, match="full BPTT"):
        hidden_routes(bp)
    gf = gate_factors(bp)  # gate errors factor under truncation too
    for g in GATES:
        np.testing.assert_allclose(gf.up[g] * gf.slope[g], bp.d_gate(g), rtol=1e-12, atol=1e-15)


def test_reach_reads_the_last_row_of_both_jacobians() -> None:
    from rnncore import RNNParams, forward, jacobian_norms
    from rnncore.lstm_analysis import lstm_jacobian_norms
    from rnncore.lstm_routes import reach

    params, xs, _, h0, c0 = make_case(3, 4, 2, 6)
    trace, _ = run(params, xs, np.zeros(6, int), h0, c0, "cross_entropy")
    rnn = RNNParams.random(3, 4, 2, seed=1)
    rtr = forward(rnn, xs)
    r = reach(rnn, rtr, params, trace)
    J, L = jacobian_norms(rnn, rtr), lstm_jacobian_norms(params, trace)
    for d in range(6):
        assert r.rnn_h[d] == J[5, 5 - d] and r.lstm_c[d] == L.c[5, 5 - d]
        assert r.lstm_h[d] == L.h[5, 5 - d] and r.cell_line[d] == L.cell_line[5, 5 - d]
    assert r.rnn_h[0] == r.lstm_c[0] == 1.0
    with pytest.raises(ValueError):
        reach(rnn, forward(rnn, xs[:3]), params, trace)
