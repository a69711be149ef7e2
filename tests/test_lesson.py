"""Lesson files: the default lesson, round trips TOML/JSON/NPZ, and one-line errors.

Every bad file must raise ``LessonError`` whose message is ONE line that starts with the
file's path and names the offending field. Cases are written in every format that can
express them, from the same nested dict (the default lesson's tables).
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import threading
import time
import tomllib
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnncore import (
    LIMITS,
    PARAM_NAMES,
    Lesson,
    LessonError,
    backward,
    default_lesson,
    forward,
    load_lesson,
)
from rnncore.lesson import MAX_BYTES, MAX_DEPTH

DEFAULT_PATH = resources.files("rnncore") / "lessons" / "default.toml"
FORMATS = ("toml", "json", "npz")


def default_raw() -> dict:
    return tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- writers


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def to_toml(raw: dict) -> str:
    lines = [f"{k} = {_toml_value(v)}" for k, v in raw.items() if not isinstance(v, dict)]
    for table, body in raw.items():
        if isinstance(body, dict):
            lines.append(f"\n[{table}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in body.items()]
    return "\n".join(lines) + "\n"


def to_npz_arrays(raw: dict) -> dict[str, np.ndarray]:
    """The NPZ layout: weights/data/network fields by name, labels as labels_<name>."""
    out = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            for k, v in value.items():
                out[f"labels_{k}" if key == "labels" else k] = np.array(v)
        else:
            out[key] = np.array(value)
    return out


def write(tmp_path: Path, raw: dict, fmt: str, stem: str = "lesson") -> Path:
    path = tmp_path / f"{stem}.{fmt}"
    if fmt == "toml":
        path.write_text(to_toml(raw), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(raw), encoding="utf-8")  # NaN/Infinity allowed by json
    else:
        np.savez(path, **to_npz_arrays(raw))
    return path


def assert_one_line_error(path: Path, field: str, *, seed=None) -> str:
    with pytest.raises(LessonError) as info:
        load_lesson(path, seed=seed)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(str(path)), message
    assert field in message, f"{field!r} not named in: {message}"
    assert isinstance(info.value, ValueError)
    return message


# ---------------------------------------------------------------- default lesson


def test_default_lesson_has_the_documented_sizes():
    lesson = default_lesson()
    p = lesson.params
    assert (p.n_in, p.n_hidden, p.n_out, lesson.T) == (3, 4, 2, 5)
    assert lesson.task == "many_to_many" and lesson.loss == "cross_entropy"
    assert lesson.input_labels == ("a", "b", "c")
    assert lesson.output_labels == ("even", "odd")
    assert len(lesson.step_labels) == lesson.T
    assert lesson.truncate == 2 and lesson.learning_rate == 0.2 and lesson.clip == 1.0
    # the targets are what the comment says: parity of the a's seen so far
    is_a = lesson.xs[:, 0] == 1
    np.testing.assert_array_equal(lesson.targets, np.cumsum(is_a) % 2)
    np.testing.assert_array_equal(lesson.loss_mask, np.ones(5, dtype=bool))


def test_lesson_trace_and_backprop_are_the_core_results():
    lesson = default_lesson()
    trace = forward(lesson.params, lesson.xs, lesson.h0)
    np.testing.assert_array_equal(lesson.trace().h, trace.h)
    for k in (None, 1, 2):
        bp = backward(lesson.params, trace, lesson.targets, truncate=k)
        got = lesson.backprop(k)
        assert got is lesson.backprop(k)  # computed once
        assert got.loss == bp.loss
        np.testing.assert_array_equal(got.grads.W, bp.grads.W)
    assert lesson.backprop(1).truncate == 1
    summary = lesson.describe()
    assert f"{lesson.backprop().loss:.4f}" in summary and "T = 5" in summary


def test_many_to_one_mask_and_mse_output(tmp_path):
    raw = default_raw()
    raw["task"] = "many_to_one"
    lesson = load_lesson(write(tmp_path, raw, "toml"))
    np.testing.assert_array_equal(lesson.loss_mask, [False, False, False, False, True])
    assert np.all(lesson.backprop().losses[:-1] == 0)
    raw = default_raw()
    raw["loss"] = "mse"
    raw["data"]["targets"] = [[0.0, 1.0]] * 5
    lesson = load_lesson(write(tmp_path, raw, "json"))
    assert lesson.output == "identity" and lesson.targets.shape == (5, 2)
    np.testing.assert_array_equal(lesson.trace().y_hat, lesson.trace().o)


# ---------------------------------------------------------------- round trips


def assert_same_lesson(a: Lesson, b: Lesson):
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(getattr(a.params, name), getattr(b.params, name))
    for field in ("xs", "targets", "h0"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    for field in ("name", "task", "loss", "learning_rate", "truncate", "clip", "seed"):
        assert getattr(a, field) == getattr(b, field), field
    assert a.input_labels == b.input_labels and a.step_labels == b.step_labels
    assert a.output_labels == b.output_labels
    assert a.targets.dtype == b.targets.dtype


@pytest.mark.parametrize("with_weights", [True, False])
def test_toml_json_npz_round_trip_gives_identical_lessons(tmp_path, with_weights):
    raw = default_raw()
    if not with_weights:
        del raw["weights"]
        raw["network"] |= {"seed": 7, "scale": 0.3}
    lessons = [load_lesson(write(tmp_path, raw, fmt)) for fmt in FORMATS]
    for other in lessons[1:]:
        assert_same_lesson(lessons[0], other)
    if with_weights:
        assert_same_lesson(lessons[0], default_lesson())
    else:
        assert np.max(np.abs(lessons[0].params.W)) <= 0.3


def test_seed_override_changes_only_random_weights(tmp_path):
    raw = default_raw()
    for name in ("U", "V"):
        del raw["weights"][name]  # random; W, b, c stay explicit
    path = write(tmp_path, raw, "toml")
    base, same, other = load_lesson(path), load_lesson(path, seed=0), load_lesson(path, seed=1)
    assert_same_lesson(base, same)
    assert other.seed == 1
    for name in ("W", "b", "c"):
        np.testing.assert_array_equal(getattr(other.params, name), getattr(base.params, name))
    for name in ("U", "V"):
        assert not np.array_equal(getattr(other.params, name), getattr(base.params, name))
    np.testing.assert_array_equal(other.xs, base.xs)
    np.testing.assert_array_equal(other.targets, base.targets)
    # a file whose weights are all explicit does not change with the seed
    reseeded, default = load_lesson(DEFAULT_PATH, seed=123), default_lesson()
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(getattr(reseeded.params, name), getattr(default.params, name))
    assert_one_line_error(path, "seed", seed=-1)


def test_sizes_can_be_read_off_explicit_weights(tmp_path):
    raw = default_raw()
    del raw["network"]
    lesson = load_lesson(write(tmp_path, raw, "json"))
    assert (lesson.params.n_in, lesson.params.n_hidden, lesson.params.n_out) == (3, 4, 2)


# ---------------------------------------------------------------- bad files


def mutate(fn):
    raw = default_raw()
    fn(raw)
    return raw


def _set(path: str, value):
    def fn(raw):
        *tables, key = path.split(".")
        node = raw
        for t in tables:
            node = node.setdefault(t, {})
        node[key] = value

    return fn


def _delete(path: str):
    def fn(raw):
        *tables, key = path.split(".")
        node = raw
        for t in tables:
            node = node[t]
        del node[key]

    return fn


def _chain(*fns):
    def fn(raw):
        for f in fns:
            f(raw)

    return fn


NAN, INF = float("nan"), float("inf")
ALL = FORMATS
TEXT = ("toml", "json")

# (id, mutation, field named in the message, formats that can express it)
BAD = [
    # missing fields
    ("missing-xs", _delete("data.xs"), "data.xs", ALL),
    ("missing-targets", _delete("data.targets"), "data.targets", ALL),
    (
        "missing-n_in",
        _chain(_delete("network.n_in"), _delete("weights.U")),
        "network.n_in",
        ALL,
    ),
    # unknown fields
    ("unknown-top", _set("colour", "red"), "colour", ALL),
    ("unknown-network", _set("network.depth", 2), "depth", ALL),
    ("unknown-weight", _set("weights.X", [[1.0]]), "X", ALL),
    ("unknown-data", _set("data.ys", [1, 2]), "ys", ALL),
    ("unknown-labels", _set("labels.colours", ["a"]), "colours", ALL),
    ("unknown-newline-key", _set("network.\n", None), r"'network.\n'", ("json",)),
    # wrong shapes
    ("shape-W", _set("weights.W", [[0.1] * 3] * 3), "weights.W", ALL),
    ("shape-U", _set("weights.U", [[0.1] * 2] * 4), "weights.U", ALL),
    ("shape-b", _set("weights.b", [[0.1] * 4]), "weights.b", ALL),
    ("shape-xs", _set("data.xs", [[1, 0]] * 5), "data.xs", ALL),
    ("shape-xs-1d", _set("data.xs", [1, 0, 0]), "data.xs", ALL),
    ("shape-h0", _set("data.h0", [0.0] * 3), "data.h0", ALL),
    ("shape-targets", _set("data.targets", [1, 0]), "data.targets", ALL),
    ("ragged-W", _set("weights.W", [[0.1, 0.2], [0.3]]), "weights.W", TEXT),
    (
        "ragged-U-no-sizes",
        _chain(_delete("network"), _set("weights.U", [[1], [1, 2]])),
        "weights.U",
        TEXT,
    ),
    # NaN / inf
    ("nan-W", _set("weights.W", [[NAN] * 4] * 4), "weights.W", ALL),
    ("inf-xs", _set("data.xs", [[INF, 0, 0]] * 5), "data.xs", ALL),
    ("nan-h0", _set("data.h0", [0.0, NAN, 0.0, 0.0]), "data.h0", ALL),
    ("nan-lr", _set("learning_rate", NAN), "learning_rate", ALL),
    ("inf-clip", _set("clip", INF), "clip", ALL),
    ("nan-scale", _set("network.scale", NAN), "network.scale", ALL),
    # non-numeric
    ("str-U", _set("weights.U", [["a", "b", "c"]] * 4), "weights.U", ALL),
    ("numeric-str-xs", _set("data.xs", [["1", "0", "0"]] * 5), "data.xs", ALL),
    ("bool-xs", _set("data.xs", [[True, False, False]] * 5), "data.xs", ALL),
    ("str-lr", _set("learning_rate", "fast"), "learning_rate", ALL),
    ("str-n_hidden", _set("network.n_hidden", "four"), "network.n_hidden", ALL),
    ("float-n_in", _set("network.n_in", 3.0), "network.n_in", ALL),
    ("table-is-scalar", _set("data", 3), "data", TEXT),
    ("str-name", _set("name", 3), "name", ALL),
    ("labels-count", _set("labels.inputs", ["a", "b"]), "labels.inputs", ALL),
    # choices and ranges
    ("bad-task", _set("task", "one_to_one"), "task", ALL),
    ("bad-loss", _set("loss", "hinge"), "loss", ALL),
    ("lr-zero", _set("learning_rate", 0.0), "learning_rate", ALL),
    ("truncate-zero", _set("truncate", 0), "truncate", ALL),
    ("truncate-beyond-T", _set("truncate", 6), "truncate", ALL),
    ("negative-seed", _set("network.seed", -3), "network.seed", ALL),
    # too large to draw
    (
        "too-many-hidden",
        _chain(_delete("weights"), _set("network.n_hidden", LIMITS["n_hidden"] + 1)),
        "network.n_hidden",
        ALL,
    ),
    (
        "too-many-inputs",
        _chain(_delete("weights"), _set("network.n_in", LIMITS["n_in"] + 1)),
        "network.n_in",
        ALL,
    ),
    (
        "too-many-outputs",
        _chain(_delete("weights"), _set("network.n_out", LIMITS["n_out"] + 1)),
        "network.n_out",
        ALL,
    ),
    ("too-many-steps", _set("data.xs", [[1, 0, 0]] * (LIMITS["T"] + 1)), "data.xs", ALL),
    (
        "too-large-weights",
        _chain(
            _delete("network"),
            _set("weights.W", [[0.0] * (LIMITS["n_hidden"] + 2)] * (LIMITS["n_hidden"] + 2)),
        ),
        "n_hidden",
        ALL,
    ),
    # targets
    ("target-too-big", _set("data.targets", [1, 1, 0, 0, 2]), "data.targets", ALL),
    ("target-negative", _set("data.targets", [1, 1, 0, -1, 1]), "data.targets", ALL),
    ("target-fraction", _set("data.targets", [1, 1, 0, 0.5, 1]), "data.targets", ALL),
    ("target-float", _set("data.targets", [1.0, 1.0, 0.0, 0.0, 1.0]), "data.targets", ALL),
    ("target-bool", _set("data.targets", [True, True, False, False, True]), "data.targets", ALL),
    ("target-str", _set("data.targets", ["1", "1", "0", "0", "1"]), "data.targets", ALL),
    ("target-nan", _set("data.targets", [1, 1, 0, NAN, 1]), "data.targets", ALL),
    (
        "mse-target-shape",
        _chain(_set("loss", "mse"), _set("data.targets", [0.5] * 5)),
        "data.targets",
        ALL,
    ),
]


@pytest.mark.parametrize(
    ("mutation", "field", "fmt"),
    [
        pytest.param(mutation, field, fmt, id=f"{name}-{fmt}")
        for name, mutation, field, fmts in BAD
        for fmt in fmts
    ],
)
def test_bad_lesson_gives_one_line_naming_the_field(tmp_path, mutation, field, fmt):
    path = write(tmp_path, mutate(mutation), fmt)
    assert_one_line_error(path, field)


def test_the_mutations_are_valid_without_the_fault(tmp_path):
    """The writers produce loadable files, so the errors above come from the faults."""
    for fmt in FORMATS:
        assert load_lesson(write(tmp_path, default_raw(), fmt)).T == 5


def test_toml_syntax_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\n[network]\nn_in = = 3\n', encoding="utf-8")
    message = assert_one_line_error(path, "TOML")
    assert "line 3" in message


def test_json_syntax_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"name": "x", "network": {"n_in": 3,}}', encoding="utf-8")
    message = assert_one_line_error(path, "JSON")
    assert "line 1" in message


def test_json_top_level_must_be_an_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    assert_one_line_error(path, "JSON object")


def test_binary_text_file(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00bad")
    assert_one_line_error(path, "UTF-8")


def test_npz_object_array_is_refused_without_unpickling(tmp_path, monkeypatch):
    import pickle

    arrays = to_npz_arrays(default_raw())
    arrays["xs"] = np.array([[1, 0, 0]] * 5, dtype=object)
    path = tmp_path / "objects.npz"
    np.savez(path, **arrays)

    def no_unpickling(*args, **kwargs):
        raise AssertionError("the loader tried to unpickle")

    monkeypatch.setattr(pickle, "load", no_unpickling)
    monkeypatch.setattr(pickle, "loads", no_unpickling)
    assert_one_line_error(path, "xs")


def test_npz_that_is_not_a_zip(tmp_path):
    path = tmp_path / "fake.npz"
    path.write_bytes(b"not a zip file at all")
    assert_one_line_error(path, "NPZ")


def test_unknown_extension(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    assert_one_line_error(path, ".yaml")


def test_missing_file(tmp_path):
    assert_one_line_error(tmp_path / "nowhere.toml", "not found")


def test_directory(tmp_path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert_one_line_error(folder, "directory")


def test_lesson_error_for_json_nan_literal(tmp_path):
    """JSON files may contain the bare literals NaN and Infinity (Python's json reads them)."""
    text = json.dumps(default_raw()).replace('"learning_rate": 0.2', '"learning_rate": NaN')
    assert "NaN" in text
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(path, "learning_rate")


def test_raw_tables_are_not_modified(tmp_path):
    raw = default_raw()
    before = copy.deepcopy(raw)
    load_lesson(write(tmp_path, raw, "toml"))
    assert raw == before


# ---------------------------------------------------------------- faults: any shape, any size
#
# Whatever a file holds, loading it either gives a lesson or raises one LessonError
# line: no RecursionError, MemoryError, blocking read or traceback.

DEPTH = 5000  # far beyond Python's recursion limit


def deep_files(tmp_path):
    """Files nested DEPTH levels deep, in every syntax that can nest."""
    texts = {
        "arrays.json": '{"name": ' + "[" * DEPTH + "]" * DEPTH + "}",
        "objects.json": '{"name": ' + '{"a": ' * DEPTH + "1" + "}" * DEPTH + "}",
        "arrays.toml": "name = " + "[" * DEPTH + "]" * DEPTH + "\n",
        "inline.toml": "name = " + "{a = " * DEPTH + "1" + "}" * DEPTH + "\n",
        "dotted.toml": "name." + ".".join(["a"] * DEPTH) + " = 1\n",
        "headers.toml": "[" + ".".join(["a"] * DEPTH) + "]\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [tmp_path / name for name in texts]


def test_deeply_nested_files_give_one_line(tmp_path):
    for path in deep_files(tmp_path):
        message = assert_one_line_error(path, "")
        assert "levels" in message or "unknown field" in message, message
        assert len(message) < 300, message


def test_nesting_below_the_recursion_limit_names_the_field(tmp_path):
    """Parsed fine, but deeper than any lesson: refused before numpy or repr sees it."""
    depth = 500
    raw = default_raw()
    raw["data"]["xs"] = json.loads("[" * depth + "]" * depth)
    path = write(tmp_path, raw, "json")
    message = assert_one_line_error(path, "data.xs")
    assert f"at most {MAX_DEPTH} levels" in message
    raw = default_raw()
    raw["name"] = json.loads('{"a": ' * depth + "1" + "}" * depth)
    assert_one_line_error(write(tmp_path, raw, "json"), "name")


def test_a_lesson_nested_to_the_limit_still_loads(tmp_path):
    """The depth cap is far above what a lesson needs (file > table > matrix > row)."""
    raw = default_raw()
    assert max_depth(raw) == 4 < MAX_DEPTH
    assert load_lesson(write(tmp_path, raw, "toml")).T == 5


def max_depth(node) -> int:
    """How many tables and lists nest inside one another in ``node``."""
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return 1 + max((max_depth(v) for v in node), default=0)
    return 0


@pytest.mark.parametrize("fmt", ["toml", "json", "npz"])
def test_files_over_the_size_cap_are_refused_unparsed(tmp_path, fmt, monkeypatch):
    path = tmp_path / f"huge.{fmt}"
    comment = "#" if fmt == "toml" else ""
    path.write_bytes((comment + "x" * (MAX_BYTES + 10)).encode())

    def no_parsing(*args, **kwargs):
        raise AssertionError("a file over the cap was parsed")

    for module, name in ((tomllib, "loads"), (json, "loads"), (np, "load")):
        monkeypatch.setattr(module, name, no_parsing)
    message = assert_one_line_error(path, "at most 1024 KiB")
    assert "found 1024 KiB" in message


def test_a_file_at_the_size_cap_is_read(tmp_path):
    """A valid lesson padded with a comment to exactly MAX_BYTES loads."""
    text = to_toml(default_raw())
    text += "#" * (MAX_BYTES - len(text.encode()) - 1) + "\n"
    path = tmp_path / "padded.toml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES
    assert load_lesson(path).T == 5


def load_in_thread(path, seconds=10.0):
    """load_lesson(path) in a thread; the LessonError it raised (fails if it blocks)."""
    result = {}

    def target():
        try:
            load_lesson(path)
        except Exception as e:  # any exception: the assertion below reports it
            result["error"] = e

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"load_lesson({path}) blocked"
    error = result.get("error")
    assert isinstance(error, LessonError), repr(error)
    assert "\n" not in str(error) and str(error).startswith(str(path))
    return str(error)


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "lesson.toml"
    os.mkfifo(fifo)
    assert "found a FIFO" in load_in_thread(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_without_reading(tmp_path, device):
    assert "character device" in load_in_thread(Path(device))
    link = tmp_path / "lesson.json"  # a good suffix does not make it a file
    link.symlink_to(device)
    assert "character device" in load_in_thread(link)


def test_non_utf8_text_names_the_byte(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "café"}'.encode("latin-1"))
    message = assert_one_line_error(path, "UTF-8")
    assert "0xe9 at offset 13" in message


def test_a_byte_order_mark_is_accepted(tmp_path):
    for fmt in TEXT:
        path = write(tmp_path, default_raw(), fmt)
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        assert load_lesson(path).T == 5


@pytest.mark.parametrize("fmt", TEXT)
def test_numbers_too_long_to_convert(tmp_path, fmt):
    path = tmp_path / f"digits.{fmt}"
    digits = "9" * 5000  # beyond CPython's 4300-digit int conversion limit
    text = (
        f"[network]\nn_in = {digits}\n" if fmt == "toml" else f'{{"network": {{"n_in": {digits}}}}}'
    )
    path.write_text(text, encoding="utf-8")
    message = assert_one_line_error(path, "4300 digits")
    assert "set_int_max_str_digits" not in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("learning_rate", 10**400), ("clip", -(10**400)), ("network.n_in", 10**400)],
)
def test_huge_integers_are_refused_in_short_messages(tmp_path, field, value):
    path = write(tmp_path, mutate(_set(field, value)), "toml")
    message = assert_one_line_error(path, field)
    assert len(message) < 250, message


def npy_bytes(shape, descr="<f8", data=b""):
    """A .npy member: a valid header claiming ``shape``, followed by ``data``."""
    buf = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + data


def npz_with(tmp_path, members, compression=zipfile.ZIP_STORED):
    """The default lesson as NPZ, with ``members`` (name -> bytes) added or replaced."""
    path = tmp_path / "lesson.npz"
    np.savez(path, **to_npz_arrays(default_raw()))
    with zipfile.ZipFile(path) as z:
        keep = {n: z.read(n) for n in z.namelist() if n not in members}
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in {**keep, **members}.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ({"xs.npy": npy_bytes((10**12, 3))}, "xs"),  # header claims 24 TB
        ({"W.npy": npy_bytes((2**31, 2**31))}, "W"),
        ({"xs.npy": npy_bytes((1,) * 30, data=b"\0" * 8)}, "xs"),  # 30 dimensions
        ({"labels_inputs.npy": npy_bytes((3,), "<U100000000")}, "labels_inputs"),
        ({"xs.npy": npy_bytes((5, 3), data=b"\0" * 10)}, "NPZ"),  # truncated data
        ({"xs.npy": b"\x93NUMPY\x07\x00garbage"}, "xs"),  # unknown .npy version
        ({"notes.txt": b"hello"}, "notes.txt"),
    ],
    ids=["24TB", "2^62-values", "30-dims", "huge-strings", "truncated", "bad-version", "not-npy"],
)
def test_npz_with_absurd_members_is_refused_before_reading(tmp_path, members, field):
    path = npz_with(tmp_path, members)
    start = time.monotonic()
    assert_one_line_error(path, field)
    assert time.monotonic() - start < 2.0


