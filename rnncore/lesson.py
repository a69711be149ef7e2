"""Lesson files: the network, its weights, the input sequence and the targets.

A lesson is read from TOML, JSON (the same tables as objects) or NPZ (arrays named
like the fields below, never unpickled)::

    name = "Parity of a's"
    task = "many_to_many"        # many_to_many | many_to_one | one_to_many
    loss = "cross_entropy"       # cross_entropy | mse
    learning_rate = 0.5
    truncate = 2                 # the BPTT(k) horizon the truncation scene shows
    clip = 1.0                   # the threshold the clipping demo uses

    [network]                    # sizes; random weights from seed for whatever
    n_in = 3                     # [weights] does not give
    n_hidden = 4
    n_out = 2
    seed = 0
    scale = 0.5

    [weights]                    # optional: any of U (H,I) W (H,H) V (O,H) b (H,) c (O,)
    W = [[0.1, -0.2, ...], ...]

    [data]
    xs = [[1, 0, 0], ...]        # (T, n_in)
    targets = [1, 1, 0, ...]     # class indices (T,), or (T, n_out) for mse
    h0 = [0, 0, 0, 0]            # optional

    [labels]                     # optional names shown on screen
    inputs = ["a", "b", "c"]
    outputs = ["even", "odd"]
    steps = ["a", "b", "a", "c", "a"]

    [train]                      # optional: the training set and settings of
    generator = "parity"         # ``render.py train`` (see rnncore.lesson_train);
    n = 32                       # [trained] is what that command wrote

    [lstm]                       # only with cell = "lstm" (top level; "rnn" by default):
    W_ih = [[...], ...]          # LSTM weights by name, see rnncore.lesson_lstm

Every problem raises ``LessonError`` (a ``ValueError``) with one line naming the
file, the field, what was expected and what was found. That holds for files of any
shape or size: only regular files of at most ``MAX_BYTES`` are read (a FIFO or a
device is refused without blocking on it or reading it); tables and lists may nest
at most ``MAX_DEPTH`` levels; every NPZ member's header (dtype, at most
``MAX_ELEMENTS`` values) is checked before its data is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rnncore.lesson_fields import (
    _TOP,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_ELEMENTS,
    LessonError,
    _array,
    _check_keys,
    _choice,
    _fail,
    _float,
    _found,
    _int,
    _labels,
    _read,
    _table,
)
from rnncore.lstm import LSTMBackprop, LSTMTrace, lstm_backward, lstm_forward
from rnncore.lstm_params import LSTMParams
from rnncore.params import PARAM_NAMES, RNNParams
from rnncore.rnn import LOSSES, Backprop, Trace, backward, forward

if TYPE_CHECKING:  # lesson_train and lesson_fit import this module
    from rnncore.datasets import Dataset
    from rnncore.lesson_train import TrainedRecord, TrainSpec

__all__ = [
    "DEFAULT_LESSON",
    "LIMITS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "TASKS",
    "Lesson",
    "LessonError",
    "default_lesson",
    "load_lesson",
]

TASKS = ("many_to_many", "many_to_one", "one_to_many")
# Largest sizes the scenes can draw legibly.
LIMITS = {"n_in": 8, "n_hidden": 10, "n_out": 6, "T": 10}
DEFAULT_LESSON = "default.toml"
MAX_DESCRIPTION = 300  # characters of a lesson's description (two lines on a slide)


@dataclass(frozen=True)
class Lesson:
    """One lesson: parameters, data and settings, validated together."""

    name: str
    params: RNNParams
    xs: np.ndarray  # (T, I)
    targets: np.ndarray  # (T,) int for cross_entropy, (T, O) for mse
    h0: np.ndarray  # (H,)
    task: str = "many_to_many"
    loss: str = "cross_entropy"
    learning_rate: float = 0.5
    truncate: int = 2
    clip: float = 1.0
    input_labels: tuple[str, ...] = ()
    output_labels: tuple[str, ...] = ()
    step_labels: tuple[str, ...] = ()
    source: str = "<lesson>"
    seed: int = 0
    description: str = ""  # what the task is, in a sentence or two (shown to students)
    given_weights: tuple[str, ...] = PARAM_NAMES  # weights the file gives; the rest random
    scale: float = 0.5  # the random weights are uniform in [-scale, scale]
    train: TrainSpec | None = None  # the [train] table (None: the lesson's own sequence)
    trained: TrainedRecord | None = None  # the [trained] table
    cell: str = "rnn"  # "rnn" or "lstm": the [lstm] table gives the LSTM's weights
    lstm: LSTMParams | None = None  # the [lstm] weights (None: seeded, see lstm_params)
    lstm_given: tuple[str, ...] = ()  # the [lstm] fields the file gives
    c0: np.ndarray | None = None  # (H,) the LSTM's initial cell state (None: zeros)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    @property
    def loss_mask(self) -> np.ndarray:
        """(T,) which steps carry a loss: only the last for many-to-one."""
        mask = np.ones(self.T, dtype=bool)
        if self.task == "many_to_one":
            mask[:-1] = False
        return mask

    @property
    def input_mask(self) -> np.ndarray:
        """(T,) which steps get an input: only the first for one-to-many."""
        mask = np.ones(self.T, dtype=bool)
        if self.task == "one_to_many":
            mask[1:] = False
        return mask

    @property
    def output(self) -> str:
        return "softmax" if self.loss == "cross_entropy" else "identity"

    def trace(self) -> Trace:
        """The forward pass of this lesson (computed once)."""
        if "trace" not in self._cache:
            self._cache["trace"] = forward(self.params, self.xs, self.h0, output=self.output)
        return self._cache["trace"]

    def backprop(self, truncate: int | None = None) -> Backprop:
        """BPTT of this lesson, full or truncated to ``truncate`` steps (computed once each)."""
        key = f"backprop-{truncate}"
        if key not in self._cache:
            self._cache[key] = backward(
                self.params, self.trace(), self.targets, self.loss, self.loss_mask, truncate
            )
        return self._cache[key]

    @property
    def lstm_params(self) -> LSTMParams:
        """The LSTM of this lesson: [lstm]'s weights, else random from seed and scale."""
        if self.lstm is not None:
            return self.lstm
        p = self.params
        return LSTMParams.random(p.n_in, p.n_hidden, p.n_out, seed=self.seed, scale=self.scale)

    def lstm_trace(self) -> LSTMTrace:
        """The LSTM's forward pass of this lesson, from h0 and c0 (computed once)."""
        if "lstm_trace" not in self._cache:
            self._cache["lstm_trace"] = lstm_forward(
                self.lstm_params, self.xs, self.h0, self.c0, output=self.output
            )
        return self._cache["lstm_trace"]

    def lstm_backprop(self, truncate: int | None = None) -> LSTMBackprop:
        """The LSTM's BPTT of this lesson, full or truncated (computed once each)."""
        key = f"lstm_backprop-{truncate}"
        if key not in self._cache:
            self._cache[key] = lstm_backward(
                self.lstm_params,
                self.lstm_trace(),
                self.targets,
                self.loss,
                self.loss_mask,
                truncate,
            )
        return self._cache[key]

    def training_set(self) -> Dataset:
        """The sequences ``render.py train`` trains on (``rnncore.lesson_fit``)."""
        from rnncore.lesson_fit import training_set

        return training_set(self)

    def describe(self) -> str:
        """A few lines that summarise the lesson (what ``render.py check`` prints)."""
        p = self.params
        n_params = sum(v.size for _, v in p.items())
        bp = self.backprop()
        from rnncore.lesson_fit import describe_training
        from rnncore.lesson_lstm import describe_lstm

        return "\n".join(
            [
                f"{self.name}  ({self.source})",
                f"  network: {p.n_in} inputs, {p.n_hidden} hidden, {p.n_out} outputs "
                f"({n_params} parameters)",
                f"  sequence: T = {self.T} step{'s' if self.T > 1 else ''}, task {self.task}, "
                f"loss {self.loss}",
                f"  learning rate {self.learning_rate:g}, truncate k = {self.truncate}, "
                f"clip {self.clip:g}",
                f"  total loss L = {bp.loss:.4f}, gradient norm {bp.grads.global_norm():.4f}",
                *describe_lstm(self),
                *describe_training(self),
            ]
        )


