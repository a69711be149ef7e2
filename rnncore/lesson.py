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

import io
import json
import math
import os
import reprlib
import stat
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rnncore.lstm import LSTMBackprop, LSTMTrace, lstm_backward, lstm_forward
from rnncore.lstm_params import LSTM_PARAM_NAMES, LSTMParams
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
# Bounds on what is read at all. A lesson at the LIMITS above is a few kB and nests
# 4 levels (file > [data] > xs > row); anything far beyond is not a lesson.
MAX_BYTES = 1 << 20  # 1 MiB
MAX_DEPTH = 16  # tables and lists inside one another
MAX_ELEMENTS = 10_000  # values in one NPZ array
_FILE_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}

MAX_DESCRIPTION = 300  # characters of a lesson's description (two lines on a slide)

_TOP = {
    "name",
    "description",
    "task",
    "loss",
    "learning_rate",
    "truncate",
    "clip",
    "network",
    "weights",
    "data",
    "labels",
    "train",
    "trained",
    "cell",
    "lstm",
}
_TABLES = {
    "network": {"n_in", "n_hidden", "n_out", "seed", "scale"},
    "weights": set(PARAM_NAMES),
    "data": {"xs", "targets", "h0"},
    "labels": {"inputs", "outputs", "steps"},
    "lstm": {*LSTM_PARAM_NAMES, "c0"},  # rnncore.lesson_lstm
}


class LessonError(ValueError):
    """A lesson file that cannot be used; the message is one line."""


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


def load_lesson(path: str | Path, seed: int | None = None) -> Lesson:
    """Read and validate a lesson file (.toml, .json or .npz).

    ``seed`` overrides the file's seed for the weights it does not give explicitly.
    """
    path = Path(path)
    where = str(path)
    raw = _read(path)
    return _build(raw, where, path.stem, seed)


def _fail(where: str, fieldname: str, message: str) -> LessonError:
    """The one-line error; a field name from the file that is not plain text is quoted."""
    if not (fieldname.isprintable() and len(fieldname) <= _FOUND_CHARS):
        fieldname = _found(fieldname)  # an unknown key "\n" must not break the line
    return LessonError(f"{where}: {fieldname}: {message}")


_FOUND_CHARS = 120  # a found value is shown in at most this many characters


def _found(value: Any) -> str:
    """A short one-line repr of a found value (deep or long values are abbreviated)."""
    short = reprlib.Repr()
    short.maxstring = short.maxother = short.maxlong = 60
    short.maxlist = short.maxdict = 8
    short.maxlevel = 3
    text = short.repr(value)
    return text if len(text) <= _FOUND_CHARS else text[: _FOUND_CHARS - 3] + "..."


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; anything else is a LessonError.

    Opened non-blocking and checked with fstat on the open file, so a FIFO or a
    device is refused without blocking or reading, and no check races the open.
    """
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise LessonError(f"{where}: file not found") from None
    except OSError as e:
        raise LessonError(f"{where}: cannot read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise LessonError(f"{where}: expected a lesson file, found {kind}")
        suffix = path.suffix.lower()
        if suffix not in (".toml", ".json", ".npz"):
            raise LessonError(
                f"{where}: expected a .toml, .json or .npz file, found '{suffix or path.name}'"
            )
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise LessonError(f"{where}: cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise LessonError(
            f"{where}: expected a lesson file of at most {MAX_BYTES // 1024} KiB, "
            f"found {max(info.st_size, len(data)) // 1024} KiB"
        )
    return data


def _text(where: str, data: bytes) -> str:
    """UTF-8 text; a leading byte-order mark (some Windows editors write one) is dropped."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise LessonError(
            f"{where}: expected UTF-8 text, found byte 0x{data[e.start]:02x} at offset {e.start}"
        ) from None


def _parse_error(where: str, kind: str, e: ValueError) -> LessonError:
    if "integer string conversion" in str(e):  # CPython's limit on int digits
        limit = sys.get_int_max_str_digits()
        return LessonError(f"{where}: invalid {kind}: a number with more than {limit} digits")
    return LessonError(f"{where}: invalid {kind}: {str(e).splitlines()[0][:200]}")


def _read(path: Path) -> dict[str, Any]:
    where = str(path)
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        raw = _read_npz(where, data)
    else:
        kind = "TOML" if suffix == ".toml" else "JSON"
        text = _text(where, data)
        try:
            raw = tomllib.loads(text) if kind == "TOML" else json.loads(text)
        except json.JSONDecodeError as e:
            raise LessonError(
                f"{where}: invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
            ) from None
        except RecursionError:
            raise LessonError(
                f"{where}: invalid {kind}: nested too deeply "
                f"(expected at most {MAX_DEPTH} levels of tables and lists)"
            ) from None
        except ValueError as e:  # tomllib.TOMLDecodeError, too many digits
            raise _parse_error(where, kind, e) from None
        if not isinstance(raw, dict):
            raise LessonError(f"{where}: expected a JSON object at the top level")
    _check_depth(where, raw)
    return raw


