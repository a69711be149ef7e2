"""``render.py import``: the command. A lesson that ``check`` accepts, weights bit for bit;
every bad file kind is one line on stderr, exit 2, and nothing written.

The files are built as in ``test_import`` (its safetensors writer and Keras layouts).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import h5py
import numpy as np
import pytest
from _cli_support import ROOT, run_cli
from test_import import keras3_file, keras_arrays, tensors_of, write_safetensors

import render
from rnncore import LSTMParams, default_lesson, load_lesson
from rnncore.importers import import_lesson
from rnncore.weight_files import read_keras

DEFAULT = ROOT / "rnncore" / "lessons" / "default.toml"


# --- the command ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["toml", "json", "npz"])
def test_import_then_check_passes_and_weights_are_bit_for_bit(tmp_path, suffix):
    t = tensors_of(np.random.default_rng(8), I=3, H=5, O=2)
    source = write_safetensors(tmp_path / "m.safetensors", t)
    out = tmp_path / f"lesson.{suffix}"
    cp = run_cli("import", source, "--out", out)
    assert cp.returncode == 0 and cp.stderr == "", cp.stderr
    assert f"wrote {out}" in cp.stdout and "placeholder sequence (seed 0)" in cp.stdout
    check = run_cli("check", out)
    assert check.returncode == 0, check.stderr
    p = load_lesson(out).params
    assert p.U.tobytes() == t["rnn.weight_ih_l0"].tobytes()
    assert p.W.tobytes() == t["rnn.weight_hh_l0"].tobytes()
    assert p.b.tobytes() == (t["rnn.bias_ih_l0"] + t["rnn.bias_hh_l0"]).tobytes()
    assert p.V.tobytes() == t["fc.weight"].tobytes() and p.c.tobytes() == t["fc.bias"].tobytes()
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted([source.name, out.name])


def test_data_takes_the_sequence_of_another_lesson(tmp_path):
    t = tensors_of(np.random.default_rng(9), I=3, H=6, O=2)
    source = write_safetensors(tmp_path / "m.safetensors", t)
    lesson = import_lesson(source, data=DEFAULT)
    base = default_lesson()
    assert lesson.params.n_hidden == 6 and not lesson.h0.any()
    for name in ("xs", "targets"):
        assert getattr(lesson, name).tobytes() == getattr(base, name).tobytes()
    assert (lesson.task, lesson.loss, lesson.input_labels) == (
        base.task, base.loss, base.input_labels,
    )  # fmt: skip
    assert lesson.trained is None


def test_placeholder_sequences_are_seeded_and_fit_the_sizes(tmp_path):
    one = write_safetensors(tmp_path / "one.safetensors", tensors_of(np.random.default_rng(0), O=1))
    a, b = import_lesson(one, seed=4), import_lesson(one, seed=4)
    assert a.xs.tobytes() == b.xs.tobytes() and a.targets.tobytes() == b.targets.tobytes()
    assert a.loss == "mse" and a.targets.shape == (5, 1) and a.xs.shape == (5, 3)
    assert import_lesson(one, seed=5).xs.tobytes() != a.xs.tobytes()


def torch_state(module_name: str, **kw) -> dict[str, np.ndarray]:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rnn = getattr(torch.nn, module_name)(3, 4, **kw)
    state = {f"rnn.{k}": v.detach().numpy() for k, v in rnn.state_dict().items()}
    return state | {"fc.weight": np.ones((2, 4)), "fc.bias": np.zeros(2)}


def bad_torch(tmp_path: Path, case: str) -> Path:
    rng = np.random.default_rng(10)
    t = tensors_of(rng)
    if case == "lstm_proj":
        t = torch_state("LSTM", proj_size=2)
    elif case == "gru":
        t = torch_state("GRU")
    elif case == "two_layers":
        t = torch_state("RNN", num_layers=2)
    elif case == "bidirectional":
        t = torch_state("RNN", bidirectional=True)
    elif case == "missing_bias":
        del t["rnn.bias_hh_l0"]
    elif case == "two_heads":
        t["out.weight"] = rng.normal(size=(2, 4))
    elif case == "no_head":
        del t["fc.weight"], t["fc.bias"]
    elif case == "extra_tensor":
        t["embed.table"] = rng.normal(size=(5, 3))
    elif case == "head_mismatch":
        t["fc.weight"] = rng.normal(size=(2, 5))
    elif case == "too_big":
        t = tensors_of(rng, H=32)
    elif case == "nan":
        t["rnn.weight_hh_l0"][1, 2] = np.nan
    elif case == "int_dtype":
        t["rnn.step"] = np.arange(3, dtype="<i8")
    return write_safetensors(tmp_path / f"{case}.safetensors", t)


def raw_file(tmp_path: Path, case: str) -> Path:
    good = write_safetensors(tmp_path / "good.safetensors", tensors_of(np.random.default_rng(0)))
    data = good.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    path = tmp_path / f"{case}.safetensors"
    if case == "truncated":
        path.write_bytes(data[:-7])
    elif case == "tiny":
        path.write_bytes(b"\x01\x02")
    elif case == "header_too_long":
        path.write_bytes(struct.pack("<Q", 1 << 40) + data[8:])
    elif case == "not_json":
        path.write_bytes(struct.pack("<Q", 4) + b"\xff{x}")
    elif case == "offsets":
        header = json.loads(data[8 : 8 + n])
        header["fc.bias"]["data_offsets"][1] -= 8
        text = json.dumps(header).encode()
        path.write_bytes(struct.pack("<Q", len(text)) + text + data[8 + n :])
    elif case == "missing":
        pass
    elif case == "folder":
        path.mkdir()
    elif case == "h5_garbage":
        path = tmp_path / "junk.h5"
        path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 40)
    elif case == "h5_gru":
        path = tmp_path / "gru.weights.h5"
        rng = np.random.default_rng(1)
        with h5py.File(path, "w") as f:
            f["layers/gru/cell/vars/0"] = rng.normal(size=(3, 12))
            f["layers/gru/cell/vars/1"] = rng.normal(size=(4, 12))
            f["layers/gru/cell/vars/2"] = rng.normal(size=(2, 12))
            f["layers/dense/vars/0"], f["layers/dense/vars/1"] = np.ones((4, 2)), np.ones(2)
    elif case == "h5_nan":
        path = tmp_path / "nan.weights.h5"
        a = keras_arrays(np.random.default_rng(1))
        a[3][0, 1] = np.inf
        keras3_file(path, a)
    elif case == "pickle":
        path = tmp_path / "weights.pt"
        path.write_bytes(data)
    elif case == "unknown_suffix":
        path = tmp_path / "weights.npy"
        path.write_bytes(data)
    return path


TORCH_CASES = ["lstm_proj", "gru", "two_layers", "bidirectional", "missing_bias", "two_heads"]
TORCH_CASES += ["no_head", "extra_tensor", "head_mismatch", "too_big", "nan", "int_dtype"]
RAW_CASES = ["truncated", "tiny", "header_too_long", "not_json", "offsets", "missing", "folder"]
RAW_CASES += ["h5_garbage", "h5_gru", "h5_nan", "pickle", "unknown_suffix"]
MESSAGES = {
    "lstm_proj": "'rnn.weight_hr_l0': an LSTM with proj_size cannot be imported",
    "gru": "12 = 3 x 4 gate rows: a GRU",
    "two_layers": "more than one layer",
    "bidirectional": "bidirectional",
    "missing_bias": "bias_hh_l0 is missing",
    "two_heads": "expected one nn.Linear head",
    "no_head": "found none",
    "extra_tensor": "'embed.table'",
    "head_mismatch": "expected the head's shape (n_out, 4), found (2, 5)",
    "too_big": "n_hidden = 32",
    "nan": "'rnn.weight_hh_l0' holds NaN or inf",
    "int_dtype": "dtype 'I64' is not supported",
    "truncated": "data_offsets",
    "tiny": "no header",
    "header_too_long": "the header claims",
    "not_json": "not JSON",
    "offsets": "needs 16 bytes, data_offsets give 8",
    "missing": "file not found",
    "folder": "expected a weights file, found a directory",
    "h5_garbage": "not a readable HDF5 weights file",
    "h5_gru": "12 = 3 x 4 gate rows: a GRU (Keras)",
    "h5_nan": "'layers/dense': weight 0 holds NaN or inf",
    "pickle": "PyTorch pickles are never loaded",
    "unknown_suffix": "expected a .safetensors (PyTorch) or .h5 (Keras) file, found '.npy'",
}


@pytest.mark.parametrize("case", TORCH_CASES + RAW_CASES)
def test_every_bad_file_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, case):
    path = bad_torch(tmp_path, case) if case in TORCH_CASES else raw_file(tmp_path, case)
    before = sorted(tmp_path.iterdir())
    out = tmp_path / "out.toml"
    assert render.main(["import", str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("render.py: error: "), captured.err
    assert MESSAGES[case] in lines[0]
    assert sorted(tmp_path.iterdir()) == before


def test_bad_data_and_out_are_one_line_and_exit_2(tmp_path):
    source = write_safetensors(
        tmp_path / "m.safetensors", tensors_of(np.random.default_rng(0), I=4)
    )
    cases = {
        "--data": (["--out", tmp_path / "a.toml", "--data", DEFAULT], "its network is n_in 3"),
        "bad --out": (["--out", tmp_path / "a.txt"], "expected a .toml, .json or .npz"),
        "no folder": (["--out", tmp_path / "nope" / "a.toml"], "no folder"),
        "format": (["--out", tmp_path / "a.toml", "--format", "keras"], "not a readable HDF5"),
    }
    for name, (args, message) in cases.items():
        cp = run_cli("import", source, *args)
        assert cp.returncode == 2, name
        assert len(cp.stderr.splitlines()) == 1 and message in cp.stderr, (name, cp.stderr)
        assert "Traceback" not in cp.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.safetensors"]


def test_a_keras_file_imports_through_the_command(tmp_path):
    a = keras_arrays(np.random.default_rng(11))
    source = keras3_file(tmp_path / "model.weights.h5", a)
    out = tmp_path / "k.toml"
    cp = run_cli("import", source, "--out", out, "--data", DEFAULT)
    assert cp.returncode == 0, cp.stderr
    lesson = load_lesson(out)
    assert lesson.params.U.tobytes() == a[0].T.astype(np.float64).tobytes()
    assert lesson.xs.tobytes() == default_lesson().xs.tobytes()
    assert run_cli("check", out).returncode == 0
    labels = {label for label, _ in read_keras(source)}  # no optimizer, seed or metric
    assert labels == {"layers/dense", "layers/simple_rnn/cell"}


def test_a_torch_lstm_becomes_an_lstm_lesson_beside_the_data_s_rnn(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(2)
    lstm, fc = torch.nn.LSTM(3, 4).double(), torch.nn.Linear(4, 2).double()
    state = {f"lstm.{k}": v.detach().numpy() for k, v in lstm.state_dict().items()}
    state |= {f"fc.{k}": v.detach().numpy() for k, v in fc.state_dict().items()}
    source = write_safetensors(tmp_path / "lstm.safetensors", state)
    out = tmp_path / "lstm.toml"
    cp = run_cli("import", source, "--out", out, "--data", DEFAULT)
    assert cp.returncode == 0, cp.stderr
    assert run_cli("check", out).returncode == 0
    lesson, base = load_lesson(out), default_lesson()
    assert lesson.cell == "lstm" and isinstance(lesson.lstm, LSTMParams)
    names = {"W_ih": "lstm.weight_ih_l0", "W_hh": "lstm.weight_hh_l0", "b_ih": "lstm.bias_ih_l0"}
    names |= {"b_hh": "lstm.bias_hh_l0", "V": "fc.weight", "c": "fc.bias"}
    for name, key in names.items():
        assert getattr(lesson.lstm, name).tobytes() == state[key].tobytes(), name
    assert lesson.params.W.tobytes() == base.params.W.tobytes()  # the data's simple RNN
    placeholder = import_lesson(source, seed=3)
    assert placeholder.cell == "lstm" and placeholder.xs.shape == (5, 3)


def test_a_weights_file_is_a_config_directly(tmp_path: Path) -> None:
    """``--config model.safetensors`` (or ``check`` it): the lesson ``import`` would write."""
    tensors = tensors_of(np.random.default_rng(5))
    source = write_safetensors(tmp_path / "model.safetensors", tensors)
    lesson = load_lesson(source)
    np.testing.assert_array_equal(lesson.params.U, tensors["rnn.weight_ih_l0"])
    np.testing.assert_array_equal(lesson.params.W, tensors["rnn.weight_hh_l0"])
    np.testing.assert_array_equal(
        lesson.params.b, tensors["rnn.bias_ih_l0"] + tensors["rnn.bias_hh_l0"]
    )
    written = tmp_path / "imported.toml"
    assert run_cli("import", source, "--out", written).returncode == 0
    np.testing.assert_array_equal(load_lesson(written).xs, lesson.xs)  # the same placeholder
    check = run_cli("check", source)
    assert check.returncode == 0, check.stderr
    assert "3 inputs, 4 hidden, 2 outputs" in check.stdout
    out = tmp_path / "out"
    preview = run_cli("preview", "TheLesson", "--config", source, "--out", out)
    assert preview.returncode == 0, preview.stderr
    assert sorted((out / "preview" / "TheLesson").glob("*.png"))
    bad = run_cli("check", write_safetensors(tmp_path / "bad.safetensors", {"x": np.zeros(2)}))
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1, bad.stderr