def default_lesson() -> Lesson:
    """The lesson shipped with the package: every scene uses it when no file is given."""
    ref = resources.files("rnncore") / "lessons" / DEFAULT_LESSON
    with resources.as_file(ref) as path:
        return load_lesson(path)


WEIGHT_FILES = (".safetensors", ".h5")  # a trained network's weights (rnncore.importers)


def load_lesson(path: str | Path, seed: int | None = None) -> Lesson:
    """Read and validate a lesson file (.toml, .json or .npz), or a weights file.

    ``seed`` overrides the file's seed for the weights it does not give explicitly.
    A PyTorch ``.safetensors`` state dict or a Keras ``.h5`` weights file becomes the
    lesson ``render.py import`` would write from it (``rnncore.importers``: its
    weights exactly, a placeholder sequence drawn from ``seed``, default 0).
    """
    path = Path(path)
    if path.suffix.lower() in WEIGHT_FILES:
        from rnncore.importers import import_lesson  # (it imports this module)

        return import_lesson(path, seed=0 if seed is None else seed)
    where = str(path)
    raw = _read(path)
    return _build(raw, where, path.stem, seed)


def _target_steps(targets: Any) -> int | None:
    """How many steps the targets give (None when they are not a list)."""
    return len(targets) if isinstance(targets, list) else None


