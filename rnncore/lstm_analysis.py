"""How errors travel back through the LSTM: Jacobians of c(t) and h(t), for WhyLSTM;
and ``lstm_grad_check``, BPTT against central finite differences.

One step maps the state (h(t-1), c(t-1)) to (h(t), c(t)). Its partial derivatives,
with S_* = diag(.) of the gate slopes and W_hh's row blocks R_i, R_f, R_g, R_o::

    dc(t)/dc(t-1) = diag(f(t))                                   the cell line
    dc(t)/dh(t-1) = diag(c(t-1) f'(t)) R_f + diag(g(t) i'(t)) R_i + diag(i(t) g'(t)) R_g
    dh(t)/dc(t-1) = diag(o(t) (1 - tanh(c(t))^2)) dc(t)/dc(t-1)
    dh(t)/dh(t-1) = diag(tanh(c(t)) o'(t)) R_o + diag(o(t) (1 - tanh(c(t))^2)) dc(t)/dh(t-1)

The products of these 2H x 2H step Jacobians give the total derivatives of one node
on another (every route through the graph summed, as backpropagation sums them):

- dh(t)/dh(k): h(k) perturbed, c(k) held (it comes before h(k));
- dc(t)/dc(k): c(k) perturbed, and with it h(k) = o(k) tanh(c(k)) downstream;
- the cell line alone, dc(t)/dc(k) along c only: prod_{j=k+1..t} diag(f(j)), the
  "constant error carousel" (Hochreiter & Schmidhuber 1997): no W, no tanh' on it.

Compare ``rnncore.jacobian_norms`` for the simple RNN's dh(t)/dh(k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.lstm import LSTMTrace, lstm_backward, lstm_forward
from rnncore.lstm_params import LSTM_PARAM_NAMES, LSTMParams
from rnncore.rnn import Loss

__all__ = ["LSTMJacobians", "lstm_grad_check", "lstm_jacobian_norms", "lstm_step_jacobians"]


@dataclass(frozen=True)
class LSTMJacobians:
    """Spectral norms, entry [t, k] for k <= t (indices into the trace), 0 above.

    The diagonal is 1 (a node's derivative on itself is the identity).
    """

    h: np.ndarray  # (T, T) ||dh(t)/dh(k)||_2, every route
    c: np.ndarray  # (T, T) ||dc(t)/dc(k)||_2, every route
    cell_line: np.ndarray  # (T, T) ||prod_{j=k+1..t} diag(f(j))||_2 = max over cells


def lstm_step_jacobians(params: LSTMParams, trace: LSTMTrace) -> np.ndarray:
    """(T, 2H, 2H): d(h(t), c(t)) / d(h(t-1), c(t-1)) of every step t.

    Blocks [[dh/dh, dh/dc], [dc/dh, dc/dc]], each (H, H).
    """
    T, H = trace.h.shape
    R_i, R_f, R_g, R_o = (params.W_hh[k * H : (k + 1) * H] for k in range(4))  # (H, H) each
    i, f, g, o = trace.gate_i, trace.gate_f, trace.gate_g, trace.gate_o  # (T, H)
    tc, c_prev = trace.c_tanh, trace.c_prev  # (T, H)
    out = np.zeros((T, 2 * H, 2 * H))
    for t in range(T):
        dc_dh = (
            (c_prev[t] * f[t] * (1 - f[t]))[:, None] * R_f
            + (g[t] * i[t] * (1 - i[t]))[:, None] * R_i
            + (i[t] * (1 - g[t] ** 2))[:, None] * R_g
        )  # (H, H)
        dc_dc = np.diag(f[t])  # (H, H)
        through = (o[t] * (1 - tc[t] ** 2))[:, None]  # dh(t)/dc(t), a diagonal
        out[t, :H, :H] = (tc[t] * o[t] * (1 - o[t]))[:, None] * R_o + through * dc_dh
        out[t, :H, H:] = through * dc_dc
        out[t, H:, :H] = dc_dh
        out[t, H:, H:] = dc_dc
    return out


def lstm_jacobian_norms(params: LSTMParams, trace: LSTMTrace) -> LSTMJacobians:
    """Norms of dh(t)/dh(k), dc(t)/dc(k) and of the cell line alone, for k <= t."""
    T, H = trace.h.shape
    steps = lstm_step_jacobians(params, trace)  # (T, 2H, 2H)
    dh_dc = trace.gate_o * (1 - trace.c_tanh**2)  # (T, H) diagonal of dh(k)/dc(k)
    h_norms, c_norms, line = (np.zeros((T, T)) for _ in range(3))
    for k in range(T):
        # state perturbations at step k: columns (dh, dc) for a unit dh(k) or dc(k)
        start_h = np.vstack([np.eye(H), np.zeros((H, H))])  # (2H, H)
        start_c = np.vstack([np.diag(dh_dc[k]), np.eye(H)])  # (2H, H)
        J_h, J_c = start_h, start_c
        forget = np.ones(H)
        h_norms[k, k] = c_norms[k, k] = line[k, k] = 1.0
        for t in range(k + 1, T):
            J_h = steps[t] @ J_h  # (2H, H)
            J_c = steps[t] @ J_c
            forget = forget * trace.gate_f[t]
            h_norms[t, k] = np.linalg.norm(J_h[:H], 2)
            c_norms[t, k] = np.linalg.norm(J_c[H:], 2)
            line[t, k] = np.max(np.abs(forget))
    return LSTMJacobians(h=h_norms, c=c_norms, cell_line=line)


def lstm_grad_check(
    params: LSTMParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
    eps: float = 1e-5,
) -> float:
    """Max relative error of ``lstm_backward`` against central finite differences.

    For every parameter array P (and h0, c0) the relative error is
    ||g - g_fd|| / max(||g||, ||g_fd||, 1e-12), with
    g_fd[i] = (L(P + eps e_i) - L(P - eps e_i)) / (2 eps).
    """
    output = "softmax" if loss == "cross_entropy" else "identity"
    trace = lstm_forward(params, xs, h0, c0, output=output)
    bp = lstm_backward(params, trace, targets, loss, loss_mask)
    base = {name: arr for name, arr in params.items()} | {"h0": trace.h0, "c0": trace.c0}
    analytic = {name: g for name, g in bp.grads.items()} | {"h0": bp.d_h0, "c0": bp.d_c0}

    def total(arrays: dict[str, np.ndarray]) -> float:
        p = LSTMParams(**{k: arrays[k] for k in LSTM_PARAM_NAMES})
        tr = lstm_forward(p, xs, arrays["h0"], arrays["c0"], output=output)
        return lstm_backward(p, tr, targets, loss, loss_mask).loss

    worst = 0.0
    for name, value in base.items():
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            values = []
            for sign in (+1.0, -1.0):
                shifted = value.copy()
                shifted[idx] += sign * eps
                values.append(total(base | {name: shifted}))
            numeric[idx] = (values[0] - values[1]) / (2 * eps)
        g = analytic[name]
        denom = max(np.linalg.norm(g), np.linalg.norm(numeric), 1e-12)
        worst = max(worst, float(np.linalg.norm(g - numeric) / denom))
    return worst
