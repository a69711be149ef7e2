"""Writing lesson files: a Lesson back to TOML, JSON or NPZ, exactly and atomically.

``lesson_tables(lesson)`` gives the nested tables ``load_lesson`` reads (every weight
explicit, floats as they are); ``toml_text``, ``json_text`` and ``npz_bytes`` render
them; ``write_lesson(path, lesson)`` writes a file in the format of its suffix.

Floats are written with ``repr`` (the shortest text that reads back to the same
float64), so a written lesson loads back bit for bit. TOML is emitted here for the
lesson's shapes only (strings, booleans, integers, finite floats, nested lists of
them, tables and one array of tables): Python's ``tomllib`` reads TOML but cannot
write it.

Writing is atomic: a temporary file in the target's folder is written, flushed to
disk, loaded back and compared with the lesson, then moved over the target with
``os.replace``. On any error or interruption (``KeyboardInterrupt`` included) the
temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from rnncore.lesson import Lesson, load_lesson
from rnncore.params import PARAM_NAMES

__all__ = [
    "WRITE_FORMATS",
    "json_text",
    "lesson_difference",
    "lesson_tables",
    "npz_bytes",
    "toml_text",
    "write_lesson",
]

WRITE_FORMATS = (".toml", ".json", ".npz")
_ORDER = ("network", "weights", "lstm", "data", "labels", "train", "trained")


def lesson_tables(lesson: Lesson) -> dict[str, Any]:
    """The tables of a lesson file that loads back to ``lesson`` (weights all explicit).

    The network's seed is kept only when it is not 0 and the scale only when it is not
    0.5 (they no longer make any RNN weight, but the scenes' other random demos and a
    cell = "rnn" lesson's seeded LSTM still use them). A cell = "lstm" lesson gets
    ``cell`` and an ``[lstm]`` table with every LSTM weight (and c0 when it has one).
    """
    p = lesson.params
    network: dict[str, Any] = {"n_in": p.n_in, "n_hidden": p.n_hidden, "n_out": p.n_out}
    if lesson.seed:
        network["seed"] = lesson.seed
    if lesson.scale != 0.5:
        network["scale"] = lesson.scale
    tables: dict[str, Any] = {
        "name": lesson.name,
        **({"description": lesson.description} if lesson.description else {}),
        **({"cell": lesson.cell} if lesson.cell != "rnn" else {}),
        "task": lesson.task,
        "loss": lesson.loss,
        "learning_rate": lesson.learning_rate,
        "truncate": lesson.truncate,
        "clip": lesson.clip,
        "network": network,
        "weights": {k: getattr(p, k).tolist() for k in PARAM_NAMES},
        "data": {"xs": lesson.xs.tolist(), "targets": lesson.targets.tolist()},
    }
    tables["data"]["h0"] = lesson.h0.tolist()
    labels = {
        "inputs": list(lesson.input_labels),
        "outputs": list(lesson.output_labels),
        "steps": list(lesson.step_labels),
    }
    if any(labels.values()):
        tables["labels"] = {k: v for k, v in labels.items() if v}
    if lesson.cell == "lstm":
        tables["lstm"] = {k: v.tolist() for k, v in lesson.lstm_params.items()}
        if lesson.c0 is not None:
            tables["lstm"]["c0"] = lesson.c0.tolist()
    if lesson.train is not None:
        tables["train"] = lesson.train.table()
    if lesson.trained is not None:
        tables["trained"] = lesson.trained.table()
    return tables


# --- TOML ------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML: a lesson holds finite numbers only, found {value!r}")
        return repr(value)  # shortest round-trip text: 0.1, -0.0, 1e-05, 2.5e+16
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        if value and isinstance(value[0], list):  # a matrix: one row per line
            rows = "".join(f"    {_toml_value(v)},\n" for v in value)
            return "[\n" + rows + "]"
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"TOML: cannot write a {type(value).__name__}")


def _toml_pairs(table: dict[str, Any]) -> list[str]:
    return [f"{key} = {_toml_value(value)}" for key, value in table.items()]


def toml_text(tables: dict[str, Any]) -> str:
    """TOML for a lesson's tables: top-level values, then each table in order.

    A list of tables (``train.sequences``) becomes an array of tables after its table.
    """
    top = {k: v for k, v in tables.items() if not isinstance(v, dict)}
    lines = _toml_pairs(top)
    for name in sorted((k for k in tables if k not in top), key=_table_rank):
        body = tables[name]
        arrays = {k: v for k, v in body.items() if _is_table_list(v)}
        lines += ["", f"[{name}]", *_toml_pairs({k: v for k, v in body.items() if k not in arrays})]
        for key, items in arrays.items():
            for item in items:
                lines += ["", f"[[{name}.{key}]]", *_toml_pairs(item)]
    return "\n".join(lines) + "\n"


def _table_rank(name: str) -> int:
    return _ORDER.index(name) if name in _ORDER else len(_ORDER)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


# --- JSON and NPZ ----------------------------------------------------------------------


def json_text(tables: dict[str, Any]) -> str:
    """JSON for a lesson's tables (floats by repr, like TOML)."""
    return json.dumps(tables, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def npz_bytes(tables: dict[str, Any]) -> bytes:
    """An NPZ archive of a lesson's tables (the flat names ``load_lesson`` reads).

    weights, data and network fields by their own names; ``labels_<name>``,
    ``lstm_<name>``, ``train_<key>``, ``train_sequences_<i>_xs`` / ``_targets``, ``trained_<key>``.
    """
    arrays: dict[str, np.ndarray] = {}
    for key, value in tables.items():
        if not isinstance(value, dict):
            arrays[key] = np.array(value)
        elif key in ("train", "trained"):
            for k, v in value.items():
                if k == "sequences" and key == "train":
                    for i, seq in enumerate(v):
                        arrays[f"train_sequences_{i}_xs"] = np.array(seq["xs"], dtype=np.float64)
                        arrays[f"train_sequences_{i}_targets"] = np.array(seq["targets"])
                else:
                    arrays[f"{key}_{k}"] = np.array(v)
        else:
            prefix = f"{key}_" if key in ("labels", "lstm") else ""
            for k, v in value.items():
                arrays[prefix + k] = np.array(v)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


# --- writing ---------------------------------------------------------------------------


def lesson_difference(a: Lesson, b: Lesson) -> str | None:
    """The first field in which two lessons differ (arrays bit for bit), or None."""
    for name in PARAM_NAMES:
        x, y = getattr(a.params, name), getattr(b.params, name)
        if x.shape != y.shape or x.tobytes() != y.tobytes():
            return f"weights.{name}"
    for name in ("xs", "targets", "h0"):
        x, y = getattr(a, name), getattr(b, name)
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            return f"data.{name}"
    lstm_a, lstm_b = dict(a.lstm_params.items()), dict(b.lstm_params.items())
    for name, x in (lstm_a | {"c0": a.c0}).items():
        y = (lstm_b | {"c0": b.c0})[name]
        if (x is None) != (y is None) or (x is not None and x.tobytes() != y.tobytes()):
            return f"lstm.{name}"
    fields = ("name", "description", "task", "loss", "learning_rate", "truncate", "clip", "seed")
    fields += ("cell",)
    fields += ("input_labels", "output_labels", "step_labels", "trained")
    for name in fields:
        if getattr(a, name) != getattr(b, name):
            return name
    if (a.train is None) != (b.train is None) or (
        a.train is not None and a.train.table() != b.train.table()  # type: ignore[union-attr]
    ):
        return "train"
    return None


def _mode(path: Path) -> int:
    """The permissions of the file being replaced, or what a new file gets (umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def write_lesson(path: str | Path, lesson: Lesson) -> Path:
    """Write ``lesson`` to ``path`` (.toml, .json or .npz by suffix), atomically.

    Raises ``ValueError`` (one line) for an unknown suffix and ``OSError`` when the
    folder cannot be written; the target is then unchanged and no temporary file is
    left behind.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITE_FORMATS:
        raise ValueError(
            f"{path}: expected a .toml, .json or .npz file name, found '{suffix or path.name}'"
        )
    tables = lesson_tables(lesson)
    if suffix == ".npz":
        data = npz_bytes(tables)
    else:
        text = toml_text(tables) if suffix == ".toml" else json_text(tables)
        data = text.encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode(path))
        difference = lesson_difference(lesson, load_lesson(tmp))
        if difference is not None:  # a bug in this module, not in the lesson
            raise ValueError(f"{path}: the written lesson reads back differently in {difference}")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # the rename itself on disk
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path
