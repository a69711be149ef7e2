"""The LSTM part of lesson files: ``cell``, the ``[lstm]`` table, the shipped lstm.toml.

Every bad field gives one line naming the file and the field in TOML, JSON and NPZ; every
lesson has an LSTM (given or seeded) with a trace and a backprop that are the core's; a
written LSTM lesson loads back bit for bit.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_lesson import JSON_VALUES, assert_one_line_error, default_raw, to_toml

from rnncore import (
    LIMITS,
    LSTM_PARAM_NAMES,
    LessonError,
    LSTMParams,
    default_lesson,
    load_lesson,
    lstm_backward,
    lstm_forward,
    write_lesson,
)
from rnncore.lesson_io import lesson_difference

LSTM_PATH = resources.files("rnncore") / "lessons" / "lstm.toml"
FORMATS = ("toml", "json", "npz")
FIELDS = (*LSTM_PARAM_NAMES, "c0")


def lstm_raw() -> dict:
    return tomllib.loads(LSTM_PATH.read_text(encoding="utf-8"))


def to_npz(raw: dict) -> dict[str, np.ndarray]:
    """The NPZ layout: labels_<name>, lstm_<name>, the other tables' fields by name."""
    out = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            prefix = f"{key}_" if key in ("labels", "lstm") else ""
            out |= {prefix + k: np.array(v) for k, v in value.items()}
        else:
            out[key] = np.array(value)
    return out


def write(folder: Path, raw: dict, fmt: str) -> Path:
    path = folder / f"lesson.{fmt}"
    if fmt == "toml":
        path.write_text(to_toml(raw), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(raw), encoding="utf-8")
    else:
        np.savez(path, **to_npz(raw))
    return path


def changed(**tables) -> dict:
    """lstm.toml's tables with some fields set (``"lstm.W_ih": value``; None deletes)."""
    raw = lstm_raw()
    for dotted, value in tables.items():
        *parents, key = dotted.split(".")
        node = raw
        for name in parents:
            node = node.setdefault(name, {})
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value
    return raw


# ---------------------------------------------------------------- the shipped lessons


def test_the_lstm_lesson_is_the_default_lesson_with_the_files_lstm():
    lesson, default = load_lesson(LSTM_PATH), default_lesson()
    raw = lstm_raw()["lstm"]
    assert lesson.cell == "lstm" and default.cell == "rnn"
    for name in LSTM_PARAM_NAMES:  # exactly the file's numbers, 2 decimals
        np.testing.assert_array_equal(getattr(lesson.lstm_params, name), raw[name])
        assert np.array_equal(np.round(getattr(lesson.lstm_params, name), 2), raw[name])
    assert lesson.lstm_given == FIELDS
    np.testing.assert_array_equal(lesson.c0, raw["c0"])
    for name in ("U", "W", "V", "b", "c"):
        np.testing.assert_array_equal(getattr(lesson.params, name), getattr(default.params, name))
    for name in ("xs", "targets", "h0"):
        np.testing.assert_array_equal(getattr(lesson, name), getattr(default, name))
    assert lesson.step_labels == default.step_labels and lesson.loss == default.loss


def test_lesson_lstm_trace_and_backprop_are_the_core_results():
    lesson = load_lesson(LSTM_PATH)
    trace = lstm_forward(lesson.lstm_params, lesson.xs, lesson.h0, lesson.c0)
    assert lesson.lstm_trace() is lesson.lstm_trace()  # computed once
    np.testing.assert_array_equal(lesson.lstm_trace().c, trace.c)
    for k in (None, 2):
        bp = lstm_backward(lesson.lstm_params, trace, lesson.targets, truncate=k)
        ours = lesson.lstm_backprop(k)
        assert ours.loss == bp.loss and ours.truncate == k
        np.testing.assert_array_equal(ours.grads.W_hh, bp.grads.W_hh)
    assert lesson.lstm_backprop(2).grads.W_hh.tolist() != lesson.lstm_backprop().grads.W_hh.tolist()
    text = lesson.describe()
    assert "LSTM (cell = lstm): 4 cells, 154 parameters (weights from the file)" in text
    assert f"LSTM total loss L = {bp.loss:.4f}" in text


def test_every_lesson_has_a_seeded_lstm_with_its_sizes():
    lesson = default_lesson()
    expected = LSTMParams.random(3, 4, 2, seed=0, scale=0.5)
    for name, value in lesson.lstm_params.items():
        np.testing.assert_array_equal(value, getattr(expected, name))
    assert lesson.lstm is None and lesson.lstm_given == () and lesson.c0 is None
    assert lesson.lstm_trace().c0.tolist() == [0.0] * 4
    assert lesson.lstm_backprop().loss > 0
    assert "LSTM" not in lesson.describe()  # check's summary of an RNN lesson is unchanged
    reseeded = load_lesson(resources.files("rnncore") / "lessons" / "default.toml", seed=5)
    assert not np.array_equal(reseeded.lstm_params.W_hh, lesson.lstm_params.W_hh)
    np.testing.assert_array_equal(reseeded.params.W, lesson.params.W)  # given RNN weights stay


