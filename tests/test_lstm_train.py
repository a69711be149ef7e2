"""LSTM training (``rnncore.lstm_train``): every update is lstm_backward's gradient and
lstm_sgd_step; the update report's losses are the core's; runs are deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from rnncore import first_symbol_dataset, lstm_backward, lstm_forward, lstm_sgd_step
from rnncore.datasets import Dataset
from rnncore.lstm_params import LSTMParams
from rnncore.lstm_train import (
    lstm_evaluate,
    lstm_long_range_experiment,
    lstm_train,
    lstm_update_report,
)


def _same(a: LSTMParams, b: LSTMParams) -> None:
    for (name, x), (_, y) in zip(a.items(), b.items(), strict=True):
        np.testing.assert_array_equal(x, y, err_msg=name)


def test_one_epoch_is_sgd_with_lstm_backward_in_the_shuffled_order() -> None:
    data = first_symbol_dataset(5, 4, 3, True, seed=2)
    start = LSTMParams.random(4, 3, 3, seed=1, scale=0.4, forget_bias=1.0)
    run = lstm_train(start, data, epochs=2, lr=0.3, clip=0.5, seed=7)
    rng = np.random.default_rng(7)
    p = start
    for _ in range(2):
        for i in rng.permutation(len(data)):
            tr = lstm_forward(p, data.xs[i], output="softmax")
            bp = lstm_backward(p, tr, data.targets[i], "cross_entropy", data.loss_masks[i])
            p = lstm_sgd_step(p, bp.grads, 0.3, clip=0.5)
    _same(run.params, p)
    assert run.loss.shape == (3,) and run.accuracy.shape == (3,)
    assert run.loss[-1] == pytest.approx(lstm_evaluate(p, data).loss, rel=1e-12)


def test_evaluate_losses_are_lstm_backwards() -> None:
    rng = np.random.default_rng(0)
    xs = tuple(rng.normal(size=(4, 2)) for _ in range(3))
    for loss in ("cross_entropy", "mse"):
        targets = (
            tuple(rng.integers(0, 2, 4) for _ in range(3))
            if loss == "cross_entropy"
            else tuple(rng.normal(size=(4, 2)) for _ in range(3))
        )
        data = Dataset(xs=xs, targets=targets, loss=loss, task="many_to_many")
        p = LSTMParams.random(2, 3, 2, seed=4)
        ev = lstm_evaluate(p, data)
        out = "softmax" if loss == "cross_entropy" else "identity"
        expected = [
            lstm_backward(p, lstm_forward(p, x, output=out), y, loss).loss
            for x, y in zip(xs, targets, strict=True)
        ]
        np.testing.assert_allclose(ev.losses, expected, rtol=1e-12)


def test_update_report_is_one_lstm_sgd_step() -> None:
    rng = np.random.default_rng(3)
    p = LSTMParams.random(3, 4, 2, seed=5)
    xs, y = rng.normal(size=(5, 3)), rng.integers(0, 2, 5)
    mask = np.array([False, True, True, False, True])
    rep = lstm_update_report(p, xs, y, 0.4, loss="cross_entropy", loss_mask=mask)
    bp = lstm_backward(p, lstm_forward(p, xs), y, "cross_entropy", mask)
    _same(rep.params_after, lstm_sgd_step(p, bp.grads, 0.4))
    after = lstm_backward(rep.params_after, lstm_forward(rep.params_after, xs), y, loss_mask=mask)
    assert rep.loss_before == bp.loss and rep.loss_after == after.loss
    np.testing.assert_array_equal(rep.losses_after, after.losses)
    assert rep.lowers == (after.loss < bp.loss)
    big = lstm_update_report(p, xs, y, 500.0, loss="cross_entropy", loss_mask=mask)
    assert big.lowers == (big.loss_after < big.loss_before)


def test_long_range_is_deterministic_and_shaped() -> None:
    kw = {"n_train": 6, "n_test": 10, "epochs": 2, "n_hidden": 3}
    a = lstm_long_range_experiment((2, 3), (0, 1), **kw)
    b = lstm_long_range_experiment((2, 3), (0, 1), **kw)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    np.testing.assert_array_equal(a.first_step_error, b.first_step_error)
    assert a.accuracy.shape == (2, 2) and a.train_accuracy.shape == (2, 2, 3)
    assert a.surviving_error.shape == (2,) and np.all(a.surviving_error > 0)
    assert a.settings["forget_bias"] == 1.0
    with pytest.raises(ValueError):
        lstm_long_range_experiment((), (0,))
