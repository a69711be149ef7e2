"""``render.py import``: PyTorch and Keras weights become a lesson, exactly.

A real ``torch.nn.RNN`` + ``nn.Linear`` (when torch is installed) is written as a
safetensors file by the small writer below (the ``safetensors`` package is not a
dependency) and must give the same h(t) and o(t) in rnncore as in torch. Keras files
are built with h5py in the layouts Keras 3 and Keras 2 write (no TensorFlow needed);
their kernels are transposed, which a Keras-style reference forward pass checks. Every
bad file is one line on stderr, exit 2, and nothing written.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import h5py
import numpy as np
import pytest
from _cli_support import ROOT, run_cli

import render
from rnncore import PARAM_NAMES, default_lesson, forward, load_lesson
from rnncore.importers import import_lesson, keras_params, read_params
from rnncore.weight_files import WeightsError, read_keras, read_safetensors

DEFAULT = ROOT / "rnncore" / "lessons" / "default.toml"
_CODES = {"<f8": "F64", "<f4": "F32", "<f2": "F16", "<u2": "BF16", "<i8": "I64"}


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], dtypes: dict | None = None):
    """A safetensors file: 8-byte LE header length, JSON header, then the raw LE bytes.

    ``dtypes`` names a tensor's safetensors dtype when it differs from its NumPy one
    (BF16 tensors are given as their uint16 bits).
    """
    header: dict = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        code = (dtypes or {}).get(name) or _CODES[array.dtype.str]
        blob = array.tobytes()
        header[name] = {
            "dtype": code,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the writers pad the header to 8 bytes
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return path


def tensors_of(rng: np.random.Generator, I: int = 3, H: int = 4, O: int = 2, head: str = "fc"):
    return {
        "rnn.weight_ih_l0": rng.normal(size=(H, I)),
        "rnn.weight_hh_l0": rng.normal(size=(H, H)) * 0.5,
        "rnn.bias_ih_l0": rng.normal(size=H),
        "rnn.bias_hh_l0": rng.normal(size=H),
        f"{head}.weight": rng.normal(size=(O, H)),
        f"{head}.bias": rng.normal(size=O),
    }


# --- PyTorch --------------------------------------------------------------------------


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("head", ["fc", "head", "linear"])
def test_a_torch_rnn_computes_the_same_states_and_outputs_in_rnncore(tmp_path, batch_first, head):
    torch = pytest.importorskip("torch")
    torch.manual_seed(3)

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = torch.nn.RNN(3, 5, batch_first=batch_first)
            setattr(self, head, torch.nn.Linear(5, 2))

        def forward(self, x):
            hs, _ = self.rnn(x)
            return hs, getattr(self, head)(hs)

    net = Net().double()
    state = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    path = write_safetensors(tmp_path / "net.safetensors", state)
    params, fmt = read_params(path)
    assert fmt == "torch"

    xs = np.random.default_rng(0).normal(size=(6, 3))
    x = torch.from_numpy(xs)[None] if batch_first else torch.from_numpy(xs)[:, None]
    with torch.no_grad():
        hs, os = net(x)
    hs, os = (hs[0], os[0]) if batch_first else (hs[:, 0], os[:, 0])
    trace = forward(params, xs)
    np.testing.assert_allclose(trace.h, hs.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.o, os.numpy(), rtol=0, atol=1e-12)
    assert params.U.tobytes() == state["rnn.weight_ih_l0"].tobytes()
    assert params.b.tobytes() == (state["rnn.bias_ih_l0"] + state["rnn.bias_hh_l0"]).tobytes()


def test_float32_float16_and_bfloat16_tensors_convert_exactly(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rnn, fc = torch.nn.RNN(2, 3), torch.nn.Linear(3, 2)
    state = {**{f"rnn.{k}": v for k, v in rnn.state_dict().items()}}
    state |= {f"fc.{k}": v for k, v in fc.state_dict().items()}
    state["rnn.weight_hh_l0"] = state["rnn.weight_hh_l0"].half()
    state["fc.weight"] = state["fc.weight"].bfloat16()
    arrays = {
        k: v.view(torch.int16).numpy().view("<u2") if v.dtype == torch.bfloat16 else v.numpy()
        for k, v in state.items()
    }
    path = write_safetensors(tmp_path / "m.safetensors", arrays, {"fc.weight": "BF16"})
    got = read_safetensors(path)
    for key, value in state.items():
        expected = value.double().numpy()  # torch's own widening of every dtype
        assert got[key].dtype == np.float64 and got[key].tobytes() == expected.tobytes(), key


def test_rnn_cell_and_bias_free_layers_import_with_zero_biases(tmp_path):
    rng = np.random.default_rng(1)
    t = tensors_of(rng)
    cell = {k.replace("_l0", "").replace("rnn.", "cell."): v for k, v in t.items()}
    params, _ = read_params(write_safetensors(tmp_path / "cell.safetensors", cell))
    assert params.W.tobytes() == t["rnn.weight_hh_l0"].tobytes()
    del t["rnn.bias_ih_l0"], t["rnn.bias_hh_l0"], t["fc.bias"]
    params, _ = read_params(write_safetensors(tmp_path / "nobias.safetensors", t))
    assert not params.b.any() and not params.c.any()


# --- Keras ----------------------------------------------------------------------------


def keras_arrays(rng: np.random.Generator, I: int = 3, H: int = 4, O: int = 2) -> list:
    """SimpleRNN kernel (I, H), recurrent_kernel (H, H), bias (H,); Dense kernel (H, O), bias."""
    return [
        rng.normal(size=(I, H)).astype(np.float32),
        (rng.normal(size=(H, H)) * 0.5).astype(np.float32),
        rng.normal(size=H).astype(np.float32),
        rng.normal(size=(H, O)).astype(np.float32),
        rng.normal(size=O).astype(np.float32),
    ]


def keras3_file(path: Path, a: list, rnn_path: str = "layers/simple_rnn/cell") -> Path:
    """The layout of Keras 3's save_weights: <path>/vars/<i>, optimizer and seeds beside."""
    with h5py.File(path, "w") as f:
        for i, array in enumerate(a[:3]):
            f[f"{rnn_path}/vars/{i}"] = array
        f["layers/dense/vars/0"], f["layers/dense/vars/1"] = a[3], a[4]
        f["layers/dense/vars"].attrs["name"] = "dense"
        f["layers/dropout/seed_generator/vars/0"] = np.array([1, 2], dtype=np.uint32)
        f["optimizer/vars/0"] = np.array(10, dtype=np.int64)  # iterations
        for i, array in enumerate(a, start=1):  # Adam's moments: same shapes as weights
            f[f"optimizer/vars/{i}"] = np.zeros_like(array)
        f["compile_metrics/mean/vars/0"] = np.float32(0.5)  # a metric's scalar state
    return path


