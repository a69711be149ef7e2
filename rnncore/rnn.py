"""Forward propagation and backpropagation through time of the simple RNN.

Notation of Goodfellow, Bengio & Courville, *Deep Learning*, section 10.2::

    a(t) = b + W h(t-1) + U x(t)          (10.8)
    h(t) = tanh(a(t))                     (10.9)
    o(t) = c + V h(t)                     (10.10)
    y_hat(t) = softmax(o(t))              (10.11; identity for "mse")
    L(t) = -log y_hat(t)[y(t)]            (cross_entropy)
    L(t) = 1/2 ||o(t) - y(t)||^2          (mse)
    L = sum_t mask(t) L(t)

Backward, the "errors" of the article (10.18-10.21)::

    d_o(t) = mask(t) (y_hat(t) - y(t))                      (10.18; y one-hot for CE)
    d_h(t) = V^T d_o(t) + W^T d_a(t+1)                      (10.21, d_a(T) = 0)
    d_a(t) = (1 - h(t)^2) * d_h(t)

and the gradients (10.22-10.28) are sums over time of per-step contributions::

    dL/dc = sum_t d_o(t)            dL/dV = sum_t d_o(t) h(t)^T
    dL/db = sum_t d_a(t)            dL/dW = sum_t d_a(t) h(t-1)^T
                                    dL/dU = sum_t d_a(t) x(t)^T

The loss decides the output: ``backward(params, forward(params, xs), y, "mse")``
works as is (o(t) is the same whatever ``forward``'s ``output``) and treats
y_hat(t) = o(t); only cross-entropy needs ``forward``'s softmax trace (the default).
``forward(..., output="identity")`` is for showing the regression outputs.

With ``truncate=k`` every loss L(s) sends its error back through at most k steps
(times s, s-1, ..., s-k+1), Williams & Peng's BPTT(k) horizon.

Shapes: T time steps, I inputs, H hidden units, O outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

import numpy as np

from rnncore.params import PerStep, RNNParams, as_float_array

__all__ = [
    "LOSSES",
    "Backprop",
    "Loss",
    "Trace",
    "backward",
    "forward",
    "grad_check",
    "softmax",
]

Loss = Literal["cross_entropy", "mse"]
LOSSES: tuple[str, ...] = ("cross_entropy", "mse")


def softmax(o: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the max for stability."""
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Trace:
    """Everything the forward pass computed, one row per time step."""

    xs: np.ndarray  # (T, I)
    a: np.ndarray  # (T, H)
    h: np.ndarray  # (T, H)
    h0: np.ndarray  # (H,)
    o: np.ndarray  # (T, O)
    y_hat: np.ndarray  # (T, O)
    output: str = "softmax"  # "softmax" or "identity"

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    @property
    def h_prev(self) -> np.ndarray:
        """h(t-1) for every t: h0 followed by h(0..T-2)."""
        return np.vstack([self.h0[None, :], self.h[:-1]])  # (T, H)


def forward(
    params: RNNParams, xs: np.ndarray, h0: np.ndarray | None = None, output: str = "softmax"
) -> Trace:
    """Run the RNN over ``xs`` (T, I) from ``h0`` (zeros by default).

    ``output`` is ``"softmax"`` (classification, cross-entropy) or ``"identity"``
    (regression, mse): y_hat(t) = o(t).
    """
    xs = as_float_array(xs, "xs")
    if xs.ndim != 2 or xs.shape[1] != params.n_in or xs.shape[0] < 1:
        raise ValueError(f"xs: expected shape (T>=1, {params.n_in}), found {xs.shape}")
    H = params.n_hidden
    h0 = np.zeros(H) if h0 is None else as_float_array(h0, "h0")
    if h0.shape != (H,):
        raise ValueError(f"h0: expected shape ({H},), found {h0.shape}")
    if output not in ("softmax", "identity"):
        raise ValueError(f"output: expected 'softmax' or 'identity', found {output!r}")
    T = xs.shape[0]
    a = np.zeros((T, H))
    h = np.zeros((T, H))
    h_prev = h0
    for t in range(T):
        a[t] = params.b + params.W @ h_prev + params.U @ xs[t]  # (H,)
        h[t] = np.tanh(a[t])  # (H,)
        h_prev = h[t]
    o = h @ params.V.T + params.c  # (T, O)
    y_hat = softmax(o) if output == "softmax" else o.copy()  # (T, O)
    return Trace(xs=xs, a=a, h=h, h0=h0, o=o, y_hat=y_hat, output=output)