def test_npz_bomb_is_refused_without_inflating(tmp_path):
    """A member that inflates to 50 MB: its header is read, never its data."""
    zeros = npy_bytes((6_250_000,), data=bytes(50_000_000))
    path = npz_with(tmp_path, {"xs.npy": zeros}, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < MAX_BYTES
    start = time.monotonic()
    assert_one_line_error(path, "xs")
    assert time.monotonic() - start < 2.0


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=10,
)


def _fields():
    raw = default_raw()
    tables = [k for k, v in raw.items() if isinstance(v, dict)]
    return (
        [k for k in raw if k not in tables]
        + tables
        + [f"{t}.{k}" for t in tables for k in raw[t]]
        + ["data.h0", "network.seed", "network.scale", "labels.steps"]
        + ["train", "trained"]
        + [f"train.{k}" for k in ("epochs", "lr", "momentum", "clip", "truncate", "seed")]
        + [f"train.{k}" for k in ("generator", "n", "T", "d", "n_symbols", "distractors")]
        + ["train.data_seed", "train.sequences"]
        + [f"trained.{k}" for k in ("epochs", "lr", "final_loss", "final_accuracy")]
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(_fields()), value=JSON_VALUES)
def test_any_value_in_any_field_loads_or_gives_one_line(tmp_path_factory, field, value):
    path = write(tmp_path_factory.mktemp("fuzz"), mutate(_set(field, value)), "json")
    try:
        lesson = load_lesson(path)
    except LessonError as e:
        message = str(e)
        assert "\n" not in message and message.startswith(str(path)), message
        assert len(message) < len(str(path)) + 250, message  # the found value is abbreviated
    else:
        assert lesson.describe()  # a lesson that loads can be used