def keras_reference(a: list, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras' SimpleRNN + Dense: h = tanh(x @ kernel + bias + h @ recurrent), y = h @ K + b."""
    k, r, b, dk, db = (np.asarray(v, dtype=np.float64) for v in a)
    h, hs = np.zeros(r.shape[0]), []
    for x in xs:
        h = np.tanh(x @ k + b + h @ r)
        hs.append(h)
    hs = np.array(hs)
    return hs, hs @ dk + db


def test_a_keras3_weights_file_maps_with_transposed_kernels(tmp_path):
    a = keras_arrays(np.random.default_rng(2))
    params, fmt = read_params(keras3_file(tmp_path / "m.weights.h5", a))
    assert fmt == "keras"
    for name, expected in zip(PARAM_NAMES, (a[0].T, a[1].T, a[3].T, a[2], a[4]), strict=True):
        got = getattr(params, name)
        assert got.tobytes() == expected.astype(np.float64).tobytes(), name
    xs = np.random.default_rng(4).normal(size=(5, 3))
    hs, ys = keras_reference(a, xs)
    trace = forward(params, xs)
    np.testing.assert_allclose(trace.h, hs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.o, ys, rtol=0, atol=1e-12)


def test_a_subclassed_keras3_model_and_a_keras2_file_map_the_same(tmp_path):
    a = keras_arrays(np.random.default_rng(5))
    expected = read_params(keras3_file(tmp_path / "a.weights.h5", a))[0]
    sub = read_params(keras3_file(tmp_path / "b.weights.h5", a, rnn_path="encoder/cell"))[0]
    path = tmp_path / "legacy.h5"
    with h5py.File(path, "w") as f:
        root = f.create_group("model_weights")  # model.save("m.h5") nests them here
        root.attrs["layer_names"] = [b"input", b"my_rnn", b"out"]
        root.create_group("input").attrs["weight_names"] = []
        names = {"my_rnn": ["kernel:0", "recurrent_kernel:0", "bias:0"], "out": ["kernel:0"]}
        names["out"].append("bias:0")
        for layer, arrays in (("my_rnn", a[:3]), ("out", a[3:])):
            g = root.create_group(layer)
            full = [f"{layer}/cell/{n}" for n in names[layer]]
            g.attrs["weight_names"] = [n.encode() for n in full]
            for n, array in zip(full, arrays, strict=True):
                g[n] = array
    legacy = read_params(path)[0]
    for name in PARAM_NAMES:
        ref = getattr(expected, name).tobytes()
        assert getattr(sub, name).tobytes() == ref and getattr(legacy, name).tobytes() == ref


def test_keras_bfloat16_datasets_are_read_from_their_bits(tmp_path):
    a = keras_arrays(np.random.default_rng(6))
    path = keras3_file(tmp_path / "m.weights.h5", a)
    bits = (a[1].view("<u4") >> 16).astype("<u2")  # truncated to bfloat16
    with h5py.File(path, "r+") as f:
        del f["layers/simple_rnn/cell/vars/1"]
        ds = f.create_dataset("layers/simple_rnn/cell/vars/1", data=bits.view("V2"))
        ds.attrs["dtype"] = "bfloat16"
    W = read_params(path)[0].W
    assert W.tobytes() == (bits.astype("<u4") << 16).view("<f4").T.astype(np.float64).tobytes()


def test_keras_lstm_and_stacked_layers_are_refused_by_name(tmp_path):
    rng = np.random.default_rng(7)
    lstm = [rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), rng.normal(size=16)]
    dense = [rng.normal(size=(4, 2)), rng.normal(size=2)]
    with pytest.raises(WeightsError, match=r"4 x 4 gate rows: an LSTM \(Keras\)"):
        keras_params([("layers/lstm/cell", lstm), ("layers/dense", dense)], "f")
    rnn = keras_arrays(rng)[:3]
    with pytest.raises(WeightsError, match="2 recurrent layers"):
        keras_params([("a", rnn), ("b", [rng.normal(size=(4, 4)), *rnn[1:]]), ("d", dense)])
    with pytest.raises(WeightsError, match="expected one Dense layer"):
        keras_params([("a", rnn), ("d", dense), ("d2", dense)])


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
    if case == "lstm":
        t = torch_state("LSTM")
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
    elif case == "h5_lstm":
        path = tmp_path / "lstm.weights.h5"
        rng = np.random.default_rng(1)
        with h5py.File(path, "w") as f:
            f["layers/lstm/cell/vars/0"] = rng.normal(size=(3, 16))
            f["layers/lstm/cell/vars/1"] = rng.normal(size=(4, 16))
            f["layers/lstm/cell/vars/2"] = rng.normal(size=16)
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


TORCH_CASES = ["lstm", "gru", "two_layers", "bidirectional", "missing_bias", "two_heads"]
TORCH_CASES += ["no_head", "extra_tensor", "head_mismatch", "too_big", "nan", "int_dtype"]
RAW_CASES = ["truncated", "tiny", "header_too_long", "not_json", "offsets", "missing", "folder"]
RAW_CASES += ["h5_garbage", "h5_lstm", "h5_nan", "pickle", "unknown_suffix"]
MESSAGES = {
    "lstm": "16 = 4 x 4 gate rows: an LSTM",
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
    "folder": "found no regular file",
    "h5_garbage": "not a readable HDF5 weights file",
    "h5_lstm": "an LSTM (Keras)",
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
