"""The pieces of one LSTM step, for slides that write the equations out with numbers.

``lstm_forward`` returns whole vectors; a slide that shows a gate's pre-activation
split into its input, recurrent and bias parts, or the cell update element by
element, needs those parts too. In the series' notation (Greff et al.; block input
z is PyTorch's g, ``rnncore.lstm_params``)::

    a_z(t) = W_z x(t) + R_z h(t-1) + b_z      z(t) = tanh(a_z(t))
    a_i(t) = W_i x(t) + R_i h(t-1) + b_i      i(t) = sigma(a_i(t))   (f and o alike)
    c(t) = f(t) * c(t-1) + i(t) * z(t)        h(t) = o(t) * tanh(c(t))

These helpers read the parts off the parameters and the trace and return them with
the trace's own results, so a scene only formats numbers. Indices are array
indices: ``t`` in ``0..T-1`` (``h(t-1)``, ``c(t-1)`` of ``t = 0`` are h0, c0), unit
``j`` in ``0..H-1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.lstm import LSTMTrace
from rnncore.lstm_params import LSTMParams, gate_index

__all__ = [
    "SERIES_GATES",
    "CellUpdate",
    "GateParts",
    "GateTerms",
    "cell_update",
    "gate_parts",
    "gate_terms",
]

SERIES_GATES = ("z", "i", "f", "o")  # the series' order: block input, then the gates


def _check(index: int, size: int, name: str) -> int:
    if not 0 <= index < size:
        raise IndexError(f"{name}: expected 0..{size - 1}, found {index}")
    return int(index)


def _activation(gate: str) -> str:
    """``"tanh"`` for the block input z (g), ``"sigmoid"`` for i, f, o."""
    return "tanh" if gate_index(gate) == gate_index("z") else "sigmoid"


@dataclass(frozen=True)
class GateParts:
    """One gate's pre-activation at step t, as vectors: a = W x(t) + R h(t-1) + b."""

    gate: str  # "z", "i", "f" or "o" (as asked; "g" is z)
    t: int
    activation: str  # "tanh" (z) or "sigmoid"
    w_x: np.ndarray  # (H,) W_gate x(t)
    r_h: np.ndarray  # (H,) R_gate h(t-1)
    b: np.ndarray  # (H,) b_gate (b_ih + b_hh)
    a: np.ndarray  # (H,) the trace's pre-activation
    value: np.ndarray  # (H,) the trace's gate value


def gate_parts(params: LSTMParams, trace: LSTMTrace, gate: str, t: int) -> GateParts:
    """The input, recurrent and bias parts of ``gate``'s pre-activation at step ``t``.

    Parameters
    ----------
    params, trace
        The LSTM and the forward pass it produced.
    gate
        ``"z"`` (or ``"g"``), ``"i"``, ``"f"`` or ``"o"``.
    t
        Time step (array index).
    """
    t = _check(t, trace.T, "t")
    weights = params.gate(gate)
    return GateParts(
        gate=gate,
        t=t,
        activation=_activation(gate),
        w_x=weights.W @ trace.xs[t],
        r_h=weights.R @ trace.h_prev[t],
        b=weights.b.copy(),
        a=trace.pre(gate)[t].copy(),
        value=trace.gate(gate)[t].copy(),
    )


@dataclass(frozen=True)
class GateTerms:
    """One unit's pre-activation written out: a_j = sum_k W_jk x_k + sum_k R_jk h_k + b_j."""

    gate: str
    t: int
    j: int
    activation: str  # "tanh" (z) or "sigmoid"
    w: np.ndarray  # (I,) W_gate[j]
    x: np.ndarray  # (I,) x(t)
    w_terms: np.ndarray  # (I,) W_jk x_k(t)
    w_sum: float
    r: np.ndarray  # (H,) R_gate[j]
    h_prev: np.ndarray  # (H,) h(t-1)
    r_terms: np.ndarray  # (H,) R_jk h_k(t-1)
    r_sum: float
    bias: float  # b_j
    a: float  # the trace's pre-activation
    value: float  # the trace's gate value


def gate_terms(params: LSTMParams, trace: LSTMTrace, gate: str, t: int, j: int) -> GateTerms:
    """The products and sums of unit ``j``'s pre-activation of ``gate`` at step ``t``."""
    t = _check(t, trace.T, "t")
    j = _check(j, params.n_hidden, "j")
    weights = params.gate(gate)
    x, h_prev = trace.xs[t].copy(), trace.h_prev[t].copy()
    w_terms, r_terms = weights.W[j] * x, weights.R[j] * h_prev
    return GateTerms(
        gate=gate,
        t=t,
        j=j,
        activation=_activation(gate),
        w=weights.W[j].copy(),
        x=x,
        w_terms=w_terms,
        w_sum=float(w_terms.sum()),
        r=weights.R[j].copy(),
        h_prev=h_prev,
        r_terms=r_terms,
        r_sum=float(r_terms.sum()),
        bias=float(weights.b[j]),
        a=float(trace.pre(gate)[t, j]),
        value=float(trace.gate(gate)[t, j]),
    )


@dataclass(frozen=True)
class CellUpdate:
    """The cell update of step t element by element (all (H,)).

    ``c = forget_part + input_part`` with ``forget_part = f * c_prev`` and
    ``input_part = i * z``; ``h = o * c_tanh``.
    """

    t: int
    f: np.ndarray
    c_prev: np.ndarray
    forget_part: np.ndarray  # f(t) * c(t-1): what the cell keeps
    i: np.ndarray
    z: np.ndarray
    input_part: np.ndarray  # i(t) * z(t): what the cell writes
    c: np.ndarray  # the trace's c(t)
    o: np.ndarray
    c_tanh: np.ndarray  # the trace's tanh(c(t))
    h: np.ndarray  # the trace's h(t)

    def unit(self, j: int) -> dict[str, float]:
        """Unit ``j``'s numbers by field name (f, c_prev, forget_part, ..., h)."""
        j = _check(j, len(self.c), "j")
        names = ("f", "c_prev", "forget_part", "i", "z", "input_part", "c", "o", "c_tanh", "h")
        return {name: float(getattr(self, name)[j]) for name in names}


def cell_update(trace: LSTMTrace, t: int) -> CellUpdate:
    """c(t) = f * c(t-1) + i * z and h(t) = o * tanh(c(t)) at step ``t``, term by term."""
    t = _check(t, trace.T, "t")
    f, i, z, o = (trace.gate(g)[t].copy() for g in ("f", "i", "z", "o"))
    c_prev = trace.c_prev[t].copy()
    return CellUpdate(
        t=t,
        f=f,
        c_prev=c_prev,
        forget_part=f * c_prev,
        i=i,
        z=z,
        input_part=i * z,
        c=trace.c[t].copy(),
        o=o,
        c_tanh=trace.c_tanh[t].copy(),
        h=trace.h[t].copy(),
    )
