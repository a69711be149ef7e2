"""A lesson's training set and training settings: the ``[train]`` and ``[trained]`` tables.

``[train]`` says what ``render.py train`` trains the lesson's network on, and how::

    [train]
    epochs = 100              # 1..MAX_EPOCHS passes over the training set
    lr = 0.2                  # default: the lesson's learning_rate
    momentum = 0.0            # in [0, 1) (torch.optim.SGD's convention)
    clip = 1.0                # global-norm clipping threshold (none when left out)
    truncate = 3              # truncated BPTT, chunks of k steps (full BPTT when left out)
    seed = 0                  # the order the sequences are visited in, each epoch
    generator = "parity"      # parity | first_symbol | sentiment ...
    n = 32                    #   1..MAX_SEQUENCES sequences
    T = 5                     #   parity, sentiment: a length, or [lo, hi]
    d = 5                     #   first_symbol: the distance from the cue to the answer
    n_symbols = 2             #   first_symbol (default: n_out)
    distractors = false       #   first_symbol
    data_seed = 0             #   the generator's seed

    [[train.sequences]]       # ... or explicit sequences instead of a generator
    xs = [[1, 0, 0], [0, 1, 0]]
    targets = [1, 1]

Without a generator or sequences the training set is the lesson's own sequence. Every
sequence starts from the lesson's h0. ``[trained]`` is what ``render.py train`` wrote
next to the weights it produced: the settings it used and the final loss and accuracy.

Every problem is a ``LessonError`` of one line naming the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnncore.datasets import SENTIMENT_WORDS
from rnncore.lesson import LIMITS
from rnncore.lesson_fields import (
    _array,
    _check_keys,
    _choice,
    _fail,
    _float,
    _found,
    _int,
)

__all__ = [
    "GENERATORS",
    "MAX_EPOCHS",
    "MAX_PASSES",
    "MAX_SEED",
    "MAX_SEQUENCES",
    "TrainSpec",
    "TrainedRecord",
    "npz_train_tables",
    "parse_train",
    "parse_trained",
]

GENERATORS = ("parity", "first_symbol", "sentiment")
MAX_EPOCHS = 1000
MAX_SEQUENCES = 1000
MAX_PASSES = 100_000  # sequences x epochs: about a minute at the largest sizes
MAX_SEED = 2**32 - 1
_SETTINGS = ("epochs", "lr", "momentum", "clip", "truncate", "seed")
_GEN_KEYS = {
    "parity": ("n", "T", "data_seed"),
    "first_symbol": ("n", "d", "n_symbols", "distractors", "data_seed"),
    "sentiment": ("n", "T", "data_seed"),
}
_ALL_GEN_KEYS = {k for keys in _GEN_KEYS.values() for k in keys}
_TRAIN_KEYS = {*_SETTINGS, "generator", "sequences", *_ALL_GEN_KEYS}
_TRAINED_KEYS = {*_SETTINGS, "sequences", "final_loss", "final_accuracy"}
_DEFAULT_T: dict[str, Any] = {"parity": 5, "sentiment": [3, 7]}


@dataclass(frozen=True)
class TrainSpec:
    """The validated ``[train]`` table (defaults for what it leaves out)."""

    epochs: int = 100
    lr: float | None = None  # None: the lesson's learning_rate
    momentum: float = 0.0
    clip: float | None = None
    truncate: int | None = None  # None: full BPTT
    seed: int = 0
    generator: str | None = None
    n: int = 32
    T: int | tuple[int, int] = 5
    d: int = 5
    n_symbols: int = 2
    distractors: bool = False
    data_seed: int = 0
    sequences: tuple[tuple[np.ndarray, np.ndarray], ...] = ()  # (xs (T_i, I), targets)

    def table(self) -> dict[str, Any]:
        """The ``[train]`` table that loads back to this spec."""
        out: dict[str, Any] = {"epochs": self.epochs}
        for key in ("lr", "clip", "truncate"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out |= {"momentum": self.momentum, "seed": self.seed}
        if self.generator is not None:
            out["generator"] = self.generator
            for key in _GEN_KEYS[self.generator]:
                value = getattr(self, key)
                out[key] = list(value) if isinstance(value, tuple) else value
        if self.sequences:
            out["sequences"] = [
                {"xs": x.tolist(), "targets": y.tolist()} for x, y in self.sequences
            ]
        return out


@dataclass(frozen=True)
class TrainedRecord:
    """The validated ``[trained]`` table: how the lesson's weights were trained."""

    epochs: int
    lr: float
    final_loss: float
    momentum: float = 0.0
    clip: float | None = None
    truncate: int | None = None
    seed: int = 0
    sequences: int | None = None
    final_accuracy: float | None = None  # None for mse

    def table(self) -> dict[str, Any]:
        """The ``[trained]`` table that loads back to this record (None fields left out)."""
        keys = ("epochs", "lr", "momentum", "clip", "truncate", "seed", "sequences")
        out = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        out["final_loss"] = self.final_loss
        if self.final_accuracy is not None:
            out["final_accuracy"] = self.final_accuracy
        return out


