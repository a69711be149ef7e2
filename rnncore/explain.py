"""The terms of one neuron's sum, for equations with the values substituted.

The forward pass (``rnn.forward``) returns whole vectors; an equation panel that
writes out one neuron's sum term by term needs the individual products too::

    a_j(t) = b_j + sum_k W_jk h_k(t-1) + sum_i U_ji x_i(t)     (Goodfellow 10.8)
    o_k(t) = c_k + sum_j V_kj h_j(t)                           (10.10)

These helpers return those products and partial sums, read off the parameters and
the trace, and the total the trace holds, so a scene only formats numbers.
Indices are array indices: ``t`` in ``0..T-1`` (``h(t-1)`` of ``t = 0`` is ``h0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.params import RNNParams
from rnncore.rnn import Trace

__all__ = ["HiddenTerms", "OutputTerms", "hidden_terms", "output_terms"]


@dataclass(frozen=True)
class HiddenTerms:
    """The pieces of ``a_j(t) = b_j + W_j. h(t-1) + U_j. x(t)`` and ``h_j(t)``."""

    t: int
    j: int
    bias: float  # b_j
    w: np.ndarray  # (H,) W_jk
    h_prev: np.ndarray  # (H,) h_k(t-1)
    w_terms: np.ndarray  # (H,) W_jk h_k(t-1)
    w_sum: float  # sum_k W_jk h_k(t-1)
    u: np.ndarray  # (I,) U_ji
    x: np.ndarray  # (I,) x_i(t)
    u_terms: np.ndarray  # (I,) U_ji x_i(t)
    u_sum: float  # sum_i U_ji x_i(t)
    a: float  # a_j(t), the trace's value
    h: float  # h_j(t) = tanh(a_j(t)), the trace's value


@dataclass(frozen=True)
class OutputTerms:
    """The pieces of ``o_k(t) = c_k + V_k. h(t)`` and ``y_hat_k(t)``."""

    t: int
    k: int
    bias: float  # c_k
    v: np.ndarray  # (H,) V_kj
    h: np.ndarray  # (H,) h_j(t)
    v_terms: np.ndarray  # (H,) V_kj h_j(t)
    v_sum: float  # sum_j V_kj h_j(t)
    o: float  # o_k(t), the trace's value
    y_hat: float  # y_hat_k(t), the trace's value


def _check(index: int, size: int, name: str) -> int:
    if not 0 <= index < size:
        raise IndexError(f"{name}: expected 0..{size - 1}, found {index}")
    return int(index)


def hidden_terms(params: RNNParams, trace: Trace, t: int, j: int) -> HiddenTerms:
    """The terms of hidden unit ``j`` at step ``t`` (array indices).

    Parameters
    ----------
    params, trace
        The parameters and the forward pass they produced.
    t, j
        Time step (0..T-1) and hidden unit (0..H-1).
    """
    t = _check(t, trace.T, "t")
    j = _check(j, params.n_hidden, "j")
    h_prev = trace.h_prev[t]  # (H,)
    x = trace.xs[t]  # (I,)
    w_terms = params.W[j] * h_prev  # (H,)
    u_terms = params.U[j] * x  # (I,)
    return HiddenTerms(
        t=t,
        j=j,
        bias=float(params.b[j]),
        w=params.W[j].copy(),
        h_prev=h_prev.copy(),
        w_terms=w_terms,
        w_sum=float(w_terms.sum()),
        u=params.U[j].copy(),
        x=x.copy(),
        u_terms=u_terms,
        u_sum=float(u_terms.sum()),
        a=float(trace.a[t, j]),
        h=float(trace.h[t, j]),
    )


def output_terms(params: RNNParams, trace: Trace, t: int, k: int) -> OutputTerms:
    """The terms of output unit ``k`` at step ``t`` (array indices)."""
    t = _check(t, trace.T, "t")
    k = _check(k, params.n_out, "k")
    h = trace.h[t]  # (H,)
    v_terms = params.V[k] * h  # (H,)
    return OutputTerms(
        t=t,
        k=k,
        bias=float(params.c[k]),
        v=params.V[k].copy(),
        h=h.copy(),
        v_terms=v_terms,
        v_sum=float(v_terms.sum()),
        o=float(trace.o[t, k]),
        y_hat=float(trace.y_hat[t, k]),
    )
