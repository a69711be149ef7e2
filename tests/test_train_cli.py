"""``render.py train``: the written lesson is rnncore.train's result, exactly, and atomically.

Each run trains a few hundred sequence passes at most (well under a second of training);
the SIGTERM test starts a long run and stops it.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest
from _cli_support import ROOT, run_cli, snapshot, start_cli, wait_for

from rnncore import (
    PARAM_NAMES,
    Dataset,
    default_lesson,
    lesson_dataset,
    load_lesson,
    parity_dataset,
    train,
)
from rnncore.lesson_io import toml_text

DEFAULT = ROOT / "rnncore" / "lessons" / "default.toml"
EPOCHS = 100  # the default lesson's sequence is learned by epoch 6


def assert_params_identical(path: Path, params) -> None:
    got = load_lesson(path).params
    for name in PARAM_NAMES:
        a, b = getattr(got, name), getattr(params, name)
        assert a.shape == b.shape and a.tobytes() == b.tobytes(), name


def lesson_with_train(tmp_path: Path, train_table: dict, name: str = "set") -> Path:
    raw = tomllib.loads(DEFAULT.read_text(encoding="utf-8"))
    raw["train"] = train_table
    path = tmp_path / f"{name}.toml"
    path.write_text(toml_text(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["toml", "json", "npz"])
def test_default_lesson_trains_to_full_accuracy_with_train_s_weights(tmp_path, fmt):
    out = tmp_path / f"trained.{fmt}"
    cp = run_cli("train", DEFAULT, "--out", out, "--epochs", EPOCHS)
    assert cp.returncode == 0, cp.stderr
    assert cp.stderr == ""  # not a terminal: quiet but for the summary on stdout
    assert f"wrote {out}" in cp.stdout and "accuracy 20.0% -> 100.0%" in cp.stdout
    lesson = default_lesson()
    run = train(lesson.params, lesson_dataset(lesson), epochs=EPOCHS, lr=lesson.learning_rate)
    assert_params_identical(out, run.params)
    trained = load_lesson(out)
    assert trained.trained.final_loss == run.loss[-1] and trained.trained.final_accuracy == 1.0
    assert (trained.trained.epochs, trained.trained.lr, trained.trained.clip) == (EPOCHS, 0.2, None)
    np.testing.assert_array_equal(trained.xs, lesson.xs)
    check = run_cli("check", out)
    assert check.returncode == 0, check.stderr
    assert "training set: 1 sequence of 5 steps" in check.stdout
    assert "accuracy 100.0% (5/5 steps)" in check.stdout
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_written_toml_says_how_it_was_trained_and_no_seed(tmp_path):
    out = tmp_path / "t.toml"
    cp = run_cli("train", DEFAULT, "--out", out, "--epochs", "20", "--lr", "0.3", "--seed", "5")
    assert cp.returncode == 0, cp.stderr
    raw = tomllib.loads(out.read_text(encoding="utf-8"))
    assert raw["trained"] | {"final_loss": 0} == {
        "epochs": 20, "lr": 0.3, "momentum": 0.0, "seed": 5, "sequences": 1,
        "final_loss": 0, "final_accuracy": 1.0,
    }  # fmt: skip
    assert "seed" not in raw["network"] and "scale" not in raw["network"]
    assert sorted(raw["weights"]) == sorted(PARAM_NAMES)


def test_explicit_training_set(tmp_path):
    seqs = parity_dataset(12, (2, 6), seed=4)
    table = {
        "epochs": 60, "lr": 0.1, "momentum": 0.5, "clip": 1.0, "truncate": 3, "seed": 2,
        "sequences": [
            {"xs": x.tolist(), "targets": y.tolist()}
            for x, y in zip(seqs.xs, seqs.targets, strict=True)
        ],
    }  # fmt: skip
    lesson_path = lesson_with_train(tmp_path, table)
    out = tmp_path / "out.json"
    cp = run_cli("train", lesson_path, "--out", out)
    assert cp.returncode == 0, cp.stderr
    lesson = load_lesson(lesson_path)
    data = Dataset(xs=seqs.xs, targets=seqs.targets, h0=lesson.h0)
    run = train(lesson.params, data, epochs=60, lr=0.1, momentum=0.5, clip=1.0, truncate=3, seed=2)
    assert run.accuracy[-1] == 1.0 and run.accuracy[0] < 0.8
    assert_params_identical(out, run.params)
    check = run_cli("check", out)
    assert check.returncode == 0 and "training set: 12 sequences of 2..6 steps" in check.stdout
    steps = sum(len(y) for y in seqs.targets)
    assert f"accuracy 100.0% ({steps}/{steps} steps)" in check.stdout
    written = json.loads(out.read_text(encoding="utf-8"))
    assert len(written["train"]["sequences"]) == 12 and written["trained"]["truncate"] == 3


def test_generator_training_set_and_out_equal_to_the_input(tmp_path):
    path = lesson_with_train(tmp_path, {"generator": "parity", "n": 8, "epochs": 30, "clip": 1.0})
    before = load_lesson(path)
    cp = run_cli("train", path, "--out", path)
    assert cp.returncode == 0, cp.stderr
    data = parity_dataset(8, 5, 0)
    run = train(before.params, Dataset(xs=data.xs, targets=data.targets, h0=before.h0),
                epochs=30, lr=0.2, clip=1.0)  # fmt: skip
    assert_params_identical(path, run.params)
    assert load_lesson(path).train == before.train
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


BAD = [
    ("missing-lesson", ["nowhere.toml", "--out", "o.toml"], "not found"),
    ("bad-lesson", ["bad.toml", "--out", "o.toml"], "train.epochs"),
    ("epochs-0", [DEFAULT, "--out", "o.toml", "--epochs", "0"], "--epochs"),
    ("epochs-text", [DEFAULT, "--out", "o.toml", "--epochs", "ten"], "--epochs"),
    ("epochs-cap", [DEFAULT, "--out", "o.toml", "--epochs", "1001"], "1..1000"),
    ("passes-cap", ["big.toml", "--out", "o.toml", "--epochs", "200"], "100000"),
    ("lr-0", [DEFAULT, "--out", "o.toml", "--lr", "0"], "--lr"),
    ("lr-inf", [DEFAULT, "--out", "o.toml", "--lr", "inf"], "--lr"),
    ("seed-neg", [DEFAULT, "--out", "o.toml", "--seed", "-1"], "--seed"),
    ("seed-big", [DEFAULT, "--out", "o.toml", "--seed", str(2**32)], "--seed"),
    ("suffix", [DEFAULT, "--out", "o.yaml"], ".yaml"),
    ("out-folder", [DEFAULT, "--out", "folder.toml"], "is a folder"),
    ("no-folder", [DEFAULT, "--out", "nowhere/o.toml"], "no folder"),
    ("unwritable", [DEFAULT, "--out", "/proc/rnn-lecture-test.toml"], "cannot write"),
    ("no-out", [DEFAULT], "--out"),
]


@pytest.mark.parametrize(("args", "text"), [pytest.param(a, t, id=n) for n, a, t in BAD])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args, text):
    lesson_with_train(tmp_path, {"epochs": 0}, name="bad")
    lesson_with_train(tmp_path, {"generator": "parity", "n": 1000}, name="big")
    (tmp_path / "folder.toml").mkdir()
    before = snapshot(tmp_path)
    cp = run_cli("train", *args, cwd=tmp_path)
    assert cp.returncode == 2, cp.stdout + cp.stderr
    assert len(cp.stderr.splitlines()) == 1 and cp.stderr.startswith("render.py: error: ")
    assert text in cp.stderr, cp.stderr
    assert snapshot(tmp_path) == before
    assert not Path("/proc/rnn-lecture-test.toml").exists()


def _catches_sigterm(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(ln for ln in status.splitlines() if ln.startswith("SigCgt:")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def test_sigterm_during_training_leaves_no_file(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    path = lesson_with_train(folder, {"generator": "parity", "n": 1000, "T": 10, "epochs": 100})
    shutil.copy(path, folder / "keep.toml")
    before = snapshot(folder)
    proc = start_cli("train", path, "--out", path, logs=tmp_path / "logs")
    try:
        wait_for(lambda: proc.poll() is not None or _catches_sigterm(proc.pid), 60, "handlers")
        time.sleep(1.0)  # the data is made, the training runs (about a minute in all)
        assert proc.poll() is None, "the long run ended too early"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = (tmp_path / "logs" / "stderr").read_text()
    assert stderr.splitlines() == ["render.py: interrupted by SIGTERM; nothing was written"]
    assert snapshot(folder) == before  # the input (also --out) unchanged, no temporary file