def _seed(where: str, name: str, value: Any) -> int:
    return _int(where, name, value, 0, MAX_SEED)


def _momentum(where: str, name: str, value: Any) -> float:
    number = _float(where, name, value, positive=False)
    if not 0 <= number < 1:
        raise _fail(where, name, f"expected a number in [0, 1), found {_found(value)}")
    return number


def _lengths(where: str, name: str, value: Any) -> int | tuple[int, int]:
    """A length 1..T, or a [lo, hi] range of lengths."""
    hi = LIMITS["T"]
    if isinstance(value, list):
        if len(value) != 2:
            raise _fail(where, name, f"expected a length or [lo, hi], found {_found(value)}")
        lo_, hi_ = (_int(where, name, v, 1, hi) for v in value)
        if lo_ > hi_:
            raise _fail(where, name, f"expected [lo, hi] with lo <= hi, found {_found(value)}")
        return (lo_, hi_)
    return _int(where, name, value, 1, hi)


def _fits(
    where: str, generator: str, n_in: int, n_out: int, need: tuple[int, int], what: str
) -> None:
    if (n_in, n_out) != need:
        raise _fail(
            where,
            "train.generator",
            f"{generator} needs n_in = {need[0]} and n_out = {need[1]} ({what}), "
            f"found a network with n_in = {n_in}, n_out = {n_out}",
        )


def _generator(where: str, table: dict[str, Any], n_in: int, n_out: int, loss: str) -> dict:
    name = _choice(where, "train.generator", table["generator"], GENERATORS)
    extra = sorted((_ALL_GEN_KEYS - set(_GEN_KEYS[name])) & set(table))
    if extra:
        raise _fail(
            where, f"train.{extra[0]}", f"not a parameter of {name} ({', '.join(_GEN_KEYS[name])})"
        )
    if loss != "cross_entropy":
        raise _fail(
            where, "train.generator", f"{name} has class targets: expected loss cross_entropy"
        )
    out: dict[str, Any] = {"generator": name}
    out["n"] = _int(where, "train.n", table.get("n", 32), 1, MAX_SEQUENCES)
    out["data_seed"] = _seed(where, "train.data_seed", table.get("data_seed", 0))
    if name == "first_symbol":
        out["d"] = _int(where, "train.d", table.get("d", 5), 1, LIMITS["T"])
        k = out["n_symbols"] = _int(
            where, "train.n_symbols", table.get("n_symbols", n_out), 2, LIMITS["n_out"]
        )
        distractors = table.get("distractors", False)
        if not isinstance(distractors, bool):
            found = _found(distractors)
            raise _fail(where, "train.distractors", f"expected true or false, found {found}")
        out["distractors"] = distractors
        _fits(where, name, n_in, n_out, (k + 1, k), f"{k} symbols one-hot and a blank")
    else:
        out["T"] = _lengths(where, "train.T", table.get("T", _DEFAULT_T[name]))
        if name == "parity":
            _fits(where, name, n_in, n_out, (3, 2), "a, b, c one-hot; even, odd")
        else:
            _fits(where, name, n_in, n_out, (len(SENTIMENT_WORDS), 2), "the words; neg, pos")
    return out