def test_partial_lstm_weights_take_the_rest_from_seed_and_scale(tmp_path):
    raw = changed(**{"lstm.W_hh": None, "lstm.b_hh": None, "lstm.c0": None})
    raw["network"] |= {"seed": 3, "scale": 0.2}
    lesson = load_lesson(write(tmp_path, raw, "toml"))
    rand = LSTMParams.random(3, 4, 2, seed=3, scale=0.2)
    np.testing.assert_array_equal(lesson.lstm_params.W_hh, rand.W_hh)
    np.testing.assert_array_equal(lesson.lstm_params.b_hh, rand.b_hh)
    np.testing.assert_array_equal(lesson.lstm_params.W_ih, raw["lstm"]["W_ih"])
    assert lesson.lstm_given == ("W_ih", "b_ih", "V", "c") and lesson.c0 is None
    assert "W_ih, b_ih, V, c from the file, the rest random (seed 3, scale 0.2)" in (
        lesson.describe()
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_sizes_can_be_read_off_the_lstm_weights(tmp_path, fmt):
    raw = changed(network=None, weights=None)
    lesson = load_lesson(write(tmp_path, raw, fmt))
    assert (lesson.params.n_in, lesson.params.n_hidden, lesson.params.n_out) == (3, 4, 2)
    assert lesson.given_weights == () and lesson.lstm_given == FIELDS


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_the_same_lstm_lesson(tmp_path, fmt):
    again, lesson = load_lesson(write(tmp_path, lstm_raw(), fmt)), load_lesson(LSTM_PATH)
    assert lesson_difference(lesson, again) is None
    assert again.cell == "lstm" and again.lstm_given == lesson.lstm_given


@pytest.mark.parametrize("fmt", FORMATS)
def test_written_lstm_lessons_load_back_bit_for_bit(tmp_path, fmt):
    lesson = load_lesson(LSTM_PATH)
    rng = np.random.default_rng(1)
    lstm = LSTMParams(**{k: rng.normal(size=v.shape) for k, v in lesson.lstm_params.items()})
    full = dataclasses.replace(lesson, lstm=lstm, c0=rng.normal(size=4), _cache={})
    again = load_lesson(write_lesson(tmp_path / f"out.{fmt}", full))
    assert lesson_difference(full, again) is None and again.cell == "lstm"
    for name, value in lstm.items():
        assert getattr(again.lstm_params, name).tobytes() == value.tobytes(), name
    assert again.c0.tobytes() == full.c0.tobytes()
    no_c0 = dataclasses.replace(full, c0=None, _cache={})
    assert load_lesson(write_lesson(tmp_path / f"b.{fmt}", no_c0)).c0 is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_written_rnn_lesson_keeps_its_seeded_lstm(tmp_path, fmt):
    raw = default_raw()
    del raw["weights"]
    raw["network"] |= {"seed": 9, "scale": 0.3}
    lesson = load_lesson(write(tmp_path, raw, "json"))
    again = load_lesson(write_lesson(tmp_path / f"out.{fmt}", lesson))
    assert again.cell == "rnn" and again.lstm is None and again.scale == 0.3
    assert lesson_difference(lesson, again) is None
    np.testing.assert_array_equal(again.lstm_params.W_ih, lesson.lstm_params.W_ih)
    text = (tmp_path / f"out.{fmt}").read_bytes()
    assert b"W_ih" not in text and b"cell" not in text  # an RNN lesson stays an RNN lesson


def test_lesson_difference_sees_the_lstm():
    lesson = load_lesson(LSTM_PATH)
    other = dataclasses.replace(lesson, lstm=lesson.lstm_params.replace(c=np.zeros(2)))
    assert lesson_difference(lesson, other) == "lstm.c"
    assert lesson_difference(lesson, dataclasses.replace(lesson, c0=None)) == "lstm.c0"
    assert lesson_difference(lesson, dataclasses.replace(lesson, cell="rnn")) == "cell"


# ---------------------------------------------------------------- bad fields

NAN, INF = float("nan"), float("inf")
ALL, TEXT = FORMATS, ("toml", "json")
H4 = [[0.1] * 4] * 16

BAD = [
    ("bad-cell", {"cell": "gru"}, "cell", ALL),
    ("int-cell", {"cell": 3}, "cell", ALL),
    ("lstm-without-cell", {"cell": None}, "lstm", ALL),
    ("lstm-with-rnn-cell", {"cell": "rnn"}, "lstm", ALL),
    ("unknown-lstm-field", {"lstm.W_xh": [[0.1]]}, "lstm.W_xh", ALL),
    ("shape-W_ih", {"lstm.W_ih": [[0.1] * 3] * 12}, "lstm.W_ih", ALL),
    ("shape-W_ih-cols", {"lstm.W_ih": [[0.1] * 2] * 16}, "lstm.W_ih", ALL),
    ("shape-W_hh", {"lstm.W_hh": [[0.1] * 4] * 4}, "lstm.W_hh", ALL),
    ("shape-b_ih", {"lstm.b_ih": [0.1] * 4}, "lstm.b_ih", ALL),
    ("shape-b_hh", {"lstm.b_hh": [[0.1] * 16]}, "lstm.b_hh", ALL),
    ("shape-V", {"lstm.V": [[0.1] * 4] * 3}, "lstm.V", ALL),
    ("shape-c", {"lstm.c": [0.1]}, "lstm.c", ALL),
    ("shape-c0", {"lstm.c0": [0.0] * 5}, "lstm.c0", ALL),
    ("nan-W_hh", {"lstm.W_hh": [[NAN] * 4] * 16}, "lstm.W_hh", ALL),
    ("inf-c0", {"lstm.c0": [0.0, INF, 0.0, 0.0]}, "lstm.c0", ALL),
    ("str-V", {"lstm.V": [["a"] * 4] * 2}, "lstm.V", ALL),
    ("bool-b_ih", {"lstm.b_ih": [True] * 16}, "lstm.b_ih", ALL),
    ("ragged-W_ih", {"lstm.W_ih": [[0.1, 0.2, 0.3], [0.1]] * 8}, "lstm.W_ih", TEXT),
    ("lstm-not-a-table", {"lstm": 3}, "lstm", TEXT),
    # sizes read off the LSTM's weights
    (
        "infer-W_hh-not-4H",
        {"network": None, "weights": None, "lstm.W_hh": H4[:12]},
        "lstm.W_hh",
        ALL,
    ),
    (
        "infer-too-many-cells",
        {"network": None, "weights": None, "lstm.W_hh": [[0.1] * 11] * 44},
        "lstm.W_hh",
        ALL,
    ),
    (
        "infer-too-many-inputs",
        {"network": None, "weights": None, "lstm.W_ih": [[0.1] * 9] * 16},
        "lstm.W_ih",
        ALL,
    ),
    (
        "infer-ragged-V",
        {"network": None, "weights": None, "lstm.V": [[0.1], [0.1, 0.2]]},
        "lstm.V",
        TEXT,
    ),
    ("missing-sizes", {"network": None, "weights": None, "lstm.W_ih": None}, "network.n_in", ALL),
]


@pytest.mark.parametrize(
    ("tables", "field", "fmt"),
    [pytest.param(t, f, fmt, id=f"{name}-{fmt}") for name, t, f, fmts in BAD for fmt in fmts],
)
def test_bad_lstm_field_gives_one_line_naming_it(tmp_path, tables, field, fmt):
    path = write(tmp_path, changed(**tables), fmt)
    message = assert_one_line_error(path, "")  # one line, starting with the file
    # an unknown NPZ member is named as the archive spells it (lstm_W_xh)
    names = {field, field.replace("lstm.", "lstm_")} if fmt == "npz" else {field}
    assert any(message.startswith(f"{path}: {name}:") for name in names), message


def test_the_lstm_lesson_loads_in_every_format_without_a_fault(tmp_path):
    for fmt in FORMATS:
        assert load_lesson(write(tmp_path, lstm_raw(), fmt)).cell == "lstm"
    assert LIMITS["n_hidden"] == 10  # the infer-too-many-cells case above is one beyond


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from(["cell", "lstm", *(f"lstm.{k}" for k in FIELDS)]),
    value=JSON_VALUES,
)
def test_any_value_in_an_lstm_field_loads_or_gives_one_line(tmp_path_factory, field, value):
    raw = changed(**{field: copy.deepcopy(value)}) if value is not None else changed()
    path = write(tmp_path_factory.mktemp("fuzz"), raw, "json")
    try:
        lesson = load_lesson(path)
    except LessonError as e:
        message = str(e)
        assert "\n" not in message and message.startswith(str(path)), message
        assert len(message) < len(str(path)) + 250, message
    else:
        assert lesson.describe() and lesson.lstm_backprop().loss >= 0