def _one_hot_targets(targets: np.ndarray, T: int, O: int, loss: str) -> np.ndarray:
    """Targets as a (T, O) float array y(t), validating shape and range."""
    if loss == "cross_entropy":
        t_arr = np.asarray(targets)
        if t_arr.shape != (T,):
            raise ValueError(f"targets: expected {T} class indices, found shape {t_arr.shape}")
        if not np.issubdtype(t_arr.dtype, np.integer):
            is_float = np.issubdtype(t_arr.dtype, np.floating)
            if not (is_float and np.all(np.isfinite(t_arr)) and np.all(t_arr == np.round(t_arr))):
                raise ValueError(f"targets: expected integer class indices, found {t_arr.dtype}")
            t_arr = t_arr.astype(np.int64)
        if np.any((t_arr < 0) | (t_arr >= O)):
            raise ValueError(f"targets: class indices must be in 0..{O - 1}, found {t_arr}")
        return np.eye(O)[t_arr]  # (T, O)
    if loss == "mse":
        y = as_float_array(targets, "targets")
        if y.shape != (T, O):
            raise ValueError(f"targets: expected shape ({T}, {O}) for mse, found {y.shape}")
        return y
    raise ValueError(f"loss: expected one of {LOSSES}, found {loss!r}")


def _check_mask(loss_mask: np.ndarray | None, T: int) -> np.ndarray:
    if loss_mask is None:
        return np.ones(T, dtype=bool)
    mask = np.asarray(loss_mask)
    if mask.shape != (T,) or mask.dtype != bool:
        raise ValueError(f"loss_mask: expected {T} booleans, found {mask.dtype} {mask.shape}")
    return mask


@dataclass(frozen=True)
class Backprop:
    """The result of BPTT: losses, the errors of every step, gradients.

    ``by_source`` (T_source, T, H) splits ``d_a`` by the loss L(s) it came from;
    it costs O(T^2 H^2) and is computed on first access.
    """

    loss: float
    losses: np.ndarray  # (T,) L(t), 0 where masked
    y: np.ndarray  # (T, O) the targets as vectors (one-hot for cross-entropy)
    d_o: np.ndarray  # (T, O) dL/do(t)
    d_h: np.ndarray  # (T, H) dL/dh(t)
    d_a: np.ndarray  # (T, H) dL/da(t)
    d_h0: np.ndarray  # (H,) dL/dh0
    grads: RNNParams  # total gradients, sum over t of per_step
    per_step: PerStep  # (T, ...) contribution of each time step
    loss_mask: np.ndarray  # (T,) bool
    truncate: int | None
    params: RNNParams
    trace: Trace

    @cached_property
    def by_source(self) -> np.ndarray:
        """(T_source, T, H): the part of d_a(t) that the loss L(s) sent back."""
        T, H = self.d_a.shape
        out = np.zeros((T, T, H))
        for s in range(T):
            _, d_a_s = _errors_from_source(self.params, self.trace, self.d_o[s], s, self.truncate)
            out[s] = d_a_s
        return out

    @cached_property
    def by_source_h(self) -> np.ndarray:
        """(T_source, T, H): the part of d_h(t) that the loss L(s) sent back."""
        T, H = self.d_h.shape
        out = np.zeros((T, T, H))
        for s in range(T):
            out[s], _ = _errors_from_source(self.params, self.trace, self.d_o[s], s, self.truncate)
        return out

    @cached_property
    def norms_by_source(self) -> np.ndarray:
        """(T_source, T): ||d_a(t)|| of the part that came from L(s), for stacked bars."""
        return np.linalg.norm(self.by_source, axis=2)


