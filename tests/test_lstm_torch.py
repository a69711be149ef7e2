"""LSTM parity with PyTorch autograd (float64), when torch is installed.

``nn.LSTM(batch_first)`` has rnncore's layout exactly: weight_ih_l0 = W_ih, weight_hh_l0 =
W_hh, bias_ih_l0 = b_ih, bias_hh_l0 = b_hh, gates (i, f, g, o); ``nn.Linear`` gives
o(t) = V h(t) + c. The losses are rnncore's sums: cross-entropy with reduction="sum", and
0.5 * sum of squared errors. Truncated BPTT(k) is built in torch by rerunning each L(s)'s
last k steps from a detached (h, c). Everything must agree to 1e-9. torch is optional for
users: this module is skipped when it cannot be imported.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_lstm import make_case, run
from test_rnn import masks

torch = pytest.importorskip("torch")

from rnncore import LIMITS  # noqa: E402

ATOL = 1e-9


def _t(array):
    """A float64 tensor holding a copy of ``array`` (rnncore's arrays are read-only)."""
    return torch.tensor(np.array(array, dtype=np.float64))


def _loss(o, y, loss):
    if loss == "cross_entropy":
        return torch.nn.functional.cross_entropy(o, y.long(), reduction="sum")
    return 0.5 * torch.sum((o - y) ** 2)


def torch_lstm(params, xs, targets, h0, c0, loss, mask, truncate=None):
    """Loss, gradients (with dL/dh0, dL/dc0), h, c and the logits, by autograd."""
    H = params.n_hidden
    lstm = torch.nn.LSTM(params.n_in, H, batch_first=True).double()
    out = torch.nn.Linear(H, params.n_out).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(_t(params.W_ih))
        lstm.weight_hh_l0.copy_(_t(params.W_hh))
        lstm.bias_ih_l0.copy_(_t(params.b_ih))
        lstm.bias_hh_l0.copy_(_t(params.b_hh))
        out.weight.copy_(_t(params.V))
        out.bias.copy_(_t(params.c))
    x = _t(xs)[None]  # (1, T, I)
    h_init = _t(h0).requires_grad_(True)
    c_init = _t(c0).requires_grad_(True)
    y = torch.from_numpy(np.asarray(targets))
    T = xs.shape[0]

    def steps(start, stop, h, c):
        """h(t), c(t) for t = start..stop-1 from the state before ``start``, one step at a time."""
        hs, cs = [], []
        for t in range(start, stop):
            _, (h1, c1) = lstm(x[:, t : t + 1], (h[None, None], c[None, None]))
            h, c = h1[0, 0], c1[0, 0]
            hs.append(h)
            cs.append(c)
        return hs, cs

    keep = np.flatnonzero(mask)
    if truncate is None:
        seq, _ = lstm(x, (h_init[None, None], c_init[None, None]))  # the fused layer
        o = out(seq[0])  # (T, O)
        total = _loss(o[keep], y[keep], loss)
    else:
        with torch.no_grad():
            hs, cs = steps(0, T, h_init, c_init)
        total = torch.zeros((), dtype=torch.float64)
        for s in keep:
            start = s - truncate + 1
            if start <= 0:
                h_s, _ = steps(0, s + 1, h_init, c_init)
            else:
                h_s, _ = steps(start, s + 1, hs[start - 1].detach(), cs[start - 1].detach())
            total = total + _loss(out(h_s[-1][None]), y[s : s + 1], loss)
    if total.requires_grad:  # no loss at all (an empty mask under truncation): no graph
        total.backward()
    grads = {
        "W_ih": lstm.weight_ih_l0.grad,
        "W_hh": lstm.weight_hh_l0.grad,
        "b_ih": lstm.bias_ih_l0.grad,
        "b_hh": lstm.bias_hh_l0.grad,
        "V": out.weight.grad,
        "c": out.bias.grad,
        "h0": h_init.grad,
        "c0": c_init.grad,
    }
    with torch.no_grad():
        hs, cs = steps(0, T, h_init, c_init)
        h, c = torch.stack(hs).numpy(), torch.stack(cs).numpy()
        o = out(torch.stack(hs)).numpy()
    zero = torch.zeros(1, dtype=torch.float64)
    grads = {k: (zero if v is None else v).numpy() for k, v in grads.items()}  # no loss: no grad
    return float(total.detach()), grads, h, c, o


def assert_parity(I, H, O, T, loss, mask, truncate=None, seed=0):
    params, xs, targets, h0, c0 = make_case(I, H, O, T, loss, seed)
    trace, bp = run(params, xs, targets, h0, c0, loss, mask, truncate)
    t_loss, t_grads, t_h, t_c, t_o = torch_lstm(params, xs, targets, h0, c0, loss, mask, truncate)
    np.testing.assert_allclose(trace.h, t_h, rtol=0, atol=ATOL)
    np.testing.assert_allclose(trace.c, t_c, rtol=0, atol=ATOL)
    np.testing.assert_allclose(trace.o, t_o, rtol=0, atol=ATOL)
    if loss == "cross_entropy":
        p = torch.softmax(torch.from_numpy(t_o), dim=1).numpy()
        np.testing.assert_allclose(trace.y_hat, p, rtol=0, atol=ATOL)
    assert abs(bp.loss - t_loss) <= ATOL * max(1.0, abs(t_loss))
    ours = {**dict(bp.grads.items()), "h0": bp.d_h0, "c0": bp.d_c0}
    for name, g in t_grads.items():
        np.testing.assert_allclose(ours[name], np.broadcast_to(g, ours[name].shape), 0, ATOL, name)
    return max(float(np.max(np.abs(ours[n] - t_grads[n]))) for n in ours)


CASES = [(3, 4, 2, 5), (2, 1, 3, 1), (5, 6, 4, 8), (1, 2, 2, 3)]


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize(("I", "H", "O", "T"), CASES)
@pytest.mark.parametrize("mask_name", ["all", "last", "arbitrary"])
def test_full_bptt_matches_torch(loss, I, H, O, T, mask_name):
    assert_parity(I, H, O, T, loss, masks(T)[mask_name], seed=I * H * T)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_truncated_bptt_matches_torch_detach(loss, k):
    T = 6
    assert_parity(3, 4, 3, T, loss, masks(T)["arbitrary"], truncate=k, seed=40 + k)


@pytest.mark.parametrize("truncate", [None, 2])
def test_no_loss_gives_zero_gradients_like_torch(truncate):
    T = 4
    assert_parity(2, 3, 2, T, "cross_entropy", masks(T)["none"], truncate, seed=3)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    I=st.integers(1, LIMITS["n_in"]),
    H=st.integers(1, LIMITS["n_hidden"]),
    O=st.integers(2, LIMITS["n_out"]),
    T=st.integers(1, LIMITS["T"]),
    loss=st.sampled_from(["cross_entropy", "mse"]),
    truncate=st.one_of(st.none(), st.integers(1, LIMITS["T"])),
    seed=st.integers(0, 10_000),
)
def test_any_size_matches_torch(I, H, O, T, loss, truncate, seed):
    mask = np.random.default_rng(seed).random(T) < 0.7
    assert_parity(I, H, O, T, loss, mask, truncate, seed)
