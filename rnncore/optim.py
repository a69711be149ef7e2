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

__all__ = ["ClipMode", "clip_grads", "positive", "sgd_step"]

ClipMode = Literal["norm", "value"]


def positive(name: str, value: object) -> float:
    """``value`` as a finite float > 0, or ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name}: expected a finite number > 0, found {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name}: expected a finite number > 0, found {value!r}")
    return float(value)


def clip_grads(grads: RNNParams, threshold: float, mode: ClipMode = "norm") -> RNNParams:
    """Clipped gradients (by global norm or element-wise)."""
    threshold = positive("clip", threshold)
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
    lr = positive("lr", lr)
    for (name, p), (_, g) in zip(params.items(), grads.items(), strict=True):
        if p.shape != g.shape:
            raise ValueError(f"grads.{name}: expected shape {p.shape}, found {g.shape}")
    if clip is not None:
        grads = clip_grads(grads, clip, clip_mode)
    return RNNParams(
        **{k: p - lr * g for (k, p), (_, g) in zip(params.items(), grads.items(), strict=True)}
    )
