"""Truncated BPTT by chunks: the article's "renew parameters based on a part of a text".

Williams & Peng (1990): cut x(1..T) into chunks of k steps (the last may be shorter);
for chunk j, with the parameters theta_j it starts with::

    h_start = last h of chunk j-1 (h0 for j = 1): a constant, no gradient flows back
    L_j = sum_{t in chunk j} mask(t) L(t)           forward from h_start
    g_j = dL_j/dtheta_j                             full BPTT inside the chunk
    theta_{j+1} = theta_j - lr g_j                  one update per chunk

This is not ``backward(truncate=k)`` (each loss L(s) reaching back k steps, then one
update for the whole sequence): that is the per-loss horizon view. ``chunked_bptt``
puts one sequence's chunks next to full BPTT's single update; ``rnncore.train``
trains by chunks with ``chunk_backprop``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncore.bptt_views import truncation_chunks
from rnncore.optim import positive, sgd_step
from rnncore.params import RNNParams
from rnncore.rnn import Backprop, Loss, backward, forward

__all__ = [
    "ChunkStep",
    "ChunkedBPTT",
    "chunk_backprop",
    "chunked_bptt",
    "output_kind",
    "positive_int",
]


def output_kind(loss: str) -> str:
    """The output layer a loss goes with: softmax for cross-entropy, identity for mse."""
    return "softmax" if loss == "cross_entropy" else "identity"


def chunk_backprop(
    params: RNNParams, xs: np.ndarray, targets: np.ndarray, loss: Loss, mask: np.ndarray,
    h0: np.ndarray, steps: range,
) -> Backprop:  # fmt: skip
    """Forward and full BPTT of the steps ``steps`` alone, starting from the constant h0."""
    window = slice(steps.start, steps.stop)
    trace = forward(params, xs[window], h0, output=output_kind(loss))  # (k, ...) rows
    return backward(params, trace, targets[window], loss, mask[window])


def positive_int(name: str, value: object) -> int:
    """``value`` as an int >= 1 (``ValueError`` naming ``name`` otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: expected an integer >= 1, found {value!r}")
    return int(value)


@dataclass(frozen=True)
class ChunkStep:
    """One chunk of truncated BPTT: its steps, start state, loss, gradient and update."""

    steps: range  # indices into the sequence (0-based), at most k of them
    h0: np.ndarray  # (H,) the state it starts from (carried, without gradient)
    params_before: RNNParams
    loss: float  # L_j = sum over the chunk's steps of L(t)
    grads: RNNParams  # dL_j/dtheta, full BPTT inside the chunk (before clipping)
    grad_norm: float  # ||grads|| (global norm, before clipping)
    params_after: RNNParams  # params_before - lr * clip(grads); the same when lr is None
    backprop: Backprop  # the chunk's errors, for drawing


@dataclass(frozen=True)
class ChunkedBPTT:
    """Truncated BPTT by chunks of one sequence, next to full BPTT's single update."""

    k: int
    lr: float | None
    clip: float | None
    chunks: tuple[ChunkStep, ...]
    full: Backprop  # full BPTT of the whole sequence with the starting parameters
    full_params_after: RNNParams  # one update with full.grads (the start when lr is None)
    loss_after_chunks: float  # L of the whole sequence with the chunks' final params
    loss_after_full: float  # L of the whole sequence after full BPTT's single update

    @property
    def params_after(self) -> RNNParams:
        """The parameters after the last chunk's update."""
        return self.chunks[-1].params_after

    @property
    def grads_sum(self) -> RNNParams:
        """Sum of the chunk gradients (equals ``full.grads`` only when k >= T)."""
        return RNNParams(
            **{
                name: sum(getattr(c.grads, name) for c in self.chunks)
                for name, _ in self.full.grads.items()
            }
        )


def chunked_bptt(
    params: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    k: int,
    loss: Loss = "cross_entropy",
    loss_mask: np.ndarray | None = None,
    h0: np.ndarray | None = None,
    lr: float | None = None,
    clip: float | None = None,
) -> ChunkedBPTT:
    """Truncated BPTT of one sequence in chunks of ``k`` steps, an update per chunk.

    Parameters
    ----------
    params
        The parameters the first chunk starts with.
    xs, targets
        (T, I) inputs; (T,) classes for cross-entropy or (T, O) for mse.
    k
        Steps per chunk (the last chunk may be shorter).
    loss, loss_mask, h0
        As in ``backward`` and ``forward``; the mask is cut with the sequence.
    lr, clip
        With ``lr``, each chunk ends with ``sgd_step(params, grads, lr, clip)`` and the
        next chunk runs with the new parameters. Without it every chunk uses ``params``.
    """
    k = positive_int("k", k)
    lr = None if lr is None else positive("lr", lr)
    clip = None if clip is None else positive("clip", clip)
    full_trace = forward(params, xs, h0, output=output_kind(loss))  # validates xs, h0
    full = backward(params, full_trace, targets, loss, loss_mask)
    T = full_trace.T
    mask = full.loss_mask  # (T,)
    y = np.asarray(targets)  # (T,) or (T, O), validated by backward above
    chunks: list[ChunkStep] = []
    p, h = params, full_trace.h0
    for steps in truncation_chunks(T, k):
        bp = chunk_backprop(p, full_trace.xs, y, loss, mask, h, steps)
        new = p if lr is None else sgd_step(p, bp.grads, lr, clip=clip)
        chunks.append(ChunkStep(steps, h, p, bp.loss, bp.grads, bp.grads.global_norm(), new, bp))
        h = bp.trace.h[-1]  # (H,) carried forward as a constant
        p = new
    after_full = params if lr is None else sgd_step(params, full.grads, lr, clip=clip)

    def total(q: RNNParams) -> float:
        return backward(
            q, forward(q, full_trace.xs, full_trace.h0, output_kind(loss)), y, loss, mask
        ).loss

    return ChunkedBPTT(
        k=k,
        lr=lr,
        clip=clip,
        chunks=tuple(chunks),
        full=full,
        full_params_after=after_full,
        loss_after_chunks=total(p),
        loss_after_full=total(after_full),
    )
