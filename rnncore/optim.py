"""One step of gradient descent, with optional gradient clipping.

    theta <- theta - lr * g

Clipping by global norm (Pascanu et al. 2013): if ||g|| > threshold,
g <- g * threshold / ||g||, over all five arrays together. Element-wise clipping
(Mikolov 2012) clamps every entry to [-threshold, threshold].
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from rnncore.params import RNNParams

__all__ = ["ClipMode", "clip_grads", "sgd_step"]

ClipMode = Literal["norm", "value"]


def clip_grads(grads: RNNParams, threshold: float, mode: ClipMode = "norm") -> RNNParams:
    """Clipped gradients (by global norm or element-wise)."""
    if not threshold > 0:
        raise ValueError(f"clip: expected a threshold > 0, found {threshold!r}")
    if mode == "norm":
        norm = grads.global_norm()
        if norm <= threshold:
            return grads
        return grads.map(lambda g: g * (threshold / norm))
    if mode == "value":
        return grads.map(lambda g: np.clip(g, -threshold, threshold))
    raise ValueError(f"clip mode: expected 'norm' or 'value', found {mode!r}")


def sgd_step(
    params: RNNParams,
    grads: RNNParams,
    lr: float,
    clip: float | None = None,
    clip_mode: ClipMode = "norm",
) -> RNNParams:
    """params - lr * grads, the gradients first clipped if ``clip`` is given."""
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr: expected a finite learning rate > 0, found {lr!r}")
    if clip is not None:
        grads = clip_grads(grads, clip, clip_mode)
    return RNNParams(
        **{k: p - lr * g for (k, p), (_, g) in zip(params.items(), grads.items(), strict=True)}
    )
