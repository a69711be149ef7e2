"""Views of backpropagation through time that the BPTT scenes show.

Small pure functions over ``Trace`` / ``Backprop`` results: the two parts of the
implementable form of Goodfellow 10.21 for every neuron, which (source, step) error
paths a truncation horizon keeps, how an error profile depends on the distance it
travelled, and what gradient clipping does to one update.

    dL/dh(t) = V^T dL/do(t)  +  W^T [(1 - h(t+1)^2) * dL/dh(t+1)]
               (from_output)     (from_future = W^T d_a(t+1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.analysis import jacobian_norms, largest_singular_value, pascanu_bound, scale_recurrence
from rnncore.optim import clip_grads, sgd_step
from rnncore.params import RNNParams
from rnncore.rnn import Backprop, Loss, Trace, backward, forward

__all__ = [
    "ClipReport",
    "DhParts",
    "RadiusCase",
    "UpdateReport",
    "clip_report",
    "d_h_parts",
    "grads_difference",
    "horizon_mask",
    "largest_entries",
    "norms_by_distance",
    "radius_cases",
    "source_shares",
    "tanh_derivative",
    "target_prediction",
    "truncation_chunks",
    "update_report",
]


@dataclass(frozen=True)
class DhParts:
    """The two terms of dL/dh(t) (implementable 10.21), one row per step."""

    from_output: np.ndarray  # (T, H) V^T dL/do(t)
    from_future: np.ndarray  # (T, H) W^T d_a(t+1), zero at the last step
    d_h: np.ndarray  # (T, H) their sum


def d_h_parts(bp: Backprop) -> DhParts:
    """Split the full-BPTT ``d_h`` into what comes from o(t) and from h(t+1).

    Raises ``ValueError`` for a truncated ``Backprop`` (its d_h is a sum over
    sources with different horizons, not this recursion).
    """
    if bp.truncate is not None:
        raise ValueError("d_h_parts: expected a full BPTT result (truncate=None)")
    from_output = bp.d_o @ bp.params.V  # (T, H) row t = V^T d_o(t)
    from_future = np.zeros_like(bp.d_h)  # (T, H)
    from_future[:-1] = bp.d_a[1:] @ bp.params.W  # row t = W^T d_a(t+1)
    return DhParts(from_output=from_output, from_future=from_future, d_h=bp.d_h.copy())


def tanh_derivative(trace: Trace) -> np.ndarray:
    """(T, H): 1 - h(t)^2, the factor that takes dL/dh(t) to dL/da(t)."""
    return 1.0 - trace.h**2


def source_shares(bp: Backprop) -> tuple[np.ndarray, np.ndarray]:
    """``(shares, norms)``: each loss's signed share of ||dL/da(t)||, and the norms.

    ``shares[s, t] = <by_source[s, t], d_a[t]> / ||d_a[t]||`` (T_source, T) is the
    part of L(s)'s error that points along the total error dL/da(t) (its signed
    projection); ``norms[t] = ||d_a[t]||`` (T,). Because ``d_a[t]`` is the sum of its
    sources, the shares of a step add up to its norm exactly (to rounding):
    ``shares.sum(axis=0) == norms``. A negative share is an error that points against
    the total and cancels part of the others. Steps with ``d_a[t] = 0`` get zero shares.
    Per-source norms (``Backprop.norms_by_source``) do not add up to the norm: the
    triangle inequality makes their sum the larger one whenever the sources disagree.
    """
    d_a = bp.d_a  # (T, H)
    norms = np.linalg.norm(d_a, axis=1)  # (T,)
    dots = np.einsum("sth,th->st", bp.by_source, d_a)  # (T_source, T)
    safe = np.where(norms > 0, norms, 1.0)
    shares = np.where(norms > 0, dots / safe, 0.0)
    return shares, norms


def target_prediction(trace: Trace, targets: np.ndarray) -> np.ndarray:
    """(T,) y_hat(t) of the target class y(t): what cross-entropy's L(t) = -log reads."""
    idx = np.asarray(targets, dtype=np.int64)
    return trace.y_hat[np.arange(len(idx)), idx]


@dataclass(frozen=True)
class UpdateReport:
    """One SGD step of the lesson, and a forward pass with the new parameters.

    ``lowers`` tells whether the step lowers the total loss; when it does not, the
    learning rate overshoots (the step is too long for this loss surface).
    """

    lr: float
    params_after: RNNParams
    trace_before: Trace
    trace_after: Trace
    losses_before: np.ndarray  # (T,) L(t) before the step, 0 where masked
    losses_after: np.ndarray  # (T,) L(t) after the step, 0 where masked
    loss_before: float  # L = sum_t L(t)
    loss_after: float

    @property
    def lowers(self) -> bool:
        """True when the step lowers the total loss."""
        return self.loss_after < self.loss_before