def _errors_from_source(
    params: RNNParams, trace: Trace, d_o_s: np.ndarray, s: int, truncate: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """d_h and d_a (T, H) caused by the single loss L(s), back to its horizon."""
    T, H = trace.h.shape
    d_h = np.zeros((T, H))
    d_a = np.zeros((T, H))
    stop = -1 if truncate is None else max(s - truncate, -1)  # last t reached is stop+1
    dh = params.V.T @ d_o_s  # (H,) the error enters at h(s) through V
    for t in range(s, stop, -1):
        d_h[t] = dh
        d_a[t] = (1.0 - trace.h[t] ** 2) * dh  # through tanh
        dh = params.W.T @ d_a[t]  # back along the recurrent connections
    return d_h, d_a


def backward(
    params: RNNParams,
    trace: Trace,
    targets: np.ndarray,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    truncate: int | None = None,
) -> Backprop:
    """Backpropagation through time.

    Parameters
    ----------
    params, trace
        The parameters and the forward pass they produced.
    targets
        Class indices (T,) for ``"cross_entropy"``, vectors (T, O) for ``"mse"``.
    loss
        ``"cross_entropy"`` (needs a softmax trace) or ``"mse"``. The loss decides
        the output: mse works on any trace of ``params`` (``forward``'s default
        softmax one too), since o(t) does not depend on the output; its
        ``Backprop.trace`` is that trace with y_hat(t) = o(t), ``output="identity"``.
    loss_mask
        (T,) bool: which steps carry a loss (many-to-one: only the last).
    truncate
        BPTT(k): each L(s) sends error back through at most k steps. None: full.
    """
    T, H = trace.h.shape
    if (trace.xs.shape[1], H, trace.o.shape[1]) != (params.n_in, params.n_hidden, params.n_out):
        raise ValueError(
            f"trace: computed with sizes (I, H, O) = {(trace.xs.shape[1], H, trace.o.shape[1])}, "
            f"but params have {(params.n_in, params.n_hidden, params.n_out)}"
        )
    y = _one_hot_targets(targets, T, params.n_out, loss)  # (T, O)
    mask = _check_mask(loss_mask, T)
    if truncate is not None:
        integral = isinstance(truncate, (int, np.integer)) or (
            isinstance(truncate, (float, np.floating)) and float(truncate).is_integer()
        )
        if isinstance(truncate, bool) or not integral or truncate < 1:
            raise ValueError(f"truncate: expected an integer >= 1 or None, found {truncate!r}")
        truncate = int(truncate)
    if loss == "cross_entropy" and trace.output != "softmax":
        raise ValueError("loss 'cross_entropy' needs a forward pass with output='softmax'")
    if loss == "mse" and trace.output != "identity":
        # The loss decides the output: o(t) is the same either way, y_hat(t) = o(t).
        trace = replace(trace, y_hat=trace.o.copy(), output="identity")

    if loss == "cross_entropy":
        p = np.sum(trace.y_hat * y, axis=1)  # (T,) probability of the target class
        losses = -np.log(np.maximum(p, np.finfo(float).tiny))
    else:
        losses = 0.5 * np.sum((trace.o - y) ** 2, axis=1)  # (T,)
    losses = np.where(mask, losses, 0.0)
    d_o = (trace.y_hat - y) * mask[:, None]  # (T, O) the same form for both losses

    if truncate is None or truncate >= T:
        # Plain BPTT, O(T H^2): one sweep from the last step back.
        d_h = np.zeros((T, H))
        d_a = np.zeros((T, H))
        carry = np.zeros(H)  # W^T d_a(t+1)
        for t in range(T - 1, -1, -1):
            d_h[t] = params.V.T @ d_o[t] + carry  # (H,)
            d_a[t] = (1.0 - trace.h[t] ** 2) * d_h[t]  # (H,)
            carry = params.W.T @ d_a[t]
        d_h0 = carry
        truncate = None if truncate is None else int(truncate)
    else:
        # BPTT(k): every source walks back its own k steps, O(T k H^2).
        d_h = np.zeros((T, H))
        d_a = np.zeros((T, H))
        d_h0 = np.zeros(H)
        for s in range(T):
            dh_s, da_s = _errors_from_source(params, trace, d_o[s], s, truncate)
            d_h += dh_s
            d_a += da_s
            if s < truncate:  # this loss's horizon reaches t = 0, so also h0
                d_h0 += params.W.T @ da_s[0]
        truncate = int(truncate)

    h_prev = trace.h_prev  # (T, H)
    per_step = PerStep(
        U=d_a[:, :, None] * trace.xs[:, None, :],  # (T, H, I)
        W=d_a[:, :, None] * h_prev[:, None, :],  # (T, H, H)
        V=d_o[:, :, None] * trace.h[:, None, :],  # (T, O, H)
        b=d_a.copy(),  # (T, H)
        c=d_o.copy(),  # (T, O)
    )
    return Backprop(
        loss=float(losses.sum()),
        losses=losses,
        y=y,
        d_o=d_o,
        d_h=d_h,
        d_a=d_a,
        d_h0=d_h0,
        grads=per_step.total(),
        per_step=per_step,
        loss_mask=mask,
        truncate=truncate,
        params=params,
        trace=trace,
    )


def _total_loss(
    params: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: Loss,
    loss_mask: np.ndarray | None,
    h0: np.ndarray | None,
) -> float:
    output = "softmax" if loss == "cross_entropy" else "identity"
    trace = forward(params, xs, h0, output=output)
    return backward(params, trace, targets, loss, loss_mask).loss


def grad_check(
    params: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    h0: np.ndarray | None = None,
    eps: float = 1e-5,
) -> float:
    """Max relative error of ``backward`` against central finite differences.

    For every parameter array P (and h0) the relative error is
    ||g - g_fd|| / max(||g||, ||g_fd||, 1e-12), with
    g_fd[i] = (L(P + eps e_i) - L(P - eps e_i)) / (2 eps).
    """
    output = "softmax" if loss == "cross_entropy" else "identity"
    trace = forward(params, xs, h0, output=output)
    bp = backward(params, trace, targets, loss, loss_mask)
    worst = 0.0
    arrays = {name: arr for name, arr in params.items()} | {"h0": trace.h0}
    analytic = {name: g for name, g in bp.grads.items()} | {"h0": bp.d_h0}
    for name, base in arrays.items():
        numeric = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            values = []
            for sign in (+1.0, -1.0):
                shifted = base.copy()
                shifted[idx] += sign * eps
                if name == "h0":
                    values.append(_total_loss(params, xs, targets, loss, loss_mask, shifted))
                else:
                    p = params.replace(**{name: shifted})
                    values.append(_total_loss(p, xs, targets, loss, loss_mask, trace.h0))
            numeric[idx] = (values[0] - values[1]) / (2 * eps)
        g = analytic[name]
        denom = max(np.linalg.norm(g), np.linalg.norm(numeric), 1e-12)
        worst = max(worst, float(np.linalg.norm(g - numeric) / denom))
    return worst
