"""Reading weights files without unpickling: safetensors (PyTorch) and Keras' HDF5.

``read_safetensors(path)`` parses a safetensors file with the standard library and
NumPy: an 8-byte little-endian header length, a JSON header (dtype, shape,
data_offsets per tensor, optional ``__metadata__``), then the raw little-endian bytes
(F64, F32, F16 and BF16 are read; other dtypes are refused). ``read_keras(path)`` reads
the weight arrays of each layer of a Keras 3 ``.weights.h5`` file (``<path>/vars/0, 1,
...`` per layer, as ``keras.src.saving.saving_lib.H5IOStore`` writes them, e.g.
``layers/simple_rnn/cell/vars/{0,1,2}``; the optimizer's state is left out) or of a
Keras 2 ``.h5`` file (``layer_names`` / ``weight_names`` attributes), with h5py.

Arrays come back as float64 (exact from every dtype read). Only regular files of at
most ``MAX_WEIGHT_BYTES`` are read (a FIFO is refused without blocking on it); every
problem raises ``WeightsError`` (a ``LessonError``) with one line naming the file and,
where there is one, the tensor. ``rnncore.importers`` maps the arrays to ``RNNParams``.
"""

from __future__ import annotations

import io
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np

from rnncore.files import read_regular
from rnncore.lesson import LessonError

__all__ = [
    "MAX_WEIGHT_BYTES",
    "Record",
    "WeightsError",
    "quoted",
    "read_keras",
    "read_safetensors",
]

MAX_WEIGHT_BYTES = 16 << 20  # a network the scenes can draw is a few kB
_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2"}
_MAX_ELEMENTS = 1 << 20  # values in one dataset (a compressed dataset is checked before reading)
Record = tuple[str, list[np.ndarray]]  # a layer's path and its arrays in Keras' order


class WeightsError(LessonError):
    """A weights file that cannot be imported; the message is one line."""


def quoted(name: str) -> str:
    """A tensor name as shown in a message (quoted; odd characters escaped)."""
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."


