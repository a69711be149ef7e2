"""Reading a lesson file and checking its fields: every problem is one line.

The readers and field checks behind ``rnncore.lesson.load_lesson`` (and the
``[lstm]``, ``[train]`` and ``[trained]`` tables of ``rnncore.lesson_lstm`` and
``rnncore.lesson_train``). Only regular files of at most ``MAX_BYTES`` are read (a
FIFO or a device is refused without blocking on it or reading it); tables and lists
may nest at most ``MAX_DEPTH`` levels; every NPZ member's header (dtype, at most
``MAX_ELEMENTS`` values) is checked before its data is read. Each check raises
``LessonError`` naming the file, the field, what was expected and what was found.
"""

from __future__ import annotations

import io
import json
import math
import reprlib
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from rnncore.files import read_regular
from rnncore.lstm_params import LSTM_PARAM_NAMES
from rnncore.params import PARAM_NAMES

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_ELEMENTS", "LessonError"]

# Bounds on what is read at all. A lesson at the LIMITS above is a few kB and nests
# 4 levels (file > [data] > xs > row); anything far beyond is not a lesson.
MAX_BYTES = 1 << 20  # 1 MiB
MAX_DEPTH = 16  # tables and lists inside one another
MAX_ELEMENTS = 10_000  # values in one NPZ array


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
    """The bytes of a regular lesson file of at most MAX_BYTES; anything else is a LessonError."""

    def suffix_known() -> None:
        suffix = path.suffix.lower()
        if suffix not in (".toml", ".json", ".npz"):
            raise LessonError(
                f"{path}: expected a .toml, .json or .npz lesson file (or .safetensors/.h5 "
                f"weights), found '{suffix or path.name}'"
            )

    return read_regular(
        path,
        what="a lesson file",
        max_bytes=MAX_BYTES,
        error=LessonError,
        too_big=lambda n: (
            f"expected a lesson file of at most {MAX_BYTES // 1024} KiB, found {n // 1024} KiB"
        ),
        check=suffix_known,
    )


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
