"""Lessons drawn from the whole space ``render.py check`` accepts (hypothesis).

``lesson_tables()`` draws the raw tables of a lesson file: every size from 1 to
``LIMITS`` (n_out = 1 only with mse: a one-class softmax is refused by ``check``),
every task, both losses, any truncate 1..T, seeded or explicit weights at small or
saturating scales, the simple RNN or an LSTM cell (LSTM weights given or seeded),
one-hot or real-valued inputs, with or without h0 and labels.
``write_lesson`` writes such tables as a JSON lesson file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from rnncore import LIMITS, LOSSES, TASKS

__all__ = ["EDGE_LESSONS", "lesson_tables", "write_lesson"]

SCALES = (0.05, 0.5, 1.0, 3.0)  # tiny, the default, large, saturating tanh
LABEL_TEXT = st.text(
    alphabet=st.sampled_from("abcxyz019 _-$\\{}%&#^~äé日本"), min_size=1, max_size=6
)


def _numbers(draw: st.DrawFn, shape: tuple[int, ...], scale: float) -> list[Any]:
    """A nested list of 2-decimal numbers in [-scale, scale] of ``shape``."""
    value = st.floats(-scale, scale, allow_nan=False).map(lambda v: round(v, 2))
    if len(shape) == 1:
        return draw(st.lists(value, min_size=shape[0], max_size=shape[0]))
    return [_numbers(draw, shape[1:], scale) for _ in range(shape[0])]


@st.composite
def lesson_tables(draw: st.DrawFn) -> dict[str, Any]:
    """The tables of one valid lesson file (as TOML/JSON would hold them)."""
    task = draw(st.sampled_from(TASKS))
    loss = draw(st.sampled_from(LOSSES))
    I = draw(st.integers(1, LIMITS["n_in"]))
    H = draw(st.integers(1, LIMITS["n_hidden"]))
    O = draw(st.integers(2 if loss == "cross_entropy" else 1, LIMITS["n_out"]))
    T = draw(st.integers(1, LIMITS["T"]))
    scale = draw(st.sampled_from(SCALES))
    raw: dict[str, Any] = {
        "name": draw(st.sampled_from(["drawn lesson", "a $\\{}%&_#^~ lesson"])),
        "task": task,
        "loss": loss,
        "learning_rate": draw(st.sampled_from([0.01, 0.1, 0.5, 2.0])),
        "truncate": draw(st.integers(1, T)),
        "clip": draw(st.sampled_from([0.1, 1.0, 5.0])),
        "network": {"n_in": I, "n_hidden": H, "n_out": O, "seed": draw(st.integers(0, 999))},
    }
    if draw(st.booleans()):
        raw["network"]["scale"] = scale
    else:
        shapes = {"U": (H, I), "W": (H, H), "V": (O, H), "b": (H,), "c": (O,)}
        given = draw(st.sets(st.sampled_from(sorted(shapes)), min_size=1))
        raw["weights"] = {k: _numbers(draw, shapes[k], scale) for k in sorted(given)}
    if draw(st.booleans()):  # one-hot symbols
        xs = [[float(i == draw(st.integers(0, I - 1))) for i in range(I)] for _ in range(T)]
    else:
        xs = _numbers(draw, (T, I), 1.0)
    if task == "one_to_many":  # one input, then nothing
        xs = [xs[0]] + [[0.0] * I for _ in range(T - 1)]
    data: dict[str, Any] = {"xs": xs}
    if loss == "cross_entropy":
        data["targets"] = [draw(st.integers(0, O - 1)) for _ in range(T)]
    else:
        data["targets"] = _numbers(draw, (T, O), 1.0)
    if draw(st.booleans()):
        data["h0"] = _numbers(draw, (H,), 1.0)
    raw["data"] = data
    if draw(st.booleans()):
        raw["labels"] = {
            "inputs": [draw(LABEL_TEXT) for _ in range(I)],
            "outputs": [draw(LABEL_TEXT) for _ in range(O)],
            "steps": [draw(LABEL_TEXT) for _ in range(T)],
        }
    # Drawn last, so the draws above (and the lessons they made) stay as they were.
    if draw(st.booleans()):  # an LSTM lesson: given LSTM weights (some or all) or seeded
        raw["cell"] = "lstm"
        shapes = {
            "W_ih": (4 * H, I),
            "W_hh": (4 * H, H),
            "b_ih": (4 * H,),
            "b_hh": (4 * H,),
            "V": (O, H),
            "c": (O,),
            "c0": (H,),
        }
        given = draw(st.sets(st.sampled_from(sorted(shapes))))
        if given:
            raw["lstm"] = {k: _numbers(draw, shapes[k], scale) for k in sorted(given)}
    return raw


def write_lesson(raw: dict[str, Any], folder: Path, name: str = "drawn") -> Path:
    """Write ``raw`` as ``folder/name.json``; return the path."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _onehot(I: int, T: int) -> list[list[float]]:
    return [[float(i == t % I) for i in range(I)] for t in range(T)]


def _edge(task: str, loss: str, I: int, H: int, O: int, T: int, **extra: Any) -> dict[str, Any]:
    targets: list[Any] = (
        [t % O for t in range(T)]
        if loss == "cross_entropy"
        else [[round(0.5 - 0.3 * ((t + j) % 3), 2) for j in range(O)] for t in range(T)]
    )
    xs = _onehot(I, T)
    if task == "one_to_many":
        xs = [xs[0]] + [[0.0] * I for _ in range(T - 1)]
    raw: dict[str, Any] = {
        "name": f"{task} {loss} {I}-{H}-{O} T={T}",
        "task": task,
        "loss": loss,
        "truncate": min(2, T),
        "network": {"n_in": I, "n_hidden": H, "n_out": O, "seed": 3},
        "data": {"xs": xs, "targets": targets},
    }
    raw.update(extra)
    return raw


# Named corners of the space: every render test and the sweep start with these.
EDGE_LESSONS: dict[str, dict[str, Any]] = {
    "smallest_one_step": _edge("many_to_many", "mse", 1, 1, 1, 1),
    "one_step": _edge("many_to_many", "cross_entropy", 3, 4, 2, 1),
    "many_to_one": _edge("many_to_one", "cross_entropy", 3, 4, 2, 5),
    "one_to_many_mse": _edge("one_to_many", "mse", 2, 3, 2, 5),
    "one_to_many": _edge("one_to_many", "cross_entropy", 3, 4, 3, 5),
    "mse": _edge("many_to_many", "mse", 2, 3, 2, 5),
    "largest": _edge(
        "many_to_many",
        "cross_entropy",
        LIMITS["n_in"],
        LIMITS["n_hidden"],
        LIMITS["n_out"],
        LIMITS["T"],
        truncate=3,
    ),
}