def update_report(
    params: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    lr: float,
    *,
    h0: np.ndarray | None = None,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    clip: float | None = None,
) -> UpdateReport:
    """One full-BPTT SGD step of ``params`` and the loss it gives on the same data.

    ``xs`` (T, n_in), ``targets`` (T,) classes or (T, n_out) vectors, ``loss_mask`` (T,).
    """
    output = "softmax" if loss == "cross_entropy" else "identity"
    before = forward(params, xs, h0, output=output)
    bp = backward(params, before, targets, loss, loss_mask)
    new = sgd_step(params, bp.grads, lr, clip=clip)
    after = forward(new, xs, h0, output=output)
    bp_after = backward(new, after, targets, loss, loss_mask)
    return UpdateReport(
        lr=float(lr),
        params_after=new,
        trace_before=before,
        trace_after=after,
        losses_before=bp.losses.copy(),
        losses_after=bp_after.losses.copy(),
        loss_before=float(bp.loss),
        loss_after=float(bp_after.loss),
    )


def horizon_mask(T: int, truncate: int | None) -> np.ndarray:
    """(T_source, T) bool: True where the loss L(s) sends error to step t.

    Full BPTT (``truncate=None``): every t <= s. BPTT(k): s - k < t <= s.
    """
    s = np.arange(T)[:, None]
    t = np.arange(T)[None, :]
    mask = t <= s
    if truncate is not None:
        mask &= s - t < truncate
    return mask


def grads_difference(full: Backprop, truncated: Backprop) -> RNNParams:
    """Full minus truncated gradients: what the horizon leaves out."""
    return RNNParams(
        **{
            k: g - gt
            for (k, g), (_, gt) in zip(full.grads.items(), truncated.grads.items(), strict=True)
        }
    )


def largest_entries(params: RNNParams) -> dict[str, float]:
    """``{name: max |entry|}`` for U, W, V, b, c (e.g. of a gradient difference)."""
    return {k: float(np.max(np.abs(v))) for k, v in params.items()}


def truncation_chunks(n: int, k: int) -> list[range]:
    """Consecutive windows of at most ``k`` of ``n`` positions: one update each in BPTT(k)."""
    if k < 1 or n < 1:
        raise ValueError(f"truncation_chunks: expected n >= 1 and k >= 1, found n={n}, k={k}")
    return [range(i, min(i + k, n)) for i in range(0, n, k)]


def norms_by_distance(params: RNNParams, trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """``(distances, norms)``: ||dh(T-1)/dh(T-1-d)|| for d = 0..T-1 (the last step back)."""
    J = jacobian_norms(params, trace)  # (T, T)
    T = J.shape[0]
    distances = np.arange(T)
    return distances, J[T - 1, T - 1 - distances]


@dataclass(frozen=True)
class RadiusCase:
    """The lesson's network with W rescaled to one spectral radius."""

    radius: float
    params: RNNParams
    trace: Trace
    backprop: Backprop
    sigma_max: float  # largest singular value of the rescaled W
    distances: np.ndarray  # (T,) 0..T-1
    jacobian: np.ndarray  # (T,) ||dh(T-1)/dh(T-1-d)||
    bound: np.ndarray  # (T,) sigma_max^d (Pascanu et al. 2013)


def radius_cases(
    params: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    radii: Sequence[float],
    *,
    h0: np.ndarray | None = None,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
) -> list[RadiusCase]:
    """Forward and backward passes of the network with W scaled to each radius."""
    output = "softmax" if loss == "cross_entropy" else "identity"
    cases = []
    for r in radii:
        p = scale_recurrence(params, r)
        tr = forward(p, xs, h0, output=output)
        bp = backward(p, tr, targets, loss, loss_mask)
        distances, jac = norms_by_distance(p, tr)
        cases.append(
            RadiusCase(
                radius=float(r),
                params=p,
                trace=tr,
                backprop=bp,
                sigma_max=largest_singular_value(p.W),
                distances=distances,
                jacobian=jac,
                bound=pascanu_bound(p.W, distances),
            )
        )
    return cases


@dataclass(frozen=True)
class ClipReport:
    """One SGD step with gradient clipping by global norm, in numbers."""

    norm_before: float  # ||g||
    threshold: float
    scale: float  # threshold / ||g|| when clipped, else 1
    norm_after: float  # ||clip(g)||
    clipped: RNNParams  # the clipped gradients
    params_after: RNNParams  # params - lr * clip(g)


def clip_report(params: RNNParams, grads: RNNParams, lr: float, threshold: float) -> ClipReport:
    """What clipping by global norm does to ``grads`` and to the update of ``params``."""
    clipped = clip_grads(grads, threshold, "norm")
    before = grads.global_norm()
    return ClipReport(
        norm_before=before,
        threshold=float(threshold),
        scale=min(1.0, threshold / before) if before > 0 else 1.0,
        norm_after=clipped.global_norm(),
        clipped=clipped,
        params_after=sgd_step(params, grads, lr, clip=threshold),
    )
