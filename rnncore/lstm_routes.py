"""The routes of a variable to the loss in the LSTM: its error as a sum over routes.

The series teaches LSTM backpropagation by "following the flows of variables": a
variable's error dL/dv is the sum, over every node v feeds directly, of that node's
error times the local derivative. In the LSTM (``rnncore.lstm``) the cell state c(t)
feeds two nodes and the output h(t) feeds five::

    dL/dc(t) = dL/dh(t) * o(t) (1 - tanh(c(t))^2)       through h(t) = o(t) tanh(c(t))
             + dL/dc(t+1) * f(t+1)                       along the cell line to c(t+1)

    dL/dh(t) = V^T dL/do(t)                              through the output o(t)
             + R_i^T d_a_i(t+1) + R_f^T d_a_f(t+1)       through the four gates of step t+1
             + R_g^T d_a_g(t+1) + R_o^T d_a_o(t+1)       (R_* the row blocks of W_hh)

At the last step the routes into step t+1 do not exist (they are zero). The gate
errors are the product of an upstream error and the gate's local slope::

    d_a_i(t) = dL/dc(t) * [g(t) i(t) (1 - i(t))]
    d_a_f(t) = dL/dc(t) * [c(t-1) f(t) (1 - f(t))]
    d_a_g(t) = dL/dc(t) * [i(t) (1 - g(t)^2)]
    d_a_o(t) = dL/dh(t) * [tanh(c(t)) o(t) (1 - o(t))]

These are views of a full-BPTT ``LSTMBackprop``: every term is computed from its
trace and errors, and the terms of each sum add up to the core's total.

``reach`` puts the two cells side by side for WhyLSTM: how much of an error at the
last step reaches d steps back, through h in the simple RNN, through c and h in the
LSTM, and along the cell line alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.analysis import jacobian_norms
from rnncore.lstm import LSTMBackprop, LSTMTrace
from rnncore.lstm_analysis import lstm_jacobian_norms
from rnncore.lstm_params import GATES, LSTMParams
from rnncore.params import RNNParams
from rnncore.rnn import Trace

__all__ = [
    "CellRoutes",
    "GateFactors",
    "HiddenRoutes",
    "Reach",
    "cell_routes",
    "gate_factors",
    "hidden_routes",
    "reach",
]


def _full(bp: LSTMBackprop) -> None:
    T = bp.d_h.shape[0]
    if bp.truncate is not None and bp.truncate < T:
        raise ValueError(
            f"bp: routes need full BPTT (truncate None or >= T = {T}), found {bp.truncate}"
        )


@dataclass(frozen=True)
class CellRoutes:
    """dL/dc(t) split by the two nodes c(t) feeds; ``via_h + via_c == total``."""

    via_h: np.ndarray  # (T, H) dL/dh(t) * o(t) (1 - tanh(c(t))^2)
    via_c: np.ndarray  # (T, H) dL/dc(t+1) * f(t+1), zero at the last step
    total: np.ndarray  # (T, H) the core's dL/dc(t)
    dh_dc: np.ndarray  # (T, H) o(t) (1 - tanh(c(t))^2): the local slope of h(t) on c(t)
    f_next: np.ndarray  # (T, H) f(t+1): the local slope of c(t+1) on c(t) (0 at the last)


def cell_routes(bp: LSTMBackprop) -> CellRoutes:
    """The two routes of every c(t) to the loss (full BPTT only)."""
    _full(bp)
    tr = bp.trace
    dh_dc = tr.gate_o * (1.0 - tr.c_tanh**2)  # (T, H)
    f_next = np.zeros_like(tr.gate_f)
    f_next[:-1] = tr.gate_f[1:]
    d_c_next = np.zeros_like(bp.d_c)
    d_c_next[:-1] = bp.d_c[1:]
    return CellRoutes(
        via_h=bp.d_h * dh_dc,
        via_c=d_c_next * f_next,
        total=bp.d_c.copy(),
        dh_dc=dh_dc,
        f_next=f_next,
    )


@dataclass(frozen=True)
class HiddenRoutes:
    """dL/dh(t) split by the five nodes h(t) feeds; the parts sum to ``total``."""

    via_output: np.ndarray  # (T, H) V^T dL/do(t)
    via_gate: dict[str, np.ndarray]  # {"i", "f", "g", "o": (T, H) R_*^T d_a_*(t+1)}
    total: np.ndarray  # (T, H) the core's dL/dh(t)

    def parts(self) -> list[tuple[str, np.ndarray]]:
        """``[("output", ...), ("i", ...), ("f", ...), ("g", ...), ("o", ...)]``."""
        return [("output", self.via_output), *((g, self.via_gate[g]) for g in GATES)]


def hidden_routes(bp: LSTMBackprop) -> HiddenRoutes:
    """The five routes of every h(t) to the loss (full BPTT only)."""
    _full(bp)
    p = bp.params
    via_gate = {}
    for g in GATES:
        R = p.gate(g).R  # (H, H)
        nxt = np.zeros_like(bp.d_h)
        nxt[:-1] = bp.d_gate(g)[1:] @ R  # row t: R^T d_a_g(t+1)
        via_gate[g] = nxt
    return HiddenRoutes(via_output=bp.d_o @ p.V, via_gate=via_gate, total=bp.d_h.copy())


@dataclass(frozen=True)
class GateFactors:
    """Each gate error as upstream error times local slope: ``d_a[g] == up[g] * slope[g]``.

    ``up["o"]`` is dL/dh(t); the other gates' is dL/dc(t).
    """

    up: dict[str, np.ndarray]  # {gate: (T, H)}
    slope: dict[str, np.ndarray]  # {gate: (T, H)}
    d_a: dict[str, np.ndarray]  # {gate: (T, H)} the core's gate errors


def gate_factors(bp: LSTMBackprop) -> GateFactors:
    """The two factors of every gate error (any BPTT, truncated too)."""
    tr = bp.trace
    i, f, g, o = tr.gate_i, tr.gate_f, tr.gate_g, tr.gate_o
    slope = {
        "i": g * i * (1.0 - i),
        "f": tr.c_prev * f * (1.0 - f),
        "g": i * (1.0 - g**2),
        "o": tr.c_tanh * o * (1.0 - o),
    }
    up = {"i": bp.d_c, "f": bp.d_c, "g": bp.d_c, "o": bp.d_h}
    return GateFactors(
        up={k: v.copy() for k, v in up.items()},
        slope=slope,
        d_a={k: bp.d_gate(k).copy() for k in GATES},
    )


@dataclass(frozen=True)
class Reach:
    """How much of an error at the last step reaches d steps back, d = 0..T-1.

    Spectral norms of the last step's Jacobians on step T-1-d (entries of
    ``jacobian_norms`` and ``lstm_jacobian_norms``, row T-1, read backwards).
    """

    distances: np.ndarray  # (T,) 0..T-1
    rnn_h: np.ndarray  # (T,) simple RNN ||dh(T)/dh(T-d)||
    lstm_h: np.ndarray  # (T,) LSTM ||dh(T)/dh(T-d)||
    lstm_c: np.ndarray  # (T,) LSTM ||dc(T)/dc(T-d)||
    cell_line: np.ndarray  # (T,) ||prod f|| along the cell line alone


def reach(
    rnn_params: RNNParams, rnn_trace: Trace, lstm_params: LSTMParams, lstm_trace: LSTMTrace
) -> Reach:
    """The simple RNN's and the LSTM's Jacobian norms from the last step back."""
    J = jacobian_norms(rnn_params, rnn_trace)  # (T, T)
    L = lstm_jacobian_norms(lstm_params, lstm_trace)
    T = J.shape[0]
    if L.h.shape[0] != T:
        raise ValueError(f"traces: {T} and {L.h.shape[0]} steps, expected the same sequence")
    d = np.arange(T)
    back = T - 1 - d
    return Reach(
        distances=d,
        rnn_h=J[T - 1, back],
        lstm_h=L.h[T - 1, back],
        lstm_c=L.c[T - 1, back],
        cell_line=L.cell_line[T - 1, back],
    )
