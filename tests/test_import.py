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
from _cli_support import ROOT

from rnncore import PARAM_NAMES, LSTMParams, forward, lstm_forward
from rnncore.importers import keras_params, read_params
from rnncore.weight_files import WeightsError, read_safetensors

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


@pytest.mark.parametrize("batch_first", [True, False])
def test_a_torch_lstm_computes_the_same_states_and_outputs_in_rnncore(tmp_path, batch_first):
    torch = pytest.importorskip("torch")
    torch.manual_seed(4)
    lstm = torch.nn.LSTM(3, 4, batch_first=batch_first).double()
    head = torch.nn.Linear(4, 2).double()
    state = {f"encoder.{k}": v.detach().numpy() for k, v in lstm.state_dict().items()}
    state |= {f"decoder.{k}": v.detach().numpy() for k, v in head.state_dict().items()}
    params, _ = read_params(write_safetensors(tmp_path / "lstm.safetensors", state))
    assert isinstance(params, LSTMParams)
    assert params.b_hh.tobytes() == state["encoder.bias_hh_l0"].tobytes()
    xs = np.random.default_rng(1).normal(size=(6, 3))
    x = torch.from_numpy(xs)[None] if batch_first else torch.from_numpy(xs)[:, None]
    with torch.no_grad():
        hs, _ = lstm(x)
        hs = hs[0] if batch_first else hs[:, 0]
        os = head(hs)
    trace = lstm_forward(params, xs)
    np.testing.assert_allclose(trace.h, hs.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.o, os.numpy(), rtol=0, atol=1e-12)


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


def test_a_keras_lstm_maps_to_pytorch_layout_and_stacked_layers_are_refused():
    rng = np.random.default_rng(7)
    lstm = [rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), rng.normal(size=16)]
    dense = [rng.normal(size=(4, 2)), rng.normal(size=2)]
    p = keras_params([("layers/lstm/cell", lstm), ("layers/dense", dense)], "f")
    assert isinstance(p, LSTMParams)  # Keras' gates i, f, c, o are PyTorch's i, f, g, o
    for got, expected in ((p.W_ih, lstm[0].T), (p.W_hh, lstm[1].T), (p.b_ih, lstm[2])):
        assert got.tobytes() == np.ascontiguousarray(expected).tobytes()
    assert not p.b_hh.any() and p.V.tobytes() == np.ascontiguousarray(dense[0].T).tobytes()
    gru = [rng.normal(size=(3, 12)), rng.normal(size=(4, 12)), rng.normal(size=(2, 12))]
    with pytest.raises(WeightsError, match=r"3 x 4 gate rows: a GRU \(Keras\)"):
        keras_params([("layers/gru/cell", gru), ("layers/dense", dense)], "f")
    rnn = keras_arrays(rng)[:3]
    with pytest.raises(WeightsError, match="2 recurrent layers"):
        keras_params([("a", rnn), ("b", [rng.normal(size=(4, 4)), *rnn[1:]]), ("d", dense)])
    with pytest.raises(WeightsError, match="expected one Dense layer"):
        keras_params([("a", rnn), ("d", dense), ("d2", dense)])
