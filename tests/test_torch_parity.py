"""Parity with PyTorch autograd (float64), when torch is installed.

``nn.RNN(tanh, batch_first)`` computes h(t) = tanh(W_ih x(t) + b_ih + W_hh h(t-1) + b_hh),
so U -> weight_ih_l0, W -> weight_hh_l0, b -> bias_ih_l0 (bias_hh_l0 = 0), and
``nn.Linear`` gives o(t) = V h(t) + c. The losses are rnncore's sums: cross-entropy with
reduction="sum", and 0.5 * sum of squared errors. torch is optional for users: this module
is skipped (the only allowed skip) when it cannot be imported.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_rnn import make_case, masks, run

torch = pytest.importorskip("torch")

from rnncore import forward  # noqa: E402


def _t(array):
    """A float64 tensor holding a copy of ``array`` (rnncore's arrays are read-only)."""
    return torch.tensor(np.array(array, dtype=np.float64))


def torch_backprop(params, xs, targets, h0, loss, mask, truncate=None):
    """Loss, parameter gradients, dL/dh0 and the hidden states, by autograd."""
    H = params.n_hidden
    rnn = torch.nn.RNN(params.n_in, H, nonlinearity="tanh", batch_first=True).double()
    out = torch.nn.Linear(H, params.n_out).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(_t(params.U))
        rnn.weight_hh_l0.copy_(_t(params.W))
        rnn.bias_ih_l0.copy_(_t(params.b))
        rnn.bias_hh_l0.zero_()
        out.weight.copy_(_t(params.V))
        out.bias.copy_(_t(params.c))
    x = torch.from_numpy(np.asarray(xs, dtype=np.float64))[None]  # (1, T, I)
    h_init = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    keep = torch.from_numpy(mask)
    if truncate is None:
        hs, _ = rnn(x, h_init[None, None])  # (1, T, H)
        o = out(hs[0])  # (T, O)
        total = _loss(o[keep], targets, loss, keep)
    else:
        # BPTT(k) by construction: each L(s) reruns its last k steps from a detached state.
        with torch.no_grad():
            hs, _ = rnn(x, h_init[None, None])
        total = torch.zeros((), dtype=torch.float64)
        for s in np.flatnonzero(mask):
            start = s - truncate + 1
            h_start = h_init if start <= 0 else hs[0, start - 1].detach()
            window, _ = rnn(x[:, max(start, 0) : s + 1], h_start[None, None])
            o_s = out(window[0, -1:])
            total = total + _loss(o_s, targets, loss, None, s)
    total.backward()
    grads = {
        "U": rnn.weight_ih_l0.grad,
        "W": rnn.weight_hh_l0.grad,
        "V": out.weight.grad,
        "b": rnn.bias_ih_l0.grad,
        "c": out.bias.grad,
        "h0": h_init.grad,
    }
    with torch.no_grad():
        hs, _ = rnn(x, h_init[None, None])
    return float(total.detach()), {k: v.numpy() for k, v in grads.items()}, hs[0].numpy()


def _loss(o, targets, loss, keep, s=None):
    if s is None:
        y = torch.from_numpy(np.asarray(targets))[keep]
    else:
        y = torch.from_numpy(np.asarray(targets))[s : s + 1]
    if loss == "cross_entropy":
        return torch.nn.functional.cross_entropy(o, y.long(), reduction="sum")
    return 0.5 * torch.sum((o - y) ** 2)


CASES = [(3, 4, 2, 5), (2, 1, 3, 1), (5, 6, 4, 8)]


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize(("I", "H", "O", "T"), CASES)
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
def test_full_bptt_matches_torch(loss, I, H, O, T, mask_name):
    params, xs, targets, h0 = make_case(I, H, O, T, loss, seed=I * H * T)
    mask = masks(T)[mask_name]
    trace, bp = run(params, xs, targets, h0, loss, mask)
    t_loss, t_grads, t_h = torch_backprop(params, xs, targets, h0, loss, mask)
    np.testing.assert_allclose(trace.h, t_h, rtol=0, atol=1e-13)
    assert bp.loss == pytest.approx(t_loss, rel=1e-12, abs=1e-14)
    ours = {**dict(bp.grads.items()), "h0": bp.d_h0}
    for name, g in t_grads.items():
        np.testing.assert_allclose(ours[name], g, rtol=1e-10, atol=1e-13, err_msg=name)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_truncated_bptt_matches_torch_detach(loss, k):
    T = 6
    params, xs, targets, h0 = make_case(3, 4, 3, T, loss, seed=40 + k)
    mask = masks(T)["arbitrary"]
    _, bp = run(params, xs, targets, h0, loss, mask, truncate=k)
    t_loss, t_grads, _ = torch_backprop(params, xs, targets, h0, loss, mask, truncate=k)
    assert bp.loss == pytest.approx(t_loss, rel=1e-12)
    ours = {**dict(bp.grads.items()), "h0": bp.d_h0}
    for name, g in t_grads.items():
        np.testing.assert_allclose(ours[name], g, rtol=1e-10, atol=1e-13, err_msg=name)


def test_torch_softmax_outputs_match():
    params, xs, _, h0 = make_case(3, 4, 5, 6, seed=2)
    trace = forward(params, xs, h0)
    _, _, t_h = torch_backprop(
        params, xs, np.zeros(6, dtype=int), h0, "cross_entropy", masks(6)["all"]
    )
    o = t_h @ params.V.T + params.c
    p = torch.softmax(torch.from_numpy(o), dim=1).numpy()
    np.testing.assert_allclose(trace.y_hat, p, atol=1e-15)