def _read_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_WEIGHT_BYTES (a FIFO is never read)."""
    return read_regular(
        path,
        what="a weights file",
        max_bytes=MAX_WEIGHT_BYTES,
        error=WeightsError,
        too_big=lambda n: (
            f"larger than {MAX_WEIGHT_BYTES >> 20} MiB; a network the lecture "
            "can draw has a few hundred weights"
        ),
    )


# --- safetensors -----------------------------------------------------------------------


def read_safetensors(path: str | Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file as float64 arrays, by name (no torch needed).

    Raises ``WeightsError`` for a truncated or malformed file, offsets that do not
    match the shapes, or a dtype other than F64, F32, F16 and BF16.
    """
    path = Path(path)
    where, data = str(path), _read_file(path)
    if len(data) < 8:
        raise WeightsError(f"{where}: not a safetensors file ({len(data)} bytes, no header)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise WeightsError(
            f"{where}: not a safetensors file, or truncated: the header claims {n} bytes, "
            f"the file has {len(data) - 8} after the length"
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WeightsError(f"{where}: not a safetensors file (the header is not JSON)") from None
    if not isinstance(header, dict):
        raise WeightsError(f"{where}: not a safetensors file (the header is not a JSON object)")
    buffer = memoryview(data)[8 + n :]
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name != "__metadata__":
            tensors[name] = _tensor(where, name, info, buffer)
    if not tensors:
        raise WeightsError(f"{where}: holds no tensors")
    return tensors


def _tensor(where: str, name: str, info: Any, buffer: memoryview) -> np.ndarray:
    def fail(message: str) -> WeightsError:
        return WeightsError(f"{where}: tensor {quoted(name)}: {message}")

    if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= info.keys():
        raise fail("expected dtype, shape and data_offsets in the header")
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype not in _DTYPES:
        raise fail(f"dtype {str(dtype)[:20]!r} is not supported (expected F64, F32, F16 or BF16)")
    if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
        raise fail(f"expected a shape of whole numbers, found {str(shape)[:40]}")
    if not (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(type(o) is int for o in offsets)
        and 0 <= offsets[0] <= offsets[1] <= len(buffer)
    ):
        raise fail(
            f"data_offsets {str(offsets)[:40]} lie outside the {len(buffer)} bytes of data "
            "(a truncated file?)"
        )
    item = np.dtype(_DTYPES[dtype])
    size = math.prod(shape) * item.itemsize
    if offsets[1] - offsets[0] != size:
        raise fail(
            f"shape {tuple(shape)} of {dtype} needs {size} bytes, "
            f"data_offsets give {offsets[1] - offsets[0]}"
        )
    raw = np.frombuffer(buffer[offsets[0] : offsets[1]], dtype=item).reshape(shape)
    if dtype == "BF16":  # the upper half of a float32's bits
        raw = (raw.astype("<u4") << 16).view("<f4")
    return raw.astype(np.float64)


# --- Keras weights files --------------------------------------------------------------


def read_keras(path: str | Path) -> list[Record]:
    """The float weight arrays of each layer in a Keras 3 or Keras 2 ``.h5`` weights file.

    Keras 3: one record per ``.../vars`` group (datasets ``0, 1, ...``), optimizer state
    and groups without float arrays (seed generators, metric counters) left out.
    Keras 2: one record per name in the ``layer_names`` attribute, in ``weight_names`` order.
    """
    import h5py  # a dependency of the project, imported only where it is needed

    path = Path(path)
    where, data = str(path), _read_file(path)
    try:
        with h5py.File(io.BytesIO(data), "r") as f:
            root = f.get("model_weights", f)
            if "layer_names" in root.attrs:
                return _keras2_records(where, root)
            return _keras3_records(where, f)
    except LessonError:
        raise
    except Exception as e:  # h5py raises OSError, KeyError, ValueError, TypeError, ...
        detail = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise WeightsError(f"{where}: not a readable HDF5 weights file ({detail})") from None


def _keras3_records(where: str, f: Any) -> list[Record]:
    import h5py

    groups: list[tuple[str, Any]] = []
    f.visititems(
        lambda name, obj: (
            groups.append((name, obj))
            if isinstance(obj, h5py.Group) and name.rsplit("/", 1)[-1] == "vars"
            else None
        )
    )
    records = []
    for name, group in groups:
        if name.split("/", 1)[0] == "optimizer":
            continue
        keys = list(group.keys())
        if not all(k.isdigit() for k in keys):
            raise WeightsError(
                f"{where}: {quoted(name)}: expected datasets 0, 1, ..., found {keys}"
            )
        arrays = [_dataset(where, f"{name}/{k}", group[k]) for k in sorted(keys, key=int)]
        if any(a is not None and a.ndim > 0 for a in arrays):
            records.append((name.removesuffix("/vars"), [a for a in arrays if a is not None]))
    if not records:
        raise WeightsError(f"{where}: no layer weights (expected Keras' <layer>/vars groups)")
    return records


def _keras2_records(where: str, root: Any) -> list[Record]:
    records = []
    for raw in root.attrs["layer_names"]:
        layer = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        group = root[layer]
        names = [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in
                 group.attrs.get("weight_names", [])]  # fmt: skip
        arrays = [_dataset(where, n, group[n]) for n in names]
        if any(a is not None and a.ndim > 0 for a in arrays):
            records.append((layer, [a for a in arrays if a is not None]))
    if not records:
        raise WeightsError(f"{where}: no layer weights in its layer_names")
    return records


def _dataset(where: str, name: str, ds: Any) -> np.ndarray | None:
    """A dataset as float64; None for integer state (counters, seeds)."""
    if not hasattr(ds, "dtype") or not hasattr(ds, "shape"):
        raise WeightsError(f"{where}: {quoted(name)}: expected a dataset, found a group")
    if ds.size > _MAX_ELEMENTS:
        raise WeightsError(f"{where}: {quoted(name)}: {ds.shape} is far beyond what can be drawn")
    kind, size = ds.dtype.kind, ds.dtype.itemsize
    if ds.attrs.get("dtype") in ("bfloat16", b"bfloat16") and size == 2:
        bits = np.asarray(ds[()]).view("<u2")
        return (bits.astype("<u4") << 16).view("<f4").astype(np.float64)
    if kind in "iub":
        return None
    if kind != "f":
        raise WeightsError(f"{where}: {quoted(name)}: expected float weights, found {ds.dtype}")
    return np.asarray(ds[()], dtype=np.float64)
