"""How errors grow or shrink as they travel back through time.

The Jacobian of one recurrent step is dh(t)/dh(t-1) = diag(1 - h(t)^2) W, so

    dh(t)/dh(k) = prod_{j=k+1..t} diag(1 - h(j)^2) W

and, since |tanh'| <= 1, ||dh(t)/dh(k)|| <= sigma_max(W)^(t-k)
(Pascanu, Mikolov & Bengio 2013): below 1 errors vanish, above 1 they may explode.
"""

from __future__ import annotations

import numpy as np

from rnncore.params import RNNParams
from rnncore.rnn import Trace

__all__ = [
    "jacobian_norms",
    "largest_singular_value",
    "pascanu_bound",
    "scale_recurrence",
    "spectral_radius",
]


def jacobian_norms(params: RNNParams, trace: Trace) -> np.ndarray:
    """(T, T): entry [t, k] = ||dh(t)/dh(k)||_2 for k <= t (indices into trace.h), 0 above."""
    T, H = trace.h.shape
    slope = 1.0 - trace.h**2  # (T, H) tanh'(a(t))
    out = np.zeros((T, T))
    for k in range(T):
        out[k, k] = 1.0  # dh(k)/dh(k) = I
        J = np.eye(H)
        later = np.empty((T - k - 1, H, H))  # dh(t)/dh(k) for t = k+1..T-1
        for i, t in enumerate(range(k + 1, T)):
            J = slope[t][:, None] * (params.W @ J)  # (H, H)
            later[i] = J
        if len(later):
            out[k + 1 :, k] = np.linalg.svd(later, compute_uv=False)[:, 0]  # batched sigma_max
    return out


def spectral_radius(W: np.ndarray) -> float:
    """max |eigenvalue| of W."""
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def largest_singular_value(W: np.ndarray) -> float:
    """sigma_max(W) = ||W||_2, the lambda_1 of Pascanu et al.'s bound."""
    return float(np.linalg.norm(W, 2))


def pascanu_bound(W: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """sigma_max(W)^(t-k) for each distance t-k: the upper bound on ||dh(t)/dh(k)||."""
    return largest_singular_value(W) ** np.asarray(distances, dtype=np.float64)


def scale_recurrence(params: RNNParams, spectral_radius_target: float) -> RNNParams:
    """The same network with W rescaled so that its spectral radius is the target."""
    if not (np.isfinite(spectral_radius_target) and spectral_radius_target >= 0):
        raise ValueError(
            f"spectral radius: expected a finite number >= 0, found {spectral_radius_target!r}"
        )
    rho = spectral_radius(params.W)
    if rho == 0.0:
        raise ValueError("W: spectral radius is 0, it cannot be rescaled")
    return params.replace(W=params.W * (spectral_radius_target / rho))
