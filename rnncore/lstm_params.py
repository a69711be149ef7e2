"""Parameters of the LSTM cell, in PyTorch's layout, with a view in the series' notation.

PyTorch's ``nn.LSTM`` stacks the four gates' weights in the order (i, f, g, o)::

    W_ih (4H, I)   input -> gates          b_ih (4H,)
    W_hh (4H, H)   h(t-1) -> gates         b_hh (4H,)

and the output layer is ``nn.Linear``: V (O, H), c (O,). Rows ``k H .. (k+1) H - 1``
of W_ih, W_hh, b_ih and b_hh belong to gate k.

The series (after Greff et al., "LSTM: A Search Space Odyssey") writes the block
input z (PyTorch's g) and the gates i, f, o with input weights W_*, recurrent
weights R_* and one bias b_* each::

    W_z, W_i, W_f, W_o (H, I)   rows of W_ih
    R_z, R_i, R_f, R_o (H, H)   rows of W_hh
    b_z, b_i, b_f, b_o (H,)     b_ih + b_hh (only their sum enters the cell)

``LSTMParams.gate("f")`` gives ``GateWeights(W, R, b)`` of one gate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from rnncore.optim import ClipMode, clip_grads, positive
from rnncore.params import as_float_array

__all__ = [
    "GATES",
    "GATE_ALIASES",
    "LSTM_PARAM_NAMES",
    "GateWeights",
    "LSTMParams",
    "LSTMPerStep",
    "gate_index",
    "lstm_sgd_step",
]

LSTM_PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "V", "c")
GATES = ("i", "f", "g", "o")  # PyTorch's order of the row blocks
GATE_ALIASES = {"z": "g"}  # the series' block input z is PyTorch's g


def gate_index(name: str) -> int:
    """The row block of a gate: i 0, f 1, g (or z) 2, o 3."""
    key = GATE_ALIASES.get(name, name)
    if key not in GATES:
        raise ValueError(f"gate: expected one of i, f, g (or z), o, found {name!r}")
    return GATES.index(key)


@dataclass(frozen=True)
class GateWeights:
    """One gate in the series' notation: a = W x(t) + R h(t-1) + b."""

    W: np.ndarray  # (H, I) input weights
    R: np.ndarray  # (H, H) recurrent weights
    b: np.ndarray  # (H,) bias b_ih + b_hh


