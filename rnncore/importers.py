"""Weights from PyTorch and Keras: a simple RNN trained elsewhere, as a lesson.

A ``torch.nn.RNN`` (tanh, one layer, one direction; ``batch_first`` does not change the
weights) or ``nn.RNNCell`` with one ``nn.Linear`` head, from a safetensors file of its
state dict (``safetensors.torch.save_file(model.state_dict(), "m.safetensors")``;
never a pickle, no ``torch.load``)::

    weight_ih_l0 -> U (H, I)     weight_hh_l0 -> W (H, H)     bias_ih_l0 + bias_hh_l0 -> b
    <head>.weight -> V (O, H)    <head>.bias -> c

The modules may have any names: the RNN's keys are found by their suffixes, the head is
the one remaining 2-d ``weight`` of shape (O, H), with its ``bias``.

A Keras ``SimpleRNN`` + ``Dense`` from a weights file (Keras 3 ``model.save_weights(
"m.weights.h5")``, or Keras 2 ``.h5``), whose kernels are stored transposed::

    SimpleRNN kernel (I, H) -> U = kernel.T     recurrent_kernel (H, H) -> W = recurrent_kernel.T
    SimpleRNN bias (H,) -> b                    Dense kernel (H, O) -> V = kernel.T, bias -> c

An ``nn.LSTM`` (or ``nn.LSTMCell``) or Keras ``LSTM`` in their place becomes a
``cell = "lstm"`` lesson with ``LSTMParams`` (gates i, f, g, o in both frameworks)::

    weight_ih_l0 -> W_ih (4H, I)    weight_hh_l0 -> W_hh (4H, H)    bias_*_l0 -> b_ih, b_hh
    Keras: W_ih = kernel.T, W_hh = recurrent_kernel.T, b_ih = bias, b_hh = 0

A layer without a bias (``bias=False``, ``use_bias=False``) imports with zeros there.
The files are read by ``rnncore.weight_files``.

A weights file does not say which nonlinearity the network used: the importers assume
tanh (the default of ``nn.RNN`` and ``SimpleRNN``), and for an LSTM sigmoid gates with
tanh (PyTorch's only choice, Keras 3's default; Keras 2 before 2.3 defaulted to
hard_sigmoid); a network trained with ReLU imports without complaint and computes
something else here. Weights are converted to float64,
which is exact from F16, BF16 and F32, and never rounded.

Every problem raises ``WeightsError`` (a ``LessonError``) with one line naming the file
and the tensor. A GRU, a stacked or bidirectional RNN, an LSTM with ``proj_size``, extra
layers and sizes beyond ``LIMITS`` are refused by name.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np

from rnncore.lesson import LIMITS, Lesson, load_lesson
from rnncore.lstm_params import LSTM_PARAM_NAMES, LSTMParams
from rnncore.params import PARAM_NAMES, RNNParams
from rnncore.weight_files import (
    MAX_WEIGHT_BYTES,
    Record,
    WeightsError,
    quoted,
    read_keras,
    read_safetensors,
)

__all__ = [
    "FORMATS",
    "MAX_WEIGHT_BYTES",
    "WeightsError",
    "import_lesson",
    "imported_lesson",
    "keras_params",
    "read_keras",
    "read_params",
    "read_safetensors",
    "torch_params",
]

FORMATS = {".safetensors": "torch", ".h5": "keras"}  # by suffix; --format overrides
PLACEHOLDER_STEPS = 5  # time steps of the seeded sequence when no --data is given
_WHAT = {"torch": "PyTorch network (nn.Linear head)", "keras": "Keras network (Dense head)"}


# --- PyTorch state dicts ---------------------------------------------------------------

_RNN_KEY = re.compile(
    r"^(?:(?P<prefix>.*)\.)?(?P<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
    r"(?P<layer>_l\d+)?(?P<reverse>_reverse)?$"
)


def torch_params(
    tensors: dict[str, np.ndarray], where: str = "<state dict>"
) -> RNNParams | LSTMParams:
    """An ``RNNParams`` from the state dict of an ``nn.RNN`` (or ``nn.RNNCell``) + ``nn.Linear``.

    The recurrent module is found by its keys' suffixes (``weight_ih_l0`` ...), the head
    as the one remaining 2-d ``weight`` (with its ``bias``, if any) of shape (O, H).
    """
    for key, value in tensors.items():
        if not np.all(np.isfinite(value)):
            raise WeightsError(f"{where}: {quoted(key)} holds NaN or inf")
    found = {k: m for k in tensors if (m := _RNN_KEY.match(k))}
    if not found:
        raise WeightsError(f"{where}: no nn.RNN weights (expected a key ending in weight_ih_l0)")
    for key, m in found.items():
        if m["reverse"]:
            raise WeightsError(f"{where}: {quoted(key)}: a bidirectional RNN cannot be imported")
        if m["layer"] not in (None, "_l0"):
            raise WeightsError(
                f"{where}: {quoted(key)}: an RNN of more than one layer cannot be imported"
            )
        if m["kind"] == "weight_hr":
            raise WeightsError(f"{where}: {quoted(key)}: an LSTM with proj_size cannot be imported")
    prefixes = sorted({m["prefix"] or "" for m in found.values()})
    if len(prefixes) > 1:
        raise WeightsError(
            f"{where}: two recurrent modules ({', '.join(map(quoted, prefixes))}); expected one"
        )
    rnn = {m["kind"]: key for key, m in found.items()}
    for kind in ("weight_ih", "weight_hh"):
        if kind not in rnn:
            raise WeightsError(f"{where}: no {kind}_l0 beside {quoted(next(iter(found)))}")
    w_ih, w_hh = tensors[rnn["weight_ih"]], tensors[rnn["weight_hh"]]
    if w_hh.ndim != 2 or w_ih.ndim != 2 or w_ih.shape[0] != w_hh.shape[0]:
        raise WeightsError(
            f"{where}: {quoted(rnn['weight_ih'])} {w_ih.shape} and {quoted(rnn['weight_hh'])} "
            f"{w_hh.shape} do not fit one recurrent layer"
        )
    H = w_hh.shape[1]
    G = _gates(where, rnn["weight_hh"], w_hh.shape[0], H, "PyTorch") * H
    if ("bias_ih" in rnn) != ("bias_hh" in rnn):
        missing = "bias_hh" if "bias_ih" in rnn else "bias_ih"
        raise WeightsError(f"{where}: {missing}_l0 is missing beside the other RNN bias")
    b_ih = b_hh = np.zeros(G)  # bias=False has neither
    if "bias_ih" in rnn:
        b_ih, b_hh = (_vector(where, rnn[k], tensors, G) for k in ("bias_ih", "bias_hh"))
    V, c = _torch_head(where, {k: v for k, v in tensors.items() if k not in found}, H)
    if G == 4 * H:
        return _lstm(where, W_ih=w_ih, W_hh=w_hh, b_ih=b_ih, b_hh=b_hh, V=V, c=c)
    return _params(where, U=w_ih, W=w_hh, V=V, b=b_ih + b_hh, c=c)


def _torch_head(where: str, rest: dict[str, np.ndarray], H: int) -> tuple[np.ndarray, np.ndarray]:
    weights = [k for k in rest if k == "weight" or k.endswith(".weight")]
    if len(weights) != 1:
        found = f"found {', '.join(map(quoted, weights))}" if weights else "found none"
        raise WeightsError(
            f"{where}: expected one nn.Linear head (a 'weight' of shape (n_out, {H})) "
            f"beside the RNN, {found}"
        )
    key = weights[0]
    V = rest[key]
    if V.ndim != 2 or V.shape[1] != H:
        raise WeightsError(
            f"{where}: {quoted(key)}: expected the head's shape (n_out, {H}), found {V.shape}"
        )
    bias = key.removesuffix("weight") + "bias"
    c = _vector(where, bias, rest, V.shape[0]) if bias in rest else np.zeros(V.shape[0])
    extra = sorted(set(rest) - {key, bias})
    if extra:
        raise WeightsError(
            f"{where}: {quoted(extra[0])} {rest[extra[0]].shape}: only an nn.RNN and one "
            "nn.Linear head can be imported"
        )
    return V, c


def _vector(where: str, key: str, tensors: dict[str, np.ndarray], n: int) -> np.ndarray:
    v = tensors[key]
    if v.shape != (n,):
        raise WeightsError(f"{where}: {quoted(key)}: expected shape ({n},), found {v.shape}")
    return v


def _gates(where: str, key: str, rows: int, H: int, framework: str) -> int:
    """1 for a simple RNN, 4 for an LSTM (blocks of H rows: i, f, g, o); a GRU (3) is refused."""
    if rows in (H, 4 * H):
        return rows // H
    if rows == 3 * H:
        raise WeightsError(
            f"{where}: {quoted(key)} has {rows} = 3 x {H} gate rows: a GRU ({framework}); "
            "only a simple tanh RNN or an LSTM can be imported"
        )
    raise WeightsError(
        f"{where}: {quoted(key)}: expected {H} x {H} recurrent weights, found {rows}"
    )


def _limits(where: str, I: int, H: int, O: int) -> None:
    for key, n in (("n_in", I), ("n_hidden", H), ("n_out", O)):
        if not 1 <= n <= LIMITS[key]:
            raise WeightsError(
                f"{where}: {key} = {n}: the scenes draw 1..{LIMITS[key]} (rnncore.LIMITS)"
            )


def _params(where: str, **arrays: np.ndarray) -> RNNParams:
    """RNNParams from float64 arrays, no larger than the scenes can draw."""
    _limits(where, arrays["U"].shape[1], arrays["U"].shape[0], arrays["V"].shape[0])
    try:
        return RNNParams(**arrays)
    except ValueError as e:
        raise WeightsError(f"{where}: {e}") from None


def _lstm(where: str, **arrays: np.ndarray) -> LSTMParams:
    """LSTMParams (PyTorch's layout) from float64 arrays, no larger than the scenes can draw."""
    _limits(where, arrays["W_ih"].shape[1], arrays["W_hh"].shape[1], arrays["V"].shape[0])
    try:
        return LSTMParams(**arrays)
    except ValueError as e:
        raise WeightsError(f"{where}: {e}") from None


def keras_params(records: list[Record], where: str = "<keras weights>") -> RNNParams | LSTMParams:
    """Params from a SimpleRNN's or LSTM's (kernel, recurrent_kernel[, bias]) and a Dense.

    Keras' LSTM stacks its gates i, f, c, o like PyTorch's i, f, g, o, in columns: W_ih =
    kernel.T, W_hh = recurrent_kernel.T, b_ih = bias, b_hh = 0.
    """
    for label, arrays in records:
        for i, value in enumerate(arrays):
            if not np.all(np.isfinite(value)):
                raise WeightsError(f"{where}: {quoted(label)}: weight {i} holds NaN or inf")
    rnns = [(label, a) for label, a in records if _recurrent(a)]
    if len(rnns) != 1:
        if rnns:
            names = ", ".join(quoted(label) for label, _ in rnns)
            raise WeightsError(
                f"{where}: {len(rnns)} recurrent layers ({names}): a stacked or bidirectional "
                "network cannot be imported"
            )
        raise WeightsError(
            f"{where}: no SimpleRNN weights (a kernel (n_in, H) and recurrent_kernel (H, H))"
        )
    label, arrays = rnns[0]
    kernel, recurrent = arrays[0], arrays[1]
    H = recurrent.shape[0]
    G = _gates(where, f"{label}/recurrent_kernel", recurrent.shape[1], H, "Keras") * H
    b = np.zeros(G)  # use_bias=False
    if len(arrays) == 3:
        if arrays[2].shape != (G,):
            bias = quoted(f"{label}/bias")
            raise WeightsError(f"{where}: {bias}: expected shape ({G},), found {arrays[2].shape}")
        b = arrays[2]
    rest = [(lab, a) for lab, a in records if lab != label]
    if len(rest) != 1:
        found = ", ".join(quoted(lab) for lab, _ in rest) or "none"
        raise WeightsError(
            f"{where}: expected one Dense layer after the SimpleRNN, found {found} "
            "(only a SimpleRNN and one Dense can be imported)"
        )
    dense_label, dense = rest[0]
    if not 1 <= len(dense) <= 2 or dense[0].ndim != 2 or dense[0].shape[0] != H:
        shapes = ", ".join(str(a.shape) for a in dense)
        raise WeightsError(
            f"{where}: {quoted(dense_label)}: expected a Dense kernel ({H}, n_out) and bias, "
            f"found {shapes}"
        )
    O = dense[0].shape[1]
    if len(dense) == 2 and dense[1].shape != (O,):
        bias = quoted(f"{dense_label}/bias")
        raise WeightsError(f"{where}: {bias}: expected shape ({O},), found {dense[1].shape}")
    c = dense[1] if len(dense) == 2 else np.zeros(O)
    if G == 4 * H:
        return _lstm(
            where, W_ih=kernel.T, W_hh=recurrent.T, b_ih=b, b_hh=np.zeros(G), V=dense[0].T, c=c
        )
    return _params(where, U=kernel.T, W=recurrent.T, V=dense[0].T, b=b, c=c)


def _recurrent(arrays: list[np.ndarray]) -> bool:
    """A kernel (I, G) and recurrent_kernel (H, G) with G = H, 3H or 4H."""
    if len(arrays) not in (2, 3) or arrays[0].ndim != 2 or arrays[1].ndim != 2:
        return False
    (_, g), (h, g2) = arrays[0].shape, arrays[1].shape
    return g == g2 and h > 0 and g % h == 0


# --- lessons ---------------------------------------------------------------------------


def read_params(path: str | Path, fmt: str | None = None) -> tuple[RNNParams | LSTMParams, str]:
    """The weights of a PyTorch (.safetensors) or Keras (.h5) file, and which it was.

    ``fmt`` is ``"torch"`` or ``"keras"``; by default it comes from the suffix.
    """
    path = Path(path)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt == "torch":
        return torch_params(read_safetensors(path), str(path)), fmt
    if fmt == "keras":
        return keras_params(read_keras(path), str(path)), fmt
    if path.suffix.lower() in (".pt", ".pth", ".bin", ".ckpt"):
        raise WeightsError(
            f"{path}: PyTorch pickles are never loaded (unpickling can run code); save the "
            "state dict with safetensors.torch.save_file(model.state_dict(), 'm.safetensors')"
        )
    if path.suffix.lower() == ".keras":
        raise WeightsError(
            f"{path}: a whole Keras model; save its weights with "
            "model.save_weights('m.weights.h5') (or unzip model.weights.h5 from it)"
        )
    raise WeightsError(
        f"{path}: expected a .safetensors (PyTorch) or .h5 (Keras) file, "
        f"found '{path.suffix or path.name}' (or give --format torch|keras)"
    )


def imported_lesson(
    params: RNNParams | LSTMParams,
    name: str,
    fmt: str,
    data: Lesson | None = None,
    seed: int = 0,
) -> Lesson:
    """A lesson with ``params`` exactly, and ``data``'s sequence, or a seeded placeholder one.

    ``data`` must have the same n_in and n_out, and the same n_hidden unless its h0 is
    zero and it has no LSTM of its own to keep; its task, loss, labels and settings are
    kept. Without ``data``: a one-hot input sequence of PLACEHOLDER_STEPS steps and
    random targets from ``seed`` (cross-entropy, or mse for a single output).

    An ``LSTMParams`` makes a ``cell = "lstm"`` lesson; its simple RNN is ``data``'s
    (same sizes), else random from the seed, as in any lesson.
    """
    lstm = params if isinstance(params, LSTMParams) else None
    I, H, O = params.n_in, params.n_hidden, params.n_out
    if data is None:
        data = _placeholder(I, H, O, name, fmt, seed)
    d = data.params
    same_h = d.n_hidden == H
    if (d.n_in, d.n_out) != (I, O) or not (
        same_h or (not np.any(data.h0) and (lstm is not None or data.cell == "rnn"))
    ):
        raise WeightsError(
            f"{data.source}: its network is n_in {d.n_in}, n_hidden {d.n_hidden}, "
            f"n_out {d.n_out}; the weights are n_in {I}, n_hidden {H}, n_out {O}"
        )
    h0 = data.h0 if same_h else np.zeros(H)
    if lstm is None:
        fields: dict[str, Any] = {"params": params, "given_weights": PARAM_NAMES, "trained": None}
    else:
        rnn = d if same_h else RNNParams.random(I, H, O, seed=data.seed, scale=data.scale)
        fields = {"params": rnn, "cell": "lstm", "lstm": lstm, "lstm_given": LSTM_PARAM_NAMES}
        fields["c0"] = data.c0 if same_h else None
        fields["trained"] = data.trained if same_h else None  # a record of the RNN's training
    return dataclasses.replace(data, h0=h0, _cache={}, **fields)


def _placeholder(I: int, H: int, O: int, name: str, fmt: str, seed: int) -> Lesson:
    """A seeded lesson of the given sizes: random simple-RNN weights and sequence."""
    rng = np.random.default_rng(seed)
    T = PLACEHOLDER_STEPS
    xs = np.eye(I)[rng.integers(0, I, T)]
    loss = "cross_entropy" if O >= 2 else "mse"
    targets = rng.integers(0, O, T) if O >= 2 else np.round(rng.uniform(-1, 1, (T, O)), 2)
    return Lesson(
        name=name.strip()[:60] or "imported",
        params=RNNParams.random(I, H, O, seed=seed),
        xs=xs,
        targets=targets,
        h0=np.zeros(H),
        loss=loss,
        seed=seed,
        source=f"<placeholder, seed {seed}>",
        given_weights=(),
        description=(
            f"Weights imported from a {_WHAT[fmt]}. The inputs and targets are placeholders "
            f"drawn from seed {seed}: render.py import --data LESSON gives a real sequence."
        ),
    )


def import_lesson(
    path: str | Path, fmt: str | None = None, data: str | Path | None = None, seed: int = 0
) -> Lesson:
    """Read weights (``read_params``) and make them a lesson (``imported_lesson``).

    ``data`` is a lesson file whose sequence, targets and settings are used.
    """
    params, fmt = read_params(path, fmt)
    lesson = load_lesson(data) if data is not None else None
    return imported_lesson(params, Path(path).stem.removesuffix(".weights"), fmt, lesson, seed)
