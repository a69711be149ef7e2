"""Forward propagation and backpropagation through time of the LSTM cell.

PyTorch's ``nn.LSTM`` followed by ``nn.Linear`` (gate order i, f, g, o; see
``rnncore.lstm_params``)::

    a(t) = W_ih x(t) + b_ih + W_hh h(t-1) + b_hh       (4H,) = [a_i, a_f, a_g, a_o]
    i(t) = sigma(a_i)    f(t) = sigma(a_f)    g(t) = tanh(a_g)    o_gate(t) = sigma(a_o)
    c(t) = f(t) * c(t-1) + i(t) * g(t)                 the cell state
    h(t) = o_gate(t) * tanh(c(t))                      the cell's output
    o(t) = c + V h(t)      y_hat(t) = softmax(o(t))    (identity for "mse")
    L(t) as for the simple RNN, L = sum_t mask(t) L(t), d_o(t) = mask(t) (y_hat(t) - y(t))

In the series' notation (Greff et al.) g is the block input z and h the block output y.

Backward, from the last step to the first (d_a(T) = 0, d_c(T) = 0)::

    d_h(t) = V^T d_o(t) + W_hh^T d_a(t+1)                         dL/dh(t)
    d_c(t) = d_h(t) * o_gate(t) * (1 - tanh(c(t))^2) + d_c(t+1) * f(t+1)   dL/dc(t)
    d_a_o(t) = d_h(t) * tanh(c(t)) * o_gate(t) (1 - o_gate(t))
    d_a_i(t) = d_c(t) * g(t) * i(t) (1 - i(t))
    d_a_f(t) = d_c(t) * c(t-1) * f(t) (1 - f(t))
    d_a_g(t) = d_c(t) * i(t) * (1 - g(t)^2)
    dL/dh0 = W_hh^T d_a(0)        dL/dc0 = d_c(0) * f(0)

and the gradients are sums over time of per-step contributions::

    dL/dW_ih = sum_t d_a(t) x(t)^T      dL/dW_hh = sum_t d_a(t) h(t-1)^T
    dL/db_ih = dL/db_hh = sum_t d_a(t)
    dL/dV = sum_t d_o(t) h(t)^T         dL/dc = sum_t d_o(t)

The loss decides the output, as in ``rnncore.rnn``; ``truncate=k`` is the same
BPTT(k) horizon: each L(s) sends error back through steps s, s-1, ..., s-k+1 only
(through both h and c), and reaches h0 and c0 only when s < k.

Shapes: T time steps, I inputs, H cells, O outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from rnncore.lstm_params import GATES, LSTMParams, LSTMPerStep, gate_index
from rnncore.params import as_float_array
from rnncore.rnn import Loss, _check_mask, _one_hot_targets, softmax

__all__ = [
    "LSTMBackprop",
    "LSTMTrace",
    "lstm_backward",
    "lstm_forward",
    "sigmoid",
]


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-a)), without overflow for large |a|."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _blocks(a: np.ndarray, H: int) -> list[np.ndarray]:
    """The four gate blocks (i, f, g, o) of a (..., 4H) array."""
    return [a[..., k * H : (k + 1) * H] for k in range(4)]


@dataclass(frozen=True)
class LSTMTrace:
    """Everything the forward pass computed, one row per time step."""

    xs: np.ndarray  # (T, I)
    a: np.ndarray  # (T, 4H) gate pre-activations, blocks (i, f, g, o)
    gate_i: np.ndarray  # (T, H) input gate
    gate_f: np.ndarray  # (T, H) forget gate
    gate_g: np.ndarray  # (T, H) block input (the series' z)
    gate_o: np.ndarray  # (T, H) output gate
    c: np.ndarray  # (T, H) cell state c(t)
    c_tanh: np.ndarray  # (T, H) tanh(c(t))
    h: np.ndarray  # (T, H) h(t) = gate_o * tanh(c(t))
    h0: np.ndarray  # (H,)
    c0: np.ndarray  # (H,)
    o: np.ndarray  # (T, O) logits c + V h(t)
    y_hat: np.ndarray  # (T, O)
    output: str = "softmax"  # "softmax" or "identity"

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    @property
    def h_prev(self) -> np.ndarray:
        """h(t-1) for every t: h0 followed by h(0..T-2)."""
        return np.vstack([self.h0[None, :], self.h[:-1]])  # (T, H)

    @property
    def c_prev(self) -> np.ndarray:
        """c(t-1) for every t: c0 followed by c(0..T-2)."""
        return np.vstack([self.c0[None, :], self.c[:-1]])  # (T, H)

    @property
    def a_i(self) -> np.ndarray:
        return self.pre("i")  # (T, H)

    @property
    def a_f(self) -> np.ndarray:
        return self.pre("f")  # (T, H)

    @property
    def a_g(self) -> np.ndarray:
        return self.pre("g")  # (T, H)

    @property
    def a_o(self) -> np.ndarray:
        return self.pre("o")  # (T, H)

    def pre(self, name: str) -> np.ndarray:
        """(T, H) pre-activation of gate "i", "f", "g" (or "z"), "o"."""
        H = self.h.shape[1]
        k = gate_index(name)
        return self.a[:, k * H : (k + 1) * H]

    def gate(self, name: str) -> np.ndarray:
        """(T, H) value of gate "i", "f", "g" (or "z"), "o"."""
        return getattr(self, f"gate_{GATES[gate_index(name)]}")


def lstm_forward(
    params: LSTMParams,
    xs: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
    output: str = "softmax",
) -> LSTMTrace:
    """Run the LSTM over ``xs`` (T, I) from ``h0``, ``c0`` (zeros by default).

    ``output`` is ``"softmax"`` (classification, cross-entropy) or ``"identity"``
    (regression, mse): y_hat(t) = o(t), as for ``rnncore.forward``.
    """
    xs = as_float_array(xs, "xs")
    if xs.ndim != 2 or xs.shape[1] != params.n_in or xs.shape[0] < 1:
        raise ValueError(f"xs: expected shape (T>=1, {params.n_in}), found {xs.shape}")
    H = params.n_hidden
    state = {}
    for name, value in (("h0", h0), ("c0", c0)):
        state[name] = np.zeros(H) if value is None else as_float_array(value, name)
        if state[name].shape != (H,):
            raise ValueError(f"{name}: expected shape ({H},), found {state[name].shape}")
    if output not in ("softmax", "identity"):
        raise ValueError(f"output: expected 'softmax' or 'identity', found {output!r}")
    T = xs.shape[0]
    a = np.zeros((T, 4 * H))
    gates = np.zeros((T, 4 * H))  # i, f, g, o
    c = np.zeros((T, H))
    h = np.zeros((T, H))
    h_prev, c_prev = state["h0"], state["c0"]
    b = params.b_ih + params.b_hh  # (4H,)
    for t in range(T):
        a[t] = params.W_ih @ xs[t] + params.W_hh @ h_prev + b  # (4H,)
        a_i, a_f, a_g, a_o = _blocks(a[t], H)
        gates[t] = np.concatenate([sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)])
        i, f, g, o_gate = _blocks(gates[t], H)
        c[t] = f * c_prev + i * g  # (H,)
        h[t] = o_gate * np.tanh(c[t])  # (H,)
        h_prev, c_prev = h[t], c[t]
    o = h @ params.V.T + params.c  # (T, O)
    y_hat = softmax(o) if output == "softmax" else o.copy()  # (T, O)
    gate_i, gate_f, gate_g, gate_o = (g.copy() for g in _blocks(gates, H))
    return LSTMTrace(
        xs=xs,
        a=a,
        gate_i=gate_i,
        gate_f=gate_f,
        gate_g=gate_g,
        gate_o=gate_o,
        c=c,
        c_tanh=np.tanh(c),
        h=h,
        h0=state["h0"],
        c0=state["c0"],
        o=o,
        y_hat=y_hat,
        output=output,
    )


@dataclass(frozen=True)
class _Walk:
    """The errors one backward walk produced (all (T, ...), zero where not reached)."""

    d_h: np.ndarray  # (T, H)
    d_c: np.ndarray  # (T, H)
    d_a: np.ndarray  # (T, 4H)
    d_h0: np.ndarray  # (H,)
    d_c0: np.ndarray  # (H,)


def _walk(
    params: LSTMParams, trace: LSTMTrace, d_o: np.ndarray, first: int, last: int, stop: int
) -> _Walk:
    """Send the errors d_o(first..last) back from ``last`` down to step ``stop``.

    With ``stop`` = 0 the carries that leave step 0 are dL/dh0 and dL/dc0; with
    ``stop`` > 0 they are cut (the truncation horizon). Rows of ``d_o`` outside
    ``first..last`` are ignored.
    """
    T, H = trace.h.shape
    d_h, d_c, d_a = np.zeros((T, H)), np.zeros((T, H)), np.zeros((T, 4 * H))
    carry_h, carry_c = np.zeros(H), np.zeros(H)  # W_hh^T d_a(t+1), d_c(t+1) * f(t+1)
    c_prev = trace.c_prev
    for t in range(last, stop - 1, -1):
        d_h[t] = carry_h + (params.V.T @ d_o[t] if first <= t else 0.0)  # (H,)
        o_gate, tc = trace.gate_o[t], trace.c_tanh[t]
        d_c[t] = d_h[t] * o_gate * (1.0 - tc**2) + carry_c  # (H,)
        i, f, g = trace.gate_i[t], trace.gate_f[t], trace.gate_g[t]
        d_a[t] = np.concatenate(
            [
                d_c[t] * g * i * (1.0 - i),  # d_a_i
                d_c[t] * c_prev[t] * f * (1.0 - f),  # d_a_f
                d_c[t] * i * (1.0 - g**2),  # d_a_g
                d_h[t] * tc * o_gate * (1.0 - o_gate),  # d_a_o
            ]
        )
        carry_h = params.W_hh.T @ d_a[t]
        carry_c = d_c[t] * f
    reached = stop == 0
    return _Walk(
        d_h=d_h,
        d_c=d_c,
        d_a=d_a,
        d_h0=carry_h if reached else np.zeros(H),
        d_c0=carry_c if reached else np.zeros(H),
    )


@dataclass(frozen=True)
class LSTMBackprop:
    """The result of BPTT through the LSTM: losses, errors of every step, gradients.

    ``by_source_h``, ``by_source_c`` (T_source, T, H) and ``by_source_a``
    (T_source, T, 4H) split d_h, d_c and the gate errors by the loss L(s) they
    came from; they cost O(T^2 H^2) and are computed on first access.
    """

    loss: float
    losses: np.ndarray  # (T,) L(t), 0 where masked
    y: np.ndarray  # (T, O) the targets as vectors (one-hot for cross-entropy)
    d_o: np.ndarray  # (T, O) dL/do(t)
    d_h: np.ndarray  # (T, H) dL/dh(t)
    d_c: np.ndarray  # (T, H) dL/dc(t)
    d_a: np.ndarray  # (T, 4H) dL/da(t), the gate errors, blocks (i, f, g, o)
    d_h0: np.ndarray  # (H,) dL/dh0
    d_c0: np.ndarray  # (H,) dL/dc0
    grads: LSTMParams  # total gradients, sum over t of per_step
    per_step: LSTMPerStep  # (T, ...) contribution of each time step
    loss_mask: np.ndarray  # (T,) bool
    truncate: int | None
    params: LSTMParams
    trace: LSTMTrace

    def d_gate(self, name: str) -> np.ndarray:
        """(T, H) dL/d(pre-activation) of gate "i", "f", "g" (or "z"), "o"."""
        H = self.d_h.shape[1]
        k = gate_index(name)
        return self.d_a[:, k * H : (k + 1) * H]

    @property
    def d_a_i(self) -> np.ndarray:
        return self.d_gate("i")  # (T, H)

    @property
    def d_a_f(self) -> np.ndarray:
        return self.d_gate("f")  # (T, H)

    @property
    def d_a_g(self) -> np.ndarray:
        return self.d_gate("g")  # (T, H)

    @property
    def d_a_o(self) -> np.ndarray:
        return self.d_gate("o")  # (T, H)

    @cached_property
    def _sources(self) -> list[_Walk]:
        T = self.d_h.shape[0]
        k = T if self.truncate is None else self.truncate
        return [_walk(self.params, self.trace, self.d_o, s, s, max(s - k + 1, 0)) for s in range(T)]

    @cached_property
    def by_source_h(self) -> np.ndarray:
        """(T_source, T, H): the part of d_h(t) that the loss L(s) sent back."""
        return np.stack([w.d_h for w in self._sources])

    @cached_property
    def by_source_c(self) -> np.ndarray:
        """(T_source, T, H): the part of d_c(t) that the loss L(s) sent back."""
        return np.stack([w.d_c for w in self._sources])

    @cached_property
    def by_source_a(self) -> np.ndarray:
        """(T_source, T, 4H): the part of the gate errors d_a(t) that L(s) sent back."""
        return np.stack([w.d_a for w in self._sources])

    @cached_property
    def norms_by_source(self) -> np.ndarray:
        """(T_source, T): ||d_c(t)|| of the part that came from L(s), for stacked bars."""
        return np.linalg.norm(self.by_source_c, axis=2)


def _check_truncate(truncate: object) -> int | None:
    if truncate is None:
        return None
    integral = isinstance(truncate, (int, np.integer)) or (
        isinstance(truncate, (float, np.floating)) and float(truncate).is_integer()
    )
    if isinstance(truncate, bool) or not integral or truncate < 1:  # type: ignore[operator]
        raise ValueError(f"truncate: expected an integer >= 1 or None, found {truncate!r}")
    return int(truncate)  # type: ignore[call-overload]


def lstm_backward(
    params: LSTMParams,
    trace: LSTMTrace,
    targets: np.ndarray,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    truncate: int | None = None,
) -> LSTMBackprop:
    """Backpropagation through time through the LSTM.

    Parameters
    ----------
    params, trace
        The parameters and the forward pass they produced.
    targets
        Class indices (T,) for ``"cross_entropy"``, vectors (T, O) for ``"mse"``.
    loss
        ``"cross_entropy"`` (needs a softmax trace) or ``"mse"`` (any trace; the
        result's trace then has y_hat(t) = o(t), ``output="identity"``).
    loss_mask
        (T,) bool: which steps carry a loss (many-to-one: only the last).
    truncate
        BPTT(k): each L(s) sends error back through at most k steps. None: full.
    """
    T, H = trace.h.shape
    sizes = (trace.xs.shape[1], H, trace.o.shape[1])
    if sizes != (params.n_in, params.n_hidden, params.n_out):
        raise ValueError(
            f"trace: computed with sizes (I, H, O) = {sizes}, "
            f"but params have {(params.n_in, params.n_hidden, params.n_out)}"
        )
    y = _one_hot_targets(targets, T, params.n_out, loss)  # (T, O)
    mask = _check_mask(loss_mask, T)
    truncate = _check_truncate(truncate)
    if loss == "cross_entropy" and trace.output != "softmax":
        raise ValueError("loss 'cross_entropy' needs a forward pass with output='softmax'")
    if loss == "mse" and trace.output != "identity":
        trace = replace(trace, y_hat=trace.o.copy(), output="identity")

    if loss == "cross_entropy":
        p = np.sum(trace.y_hat * y, axis=1)  # (T,) probability of the target class
        losses = -np.log(np.maximum(p, np.finfo(float).tiny))
    else:
        losses = 0.5 * np.sum((trace.o - y) ** 2, axis=1)  # (T,)
    losses = np.where(mask, losses, 0.0)
    d_o = (trace.y_hat - y) * mask[:, None]  # (T, O)

    if truncate is None or truncate >= T:
        walk = _walk(params, trace, d_o, 0, T - 1, 0)  # plain BPTT, O(T H^2)
    else:  # BPTT(k): every source walks back its own k steps, O(T k H^2)
        parts = [_walk(params, trace, d_o, s, s, max(s - truncate + 1, 0)) for s in range(T)]
        walk = _Walk(
            **{
                name: np.sum([getattr(w, name) for w in parts], axis=0)
                for name in ("d_h", "d_c", "d_a", "d_h0", "d_c0")
            }
        )

    d_a = walk.d_a
    per_step = LSTMPerStep(
        W_ih=d_a[:, :, None] * trace.xs[:, None, :],  # (T, 4H, I)
        W_hh=d_a[:, :, None] * trace.h_prev[:, None, :],  # (T, 4H, H)
        b_ih=d_a.copy(),  # (T, 4H)
        b_hh=d_a.copy(),  # (T, 4H)
        V=d_o[:, :, None] * trace.h[:, None, :],  # (T, O, H)
        c=d_o.copy(),  # (T, O)
    )
    return LSTMBackprop(
        loss=float(losses.sum()),
        losses=losses,
        y=y,
        d_o=d_o,
        d_h=walk.d_h,
        d_c=walk.d_c,
        d_a=d_a,
        d_h0=walk.d_h0,
        d_c0=walk.d_c0,
        grads=per_step.total(),
        per_step=per_step,
        loss_mask=mask,
        truncate=truncate,
        params=params,
        trace=trace,
    )