@dataclass(frozen=True)
class LSTMParams:
    """The six parameter arrays of an LSTM cell and its output layer. Validated on construction."""

    W_ih: np.ndarray  # (4H, I)
    W_hh: np.ndarray  # (4H, H)
    b_ih: np.ndarray  # (4H,)
    b_hh: np.ndarray  # (4H,)
    V: np.ndarray  # (O, H)
    c: np.ndarray  # (O,)

    def __post_init__(self) -> None:
        for name in LSTM_PARAM_NAMES:
            object.__setattr__(self, name, as_float_array(getattr(self, name), name))
        W_hh, V = self.W_hh, self.V
        if W_hh.ndim != 2 or W_hh.shape[0] != 4 * W_hh.shape[1]:
            raise ValueError(
                f"W_hh: expected a 2-d (4 n_hidden, n_hidden) matrix, found shape {W_hh.shape}"
            )
        if V.ndim != 2:
            raise ValueError(f"V: expected a 2-d (n_out, n_hidden) matrix, found shape {V.shape}")
        if self.W_ih.ndim != 2:
            raise ValueError(
                f"W_ih: expected a 2-d (4 n_hidden, n_in) matrix, found shape {self.W_ih.shape}"
            )
        H, O = W_hh.shape[1], V.shape[0]
        expected = {
            "W_ih": (4 * H, self.W_ih.shape[1]),
            "b_ih": (4 * H,),
            "b_hh": (4 * H,),
            "V": (O, H),
            "c": (O,),
        }
        for name, shape in expected.items():
            found = getattr(self, name).shape
            if found != shape:
                raise ValueError(
                    f"{name}: expected shape {shape} (W_hh is {W_hh.shape}, V is {V.shape}), "
                    f"found {found}"
                )
        if 0 in self.W_ih.shape or 0 in W_hh.shape or 0 in V.shape:
            raise ValueError(
                f"W_ih, W_hh, V: sizes must be at least 1, found {self.W_ih.shape}, "
                f"{W_hh.shape} and {V.shape}"
            )

    @property
    def n_in(self) -> int:
        return self.W_ih.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.W_hh.shape[1]

    @property
    def n_out(self) -> int:
        return self.V.shape[0]

    @classmethod
    def random(
        cls,
        n_in: int,
        n_hidden: int,
        n_out: int,
        seed: int = 0,
        scale: float = 0.5,
        forget_bias: float = 0.0,
    ) -> LSTMParams:
        """Uniform weights in ``[-scale, scale]`` from ``seed``; zero biases except
        ``b_ih``'s forget block, ``forget_bias`` (1.0 keeps the cell state at first:
        Gers, Schmidhuber & Cummins 2000; Jozefowicz et al. 2015)."""
        rng = np.random.default_rng(seed)
        H = n_hidden
        b_ih = np.zeros(4 * H)
        b_ih[H : 2 * H] = forget_bias
        return cls(
            W_ih=rng.uniform(-scale, scale, (4 * H, n_in)),
            W_hh=rng.uniform(-scale, scale, (4 * H, H)),
            b_ih=b_ih,
            b_hh=np.zeros(4 * H),
            V=rng.uniform(-scale, scale, (n_out, H)),
            c=np.zeros(n_out),
        )

    @classmethod
    def zeros_like(cls, other: LSTMParams) -> LSTMParams:
        return cls(**{k: np.zeros_like(v) for k, v in other.items()})

    def replace(self, **fields: np.ndarray) -> LSTMParams:
        """A copy with some arrays replaced (validated again)."""
        return dataclasses.replace(self, **fields)

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        """``(name, array)`` pairs in the order W_ih, W_hh, b_ih, b_hh, V, c."""
        return ((name, getattr(self, name)) for name in LSTM_PARAM_NAMES)

    def map(self, fn: Callable[[np.ndarray], np.ndarray]) -> LSTMParams:
        """Apply ``fn`` to every array."""
        return LSTMParams(**{k: fn(v) for k, v in self.items()})

    def global_norm(self) -> float:
        """sqrt of the sum of squares of every entry (the norm that clipping uses)."""
        return float(np.sqrt(sum(np.sum(v**2) for _, v in self.items())))

    @property
    def b(self) -> np.ndarray:
        """(4H,) b_ih + b_hh: the bias the cell sees."""
        return self.b_ih + self.b_hh

    def gate(self, name: str) -> GateWeights:
        """One gate ("i", "f", "g" or its series name "z", "o") as W (H, I), R (H, H), b (H,)."""
        H = self.n_hidden
        rows = slice(gate_index(name) * H, (gate_index(name) + 1) * H)
        return GateWeights(W=self.W_ih[rows], R=self.W_hh[rows], b=self.b[rows])

    @classmethod
    def from_gates(cls, gates: dict[str, GateWeights], V: np.ndarray, c: np.ndarray) -> LSTMParams:
        """From the series' notation: ``{"z"|"g", "i", "f", "o": GateWeights}``, V and c.

        Each gate's bias goes to b_ih; b_hh is zero (only the sum matters).
        """
        by_gate = {GATE_ALIASES.get(k, k): v for k, v in gates.items()}
        if sorted(by_gate) != sorted(GATES) or len(by_gate) != len(gates):
            raise ValueError(f"gates: expected i, f, g (or z), o, found {sorted(gates)}")
        ordered = [by_gate[g] for g in GATES]
        b_ih = np.concatenate([np.asarray(w.b, dtype=np.float64) for w in ordered])
        return cls(
            W_ih=np.vstack([w.W for w in ordered]),
            W_hh=np.vstack([w.R for w in ordered]),
            b_ih=b_ih,
            b_hh=np.zeros_like(b_ih),
            V=V,
            c=c,
        )


@dataclass(frozen=True)
class LSTMPerStep:
    """Per-time-step gradient contributions, each with a leading T axis.

    ``W_hh[t] = d_a(t) h(t-1)^T`` with d_a(t) (4H,) the gate errors of step t;
    summing over t gives the total gradient.
    """

    W_ih: np.ndarray  # (T, 4H, I)
    W_hh: np.ndarray  # (T, 4H, H)
    b_ih: np.ndarray  # (T, 4H)
    b_hh: np.ndarray  # (T, 4H)
    V: np.ndarray  # (T, O, H)
    c: np.ndarray  # (T, O)

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        return ((name, getattr(self, name)) for name in LSTM_PARAM_NAMES)

    def total(self) -> LSTMParams:
        """Sum over time: the gradient of the whole loss."""
        return LSTMParams(**{k: v.sum(axis=0) for k, v in self.items()})


def lstm_sgd_step(
    params: LSTMParams,
    grads: LSTMParams,
    lr: float,
    clip: float | None = None,
    clip_mode: ClipMode = "norm",
) -> LSTMParams:
    """params - lr * grads, the gradients first clipped if ``clip`` is given.

    The same clipping as ``rnncore.sgd_step``: by the global norm over all six
    arrays (Pascanu et al. 2013) or element-wise (``clip_mode="value"``).
    """
    lr = positive("lr", lr)
    for (name, p), (_, g) in zip(params.items(), grads.items(), strict=True):
        if p.shape != g.shape:
            raise ValueError(f"grads.{name}: expected shape {p.shape}, found {g.shape}")
    if clip is not None:
        grads = clip_grads(grads, clip, clip_mode)  # type: ignore[arg-type]  # duck-typed
    return LSTMParams(
        **{k: p - lr * g for (k, p), (_, g) in zip(params.items(), grads.items(), strict=True)}
    )