def _one_input(where: str, xs: np.ndarray, T: int | None) -> np.ndarray:
    """A one-to-many lesson's inputs: x(1), then zero vectors (T rows).

    The file gives one row (the steps then come from the targets) or T rows whose
    rows 2..T are zero; anything else is not a one-to-many sequence.
    """
    if xs.shape[0] == 1 and T is not None and T > 1:
        return np.vstack([xs, np.zeros((T - 1, xs.shape[1]))])  # (T, I)
    later = np.flatnonzero(np.any(xs[1:] != 0, axis=1))
    if later.size:
        raise _fail(
            where,
            "data.xs",
            "a one_to_many lesson has one input: give one row, or zeros after the first; "
            f"found x({later[0] + 2}) = {xs[later[0] + 1].tolist()}",
        )
    return xs


def _build(raw: dict[str, Any], where: str, stem: str, seed_override: int | None) -> Lesson:
    _check_keys(where, "", raw, _TOP)
    network, weights = _table(where, raw, "network"), _table(where, raw, "weights")
    from rnncore.lesson_lstm import lstm_sizes, parse_cell, parse_lstm  # imports this module

    cell = parse_cell(where, raw)
    network = lstm_sizes(where, raw, network)  # sizes may come from [lstm]'s weights
    data, labels = _table(where, raw, "data"), _table(where, raw, "labels")

    name = raw.get("name", stem)
    if not isinstance(name, str) or not name.strip():
        raise _fail(where, "name", f"expected a non-empty string, found {_found(name)}")
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise _fail(
            where,
            "description",
            f"expected a string of at most {MAX_DESCRIPTION} characters, "
            f"found {_found(description)}",
        )
    task = _choice(where, "task", raw.get("task", "many_to_many"), TASKS)
    loss = _choice(where, "loss", raw.get("loss", "cross_entropy"), LOSSES)
    lr = _float(where, "learning_rate", raw.get("learning_rate", 0.5))
    clip = _float(where, "clip", raw.get("clip", 1.0))

    # Sizes: from [network], or read off the explicit weights.
    sizes: dict[str, int] = {}
    inferred = {
        "n_in": ("U", 1),
        "n_hidden": ("W", 0),
        "n_out": ("V", 0),
    }
    for key, (wname, axis) in inferred.items():
        if key in network:
            sizes[key] = _int(where, f"network.{key}", network[key], 1, LIMITS[key])
        elif wname in weights:
            given = _array(
                where, f"weights.{wname}", weights[wname], (None, None), "a matrix of numbers"
            )
            sizes[key] = given.shape[axis]
        else:
            raise _fail(where, f"network.{key}", f"missing (give it, or the weight {wname})")
        if sizes[key] > LIMITS[key]:
            raise _fail(
                where, f"network.{key}", f"at most {LIMITS[key]} can be drawn, found {sizes[key]}"
            )
    I, H, O = sizes["n_in"], sizes["n_hidden"], sizes["n_out"]
    if loss == "cross_entropy" and O < 2:
        # softmax over one class is always 1: no loss, no error, nothing to teach
        raise _fail(
            where, "network.n_out", "cross_entropy needs at least 2 classes, found 1 (use mse)"
        )

    seed = _int(where, "network.seed", network.get("seed", 0), 0)
    if seed_override is not None:
        seed = _int(where, "seed", seed_override, 0)
    scale = _float(where, "network.scale", network.get("scale", 0.5))
    rand = RNNParams.random(I, H, O, seed=seed, scale=scale)
    shapes = {"U": (H, I), "W": (H, H), "V": (O, H), "b": (H,), "c": (O,)}
    arrays = {
        k: _array(where, f"weights.{k}", weights[k], shapes[k])
        if k in weights
        else getattr(rand, k)
        for k in PARAM_NAMES
    }
    params = RNNParams(**arrays)
    lstm, lstm_given, c0 = parse_lstm(where, raw, cell, (I, H, O), seed, scale)

    if "xs" not in data:
        raise _fail(where, "data.xs", f"missing (expected the input sequence, shape (T, {I}))")
    xs = _array(where, "data.xs", data["xs"], (None, I))
    if task == "one_to_many":
        xs = _one_input(where, xs, _target_steps(data.get("targets")))
    T = xs.shape[0]
    if not 1 <= T <= LIMITS["T"]:
        raise _fail(where, "data.xs", f"expected 1..{LIMITS['T']} time steps, found {T}")
    h0 = _array(where, "data.h0", data["h0"], (H,)) if "h0" in data else np.zeros(H)

    if "targets" not in data:
        raise _fail(where, "data.targets", "missing (expected one target per time step)")
    if loss == "cross_entropy":
        t_arr = np.array(data["targets"], dtype=object)
        if t_arr.shape != (T,):
            raise _fail(
                where, "data.targets", f"expected {T} class indices, found shape {t_arr.shape}"
            )
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in t_arr):
            raise _fail(
                where,
                "data.targets",
                f"expected integer class indices, found {_found(data['targets'])}",
            )
        targets = t_arr.astype(np.int64)
        if np.any((targets < 0) | (targets >= O)):
            raise _fail(
                where,
                "data.targets",
                f"expected class indices in 0..{O - 1}, found {targets.tolist()}",
            )
    else:
        targets = _array(where, "data.targets", data["targets"], (T, O))

    truncate = _int(where, "truncate", raw.get("truncate", min(2, T)), 1, T)
    from rnncore.lesson_train import parse_train, parse_trained  # imports this module

    train = parse_train(where, raw["train"], I, O, loss, task) if "train" in raw else None
    trained = parse_trained(where, raw["trained"]) if "trained" in raw else None

    return Lesson(
        name=name.strip(),
        params=params,
        xs=xs,
        targets=targets,
        h0=h0,
        task=task,
        loss=loss,
        learning_rate=lr,
        truncate=truncate,
        clip=clip,
        input_labels=_labels(where, "labels.inputs", labels.get("inputs"), I),
        output_labels=_labels(where, "labels.outputs", labels.get("outputs"), O),
        step_labels=_labels(where, "labels.steps", labels.get("steps"), T),
        source=where,
        seed=seed,
        description=" ".join(description.split()),
        given_weights=tuple(k for k in PARAM_NAMES if k in weights),
        scale=scale,
        train=train,
        trained=trained,
        cell=cell,
        lstm=lstm,
        lstm_given=lstm_given,
        c0=c0,
    )
