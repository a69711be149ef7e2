"""The LSTM part of a lesson file: ``cell`` and the ``[lstm]`` table.

::

    cell = "lstm"                # what the lesson is about: "rnn" (default) or "lstm"

    [lstm]                       # only with cell = "lstm"; any of (PyTorch's nn.LSTM
    W_ih = [[...], ...]          # + nn.Linear, gates i, f, g, o):
    W_hh = [[...], ...]          # W_ih (4 n_hidden, n_in), W_hh (4 n_hidden, n_hidden),
    b_ih = [...]                 # b_ih (4 n_hidden,), b_hh (4 n_hidden,),
    b_hh = [...]                 # V (n_out, n_hidden), c (n_out,),
    V = [[...], ...]             # c0 (n_hidden,) the initial cell state (zeros by default)
    c = [...]

Every lesson has an LSTM with the lesson's sizes, so that every lesson can show the
LSTM part of the lecture: the arrays the ``[lstm]`` table gives, and for the others
``LSTMParams.random(n_in, n_hidden, n_out, seed, scale)`` with the ``[network]`` seed
(or ``--seed``) and scale. A lesson with ``cell = "rnn"`` gives none (an ``[lstm]``
table there is refused rather than ignored). The LSTM starts from the lesson's h0 and
c0. The sizes may be read off ``W_ih`` (n_in), ``W_hh`` (n_hidden) and ``V`` (n_out)
when ``[network]`` does not give them. In NPZ the arrays are ``lstm_W_ih``, ...,
``lstm_c0`` and ``cell`` is a string.

Every problem is a one-line ``LessonError`` naming the file and the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from rnncore.lesson import LIMITS
from rnncore.lesson_fields import LessonError, _array, _choice, _fail, _table
from rnncore.lstm_params import LSTM_PARAM_NAMES, LSTMParams

if TYPE_CHECKING:
    from rnncore.lesson import Lesson

__all__ = [
    "CELLS",
    "LSTM_FIELDS",
    "describe_lstm",
    "lstm_shapes",
    "lstm_sizes",
    "parse_cell",
    "parse_lstm",
    "seeded_lstm",
]

CELLS = ("rnn", "lstm")
LSTM_FIELDS = (*LSTM_PARAM_NAMES, "c0")  # the keys of the [lstm] table


def lstm_shapes(I: int, H: int, O: int) -> dict[str, tuple[int, ...]]:
    """The shape of every [lstm] field for I inputs, H cells, O outputs."""
    return {
        "W_ih": (4 * H, I),
        "W_hh": (4 * H, H),
        "b_ih": (4 * H,),
        "b_hh": (4 * H,),
        "V": (O, H),
        "c": (O,),
        "c0": (H,),
    }


def seeded_lstm(I: int, H: int, O: int, seed: int, scale: float) -> LSTMParams:
    """The LSTM weights a lesson does not give: uniform in [-scale, scale] from ``seed``."""
    return LSTMParams.random(I, H, O, seed=seed, scale=scale)


def parse_cell(where: str, raw: dict[str, Any]) -> str:
    """``cell`` ("rnn" by default); an ``[lstm]`` table needs ``cell = "lstm"``."""
    cell = _choice(where, "cell", raw.get("cell", "rnn"), CELLS)
    if "lstm" in raw and cell != "lstm":
        raise _fail(where, "lstm", f'LSTM weights need cell = "lstm", found cell = "{cell}"')
    return cell


def lstm_sizes(where: str, raw: dict[str, Any], network: dict[str, Any]) -> dict[str, Any]:
    """``network`` with the sizes it lacks read off [lstm]'s W_ih, W_hh and V."""
    if "lstm" not in raw:
        return network
    table = _table(where, raw, "lstm")
    sizes = dict(network)
    for key, (name, axis) in {
        "n_in": ("W_ih", 1),
        "n_hidden": ("W_hh", 1),
        "n_out": ("V", 0),
    }.items():
        if key in sizes or name not in table:
            continue
        field = f"lstm.{name}"
        given = _array(where, field, table[name], (None, None), "a matrix of numbers")
        if name == "W_hh" and given.shape[0] != 4 * given.shape[1]:
            raise _fail(where, field, f"expected shape (4 n_hidden, n_hidden), found {given.shape}")
        if not 1 <= given.shape[axis] <= LIMITS[key]:
            raise _fail(
                where, field, f"{key} at most {LIMITS[key]} can be drawn, found {given.shape[axis]}"
            )
        sizes[key] = given.shape[axis]
    return sizes


def parse_lstm(
    where: str,
    raw: dict[str, Any],
    cell: str,
    sizes: tuple[int, int, int],
    seed: int,
    scale: float,
) -> tuple[LSTMParams | None, tuple[str, ...], np.ndarray | None]:
    """The [lstm] table: (params or None when cell = "rnn", names given, c0 or None)."""
    if cell != "lstm":
        return None, (), None
    table = _table(where, raw, "lstm") if "lstm" in raw else {}
    shapes = lstm_shapes(*sizes)
    rand = seeded_lstm(*sizes, seed=seed, scale=scale)
    arrays = {
        k: _array(where, f"lstm.{k}", table[k], shapes[k]) if k in table else getattr(rand, k)
        for k in LSTM_PARAM_NAMES
    }
    c0 = _array(where, "lstm.c0", table["c0"], shapes["c0"]) if "c0" in table else None
    try:
        params = LSTMParams(**arrays)
    except ValueError as e:  # shapes are checked above; this is a safety net
        raise LessonError(f"{where}: lstm.{str(e).splitlines()[0]}") from None
    return params, tuple(k for k in LSTM_FIELDS if k in table), c0


def describe_lstm(lesson: Lesson) -> list[str]:
    """The lines ``render.py check`` adds for a lesson with cell = "lstm"."""
    if lesson.cell != "lstm":
        return []
    p = lesson.lstm_params
    n_params = sum(v.size for _, v in p.items())
    given = [k for k in lesson.lstm_given if k != "c0"]
    origin = (
        "weights from the file"
        if len(given) == len(LSTM_PARAM_NAMES)
        else f"{', '.join(given) or 'no weights'} from the file, the rest random "
        f"(seed {lesson.seed}, scale {lesson.scale:g})"
    )
    bp = lesson.lstm_backprop()
    return [
        f"  LSTM (cell = lstm): {p.n_hidden} cells, {n_params} parameters ({origin})",
        f"  LSTM total loss L = {bp.loss:.4f}, gradient norm {bp.grads.global_norm():.4f}",
    ]