def _check_depth(where: str, raw: dict[str, Any]) -> None:
    """Refuse tables and lists nested deeper than MAX_DEPTH (walked without recursion)."""
    stack: list[tuple[Any, int, str]] = [(raw, 1, "")]
    while stack:
        node, depth, name = stack.pop()
        if depth > MAX_DEPTH:
            raise _fail(
                where, name, f"expected at most {MAX_DEPTH} levels of tables and lists, found more"
            )
        if isinstance(node, dict):
            for key, value in node.items():
                child = f"{name}.{key}" if name and depth <= 2 else (name or str(key))
                stack.append((value, depth + 1, child))
        elif isinstance(node, list):
            stack.extend((value, depth + 1, name) for value in node)


def _npz_headers(where: str, archive: zipfile.ZipFile) -> None:
    """Check every member's .npy header before any data is read: no absurd shapes."""
    for info in archive.infolist():
        key = info.filename.removesuffix(".npy")
        if not info.filename.endswith(".npy"):
            raise _fail(where, info.filename, "expected only .npy arrays in the archive")
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                raise _fail(where, key, f"expected a .npy array of version 1 or 2, found {version}")
        if dtype.hasobject:  # reading it would unpickle
            raise _fail(where, key, "expected a numeric or string array, found Python objects")
        if dtype.kind not in "biufcSU":
            raise _fail(where, key, f"expected a numeric or string array, found dtype {dtype}")
        count = math.prod(shape)
        if count > MAX_ELEMENTS or count * dtype.itemsize > MAX_BYTES:
            raise _fail(
                where,
                key,
                f"expected a small array (at most {MAX_ELEMENTS} values, "
                f"{MAX_BYTES // 1024} KiB), found shape {shape} of {dtype}",
            )


def _read_npz(where: str, data: bytes) -> dict[str, Any]:
    """NPZ arrays -> the same nested tables as TOML (weights/data/labels by name)."""
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _npz_headers(where, archive)
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            for key in npz.files:
                arrays[key] = npz[key]
    except LessonError:
        raise
    except Exception as e:  # zipfile.BadZipFile, EOFError, a bad header (ValueError), ...
        detail = str(e).splitlines()[0][:120] if str(e) else ""
        detail = f"{type(e).__name__}: {detail}" if detail else type(e).__name__
        raise LessonError(f"{where}: not a valid NPZ archive ({detail})") from None
    from rnncore.lesson_train import npz_train_tables  # imports this module

    homes = {**{k: "weights" for k in PARAM_NAMES}, "xs": "data", "targets": "data", "h0": "data"}
    homes |= {f"labels_{k}": "labels" for k in _TABLES["labels"]}
    homes |= {k: "network" for k in _TABLES["network"]}
    homes |= {f"lstm_{k}": "lstm" for k in _TABLES["lstm"]}
    values = {k: arr.item() if arr.ndim == 0 else arr.tolist() for k, arr in arrays.items()}
    raw = npz_train_tables(where, values)  # takes the train_* and trained_* keys
    for key, value in values.items():
        table = homes.get(key)
        if table is None:
            raw[key] = value
        else:
            raw.setdefault(table, {})[key.removeprefix(f"{table}_")] = value
    return raw


def _check_keys(where: str, table: str, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        prefix = f"{table}." if table else ""
        raise _fail(
            where,
            prefix + unknown[0],
            f"unknown field (expected one of {', '.join(sorted(allowed))})",
        )


def _table(where: str, raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise _fail(where, name, f"expected a table, found {type(value).__name__}")
    _check_keys(where, name, value, _TABLES[name])
    return value


def _int(where: str, name: str, value: Any, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, name, f"expected an integer, found {_found(value)}")
    if value < lo or (hi is not None and value > hi):
        bound = f"in {lo}..{hi}" if hi is not None else f">= {lo}"
        raise _fail(where, name, f"expected an integer {bound}, found {_found(value)}")
    return value


def _float(where: str, name: str, value: Any, positive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, name, f"expected a number, found {_found(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond float's range
        number = math.inf
    if not math.isfinite(number) or (positive and number <= 0):
        raise _fail(where, name, f"expected a finite number > 0, found {_found(value)}")
    return number


def _choice(where: str, name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise _fail(where, name, f"expected one of {', '.join(options)}, found {_found(value)}")
    return value


def _array(
    where: str, name: str, value: Any, shape: tuple[int | None, ...], what: str = ""
) -> np.ndarray:
    """A finite float64 array of the given shape (None = any length).

    Strings, booleans and other non-numbers are refused, not converted.
    """
    what = what or f"numbers of shape {_shape(shape)}"
    try:
        arr = np.array(value)
        if arr.dtype.kind not in "iuf":  # str, bool, None, nested objects
            raise TypeError(arr.dtype)
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise _fail(where, name, f"expected {what}, found non-numeric or ragged data") from None
    if arr.ndim != len(shape) or any(
        s is not None and s != n for s, n in zip(shape, arr.shape, strict=True)
    ):
        raise _fail(where, name, f"expected {what}, found shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise _fail(where, name, "expected finite numbers, found NaN or inf")
    return arr


def _shape(shape: tuple[int | None, ...]) -> str:
    inner = ", ".join("T" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _labels(where: str, name: str, value: Any, n: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) != n:
        raise _fail(where, name, f"expected a list of {n} strings, found {_found(value)}")
    return tuple(value)


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
