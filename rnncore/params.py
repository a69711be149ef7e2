"""Parameters of the simple RNN (Goodfellow et al., *Deep Learning*, 10.2).

U (H, I) input -> hidden, W (H, H) hidden -> hidden, V (O, H) hidden -> output,
b (H,) hidden bias, c (O,) output bias.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["PARAM_NAMES", "PerStep", "RNNParams", "as_float_array"]

PARAM_NAMES = ("U", "W", "V", "b", "c")


def as_float_array(value: object, name: str) -> np.ndarray:
    """``value`` as a finite float64 array, or ``ValueError`` naming ``name``."""
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected numbers, found {value!r:.60}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite numbers, found NaN or inf")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class RNNParams:
    """The five parameter arrays, shared by every time step. Validated on construction."""

    U: np.ndarray  # (H, I)
    W: np.ndarray  # (H, H)
    V: np.ndarray  # (O, H)
    b: np.ndarray  # (H,)
    c: np.ndarray  # (O,)

    def __post_init__(self) -> None:
        for name in PARAM_NAMES:
            object.__setattr__(self, name, as_float_array(getattr(self, name), name))
        U, V = self.U, self.V
        if U.ndim != 2:
            raise ValueError(f"U: expected a 2-d (n_hidden, n_in) matrix, found shape {U.shape}")
        H = U.shape[0]
        expected = {"W": (H, H), "b": (H,)}
        if V.ndim != 2:
            raise ValueError(f"V: expected a 2-d (n_out, n_hidden) matrix, found shape {V.shape}")
        expected |= {"V": (V.shape[0], H), "c": (V.shape[0],)}
        for name, shape in expected.items():
            found = getattr(self, name).shape
            if found != shape:
                raise ValueError(
                    f"{name}: expected shape {shape} (U is {U.shape}, V is {V.shape}), "
                    f"found {found}"
                )
        if 0 in U.shape or 0 in V.shape:
            raise ValueError(f"U, V: sizes must be at least 1, found {U.shape} and {V.shape}")

    @property
    def n_in(self) -> int:
        return self.U.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.U.shape[0]

    @property
    def n_out(self) -> int:
        return self.V.shape[0]

    @classmethod
    def random(
        cls, n_in: int, n_hidden: int, n_out: int, seed: int = 0, scale: float = 0.5
    ) -> RNNParams:
        """Uniform weights in ``[-scale, scale]``, zero biases, from ``seed``."""
        rng = np.random.default_rng(seed)
        return cls(
            U=rng.uniform(-scale, scale, (n_hidden, n_in)),
            W=rng.uniform(-scale, scale, (n_hidden, n_hidden)),
            V=rng.uniform(-scale, scale, (n_out, n_hidden)),
            b=np.zeros(n_hidden),
            c=np.zeros(n_out),
        )

    @classmethod
    def zeros_like(cls, other: RNNParams) -> RNNParams:
        return cls(**{k: np.zeros_like(v) for k, v in other.items()})

    def replace(self, **fields: np.ndarray) -> RNNParams:
        """A copy with some arrays replaced (validated again)."""
        return dataclasses.replace(self, **fields)

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        """``(name, array)`` pairs in the order U, W, V, b, c."""
        return ((name, getattr(self, name)) for name in PARAM_NAMES)

    def map(self, fn: Callable[[np.ndarray], np.ndarray]) -> RNNParams:
        """Apply ``fn`` to every array."""
        return RNNParams(**{k: fn(v) for k, v in self.items()})

    def global_norm(self) -> float:
        """sqrt of the sum of squares of every entry (the norm that clipping uses)."""
        return float(np.sqrt(sum(np.sum(v**2) for _, v in self.items())))


@dataclass(frozen=True)
class PerStep:
    """Per-time-step gradient contributions, each with a leading T axis.

    ``W[t] = d_a(t) h(t-1)^T`` and so on; summing over t gives the total gradient.
    """

    U: np.ndarray  # (T, H, I)
    W: np.ndarray  # (T, H, H)
    V: np.ndarray  # (T, O, H)
    b: np.ndarray  # (T, H)
    c: np.ndarray  # (T, O)

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        return ((name, getattr(self, name)) for name in PARAM_NAMES)

    def total(self) -> RNNParams:
        """Sum over time: the gradient of the whole loss."""
        return RNNParams(**{k: v.sum(axis=0) for k, v in self.items()})