def _targets(where: str, name: str, value: Any, T: int, n_out: int, loss: str) -> np.ndarray:
    if loss == "mse":
        return _array(where, name, value, (T, n_out))
    ok = (
        isinstance(value, list)
        and len(value) == T
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
    if not ok or not all(0 <= v < n_out for v in value):
        raise _fail(
            where, name, f"expected {T} class indices in 0..{n_out - 1}, found {_found(value)}"
        )
    return np.array(value, dtype=np.int64)


def _sequences(where: str, value: Any, n_in: int, n_out: int, loss: str, task: str) -> tuple:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_SEQUENCES:
        raise _fail(
            where,
            "train.sequences",
            f"expected a list of 1..{MAX_SEQUENCES} tables with xs and targets, "
            f"found {_found(value)}",
        )
    out = []
    for i, seq in enumerate(value):
        name = f"train.sequences[{i}]"
        if not isinstance(seq, dict):
            raise _fail(where, name, f"expected a table with xs and targets, found {_found(seq)}")
        _check_keys(where, name, seq, {"xs", "targets"})
        for key in ("xs", "targets"):
            if key not in seq:
                raise _fail(where, f"{name}.{key}", "missing")
        xs = _array(where, f"{name}.xs", seq["xs"], (None, n_in))
        steps = seq["targets"] if isinstance(seq["targets"], list) else []
        if task == "one_to_many" and xs.shape[0] == 1 and len(steps) > 1:
            xs = np.vstack([xs, np.zeros((len(steps) - 1, n_in))])  # (T, I): x(1), then zeros
        T = xs.shape[0]
        if not 1 <= T <= LIMITS["T"]:
            raise _fail(where, f"{name}.xs", f"expected 1..{LIMITS['T']} time steps, found {T}")
        if task == "one_to_many" and np.any(xs[1:] != 0):
            raise _fail(where, f"{name}.xs", "one_to_many: expected one row, or zeros after it")
        out.append((xs, _targets(where, f"{name}.targets", seq["targets"], T, n_out, loss)))
    return tuple(out)


def parse_train(where: str, table: Any, n_in: int, n_out: int, loss: str, task: str) -> TrainSpec:
    """Validate a ``[train]`` table against the lesson's network, loss and task."""
    if not isinstance(table, dict):
        raise _fail(where, "train", f"expected a table, found {type(table).__name__}")
    _check_keys(where, "train", table, _TRAIN_KEYS)
    spec: dict[str, Any] = {
        "epochs": _int(where, "train.epochs", table.get("epochs", 100), 1, MAX_EPOCHS),
        "momentum": _momentum(where, "train.momentum", table.get("momentum", 0.0)),
        "seed": _seed(where, "train.seed", table.get("seed", 0)),
    }
    if "lr" in table:
        spec["lr"] = _float(where, "train.lr", table["lr"])
    if "clip" in table:
        spec["clip"] = _float(where, "train.clip", table["clip"])
    if "truncate" in table:
        spec["truncate"] = _int(where, "train.truncate", table["truncate"], 1, LIMITS["T"])
    if "generator" in table and "sequences" in table:
        raise _fail(where, "train.sequences", "give a generator or sequences, not both")
    if "generator" in table:
        spec |= _generator(where, table, n_in, n_out, loss)
    else:
        extra = sorted(_ALL_GEN_KEYS & set(table))
        if extra:
            raise _fail(where, f"train.{extra[0]}", "a generator's parameter, but no generator")
        if "sequences" in table:
            spec["sequences"] = _sequences(where, table["sequences"], n_in, n_out, loss, task)
    count = spec["n"] if "generator" in spec else len(spec.get("sequences", ())) or 1
    if count * spec["epochs"] > MAX_PASSES:
        raise _fail(
            where,
            "train.epochs",
            f"expected at most {MAX_PASSES} sequence passes (sequences x epochs), "
            f"found {count} x {spec['epochs']}",
        )
    return TrainSpec(**spec)


def parse_trained(where: str, table: Any) -> TrainedRecord:
    """Validate a ``[trained]`` table (as ``render.py train`` writes it)."""
    if not isinstance(table, dict):
        raise _fail(where, "trained", f"expected a table, found {type(table).__name__}")
    _check_keys(where, "trained", table, _TRAINED_KEYS)
    for key in ("epochs", "lr", "final_loss"):
        if key not in table:
            raise _fail(where, f"trained.{key}", "missing")
    rec: dict[str, Any] = {
        "epochs": _int(where, "trained.epochs", table["epochs"], 1),
        "lr": _float(where, "trained.lr", table["lr"]),
        "momentum": _momentum(where, "trained.momentum", table.get("momentum", 0.0)),
        "seed": _seed(where, "trained.seed", table.get("seed", 0)),
    }
    if "clip" in table:
        rec["clip"] = _float(where, "trained.clip", table["clip"])
    if "truncate" in table:
        rec["truncate"] = _int(where, "trained.truncate", table["truncate"], 1)
    if "sequences" in table:
        rec["sequences"] = _int(where, "trained.sequences", table["sequences"], 1)
    rec["final_loss"] = _float(where, "trained.final_loss", table["final_loss"], positive=False)
    if rec["final_loss"] < 0:
        found = _found(table["final_loss"])
        raise _fail(where, "trained.final_loss", f"expected a number >= 0, found {found}")
    if "final_accuracy" in table:
        acc = _float(where, "trained.final_accuracy", table["final_accuracy"], positive=False)
        if not 0 <= acc <= 1:
            found = _found(table["final_accuracy"])
            expected = f"expected a number in [0, 1], found {found}"
            raise _fail(where, "trained.final_accuracy", expected)
        rec["final_accuracy"] = acc
    return TrainedRecord(**rec)


def npz_train_tables(where: str, flat: dict[str, Any]) -> dict[str, Any]:
    """Nest NPZ keys ``train_<key>``, ``train_sequences_<i>_xs|targets``, ``trained_<key>``.

    The matching keys are removed from ``flat``; returns the ``train``/``trained`` tables.
    """
    out: dict[str, Any] = {}
    seqs: dict[int, dict[str, Any]] = {}
    for key in [k for k in flat if k.startswith(("train_", "trained_"))]:
        value = flat.pop(key)
        table, _, name = key.partition("_")
        parts = name.split("_")
        if table == "train" and parts[0] == "sequences" and len(parts) == 3:
            if not parts[1].isdigit() or len(parts[1]) > 4 or parts[2] not in ("xs", "targets"):
                raise _fail(where, key, "expected train_sequences_<i>_xs or _targets")
            seqs.setdefault(int(parts[1]), {})[parts[2]] = value
        else:
            out.setdefault(table, {})[name] = value
    if seqs:
        missing = sorted(set(range(len(seqs))) - set(seqs))
        if missing:
            raise _fail(where, f"train_sequences_{missing[0]}", "missing (numbered from 0)")
        out.setdefault("train", {})["sequences"] = [seqs[i] for i in range(len(seqs))]
    return out
