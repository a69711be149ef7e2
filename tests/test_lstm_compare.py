"""The fair long-range comparison (``rnncore.lstm_compare``): each batched network's
gradient is ``lstm_backward``'s / ``backward``'s, each run is ``lstm_train``'s /
``train``'s, the learning rate is chosen on validation data, and it is deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from rnncore import backward, first_symbol_dataset, forward, lstm_backward, lstm_forward
from rnncore.batched import batch_grads, stack, train_batch
from rnncore.lstm_compare import _choose, fair_comparison
from rnncore.lstm_params import LSTMParams
from rnncore.lstm_train import lstm_train
from rnncore.params import RNNParams
from rnncore.train import train

SEEDS = (3, 4)


def _data():
    return [first_symbol_dataset(6, 4, 3, True, seed=s) for s in SEEDS]


def _starts(cell: str):
    if cell == "rnn":
        return [RNNParams.random(4, 3, 3, seed=s, scale=0.6) for s in SEEDS]
    return [LSTMParams.random(4, 3, 3, seed=s, scale=0.6, forget_bias=1.0) for s in SEEDS]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_batched_gradients_are_backwards(cell: str) -> None:
    X, Y, M = stack(_data())
    starts = _starts(cell)
    P = {n: np.stack([dict(p.items())[n] for p in starts]) for n, _ in starts[0].items()}
    M = M.copy()
    M[1, :, 1] = True  # a second scored step in network 1's sequences
    grads, d_a, L = batch_grads(cell, P, X, Y, M)
    for r, p in enumerate(starts):
        total = {n: 0.0 for n, _ in p.items()}
        for b in range(X.shape[1]):
            if cell == "rnn":
                bp = backward(p, forward(p, X[r, b]), Y[r, b], "cross_entropy", M[r, b])
            else:
                bp = lstm_backward(p, lstm_forward(p, X[r, b]), Y[r, b], "cross_entropy", M[r, b])
            np.testing.assert_allclose(d_a[r, b], bp.d_a, rtol=1e-12, atol=1e-15)
            assert L[r, b] == pytest.approx(bp.loss, rel=1e-12)
            total = {n: total[n] + g for n, g in bp.grads.items()}
        for n, g in total.items():
            np.testing.assert_allclose(grads[n][r], g, rtol=1e-12, atol=1e-15, err_msg=n)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_batched_training_is_the_cores_training(cell: str) -> None:
    data, starts = _data(), _starts(cell)
    lrs, shuffles = (0.3, 0.8), (5, 6)
    run = train_batch(cell, starts, *stack(data), lrs, shuffles, epochs=3, clip=0.5)
    for r in range(2):
        fit = train if cell == "rnn" else lstm_train
        ref = fit(starts[r], data[r], epochs=3, lr=lrs[r], clip=0.5, seed=shuffles[r])
        for n, v in ref.params.items():
            np.testing.assert_allclose(run.params[n][r], v, rtol=1e-10, atol=1e-13, err_msg=n)
        np.testing.assert_array_equal(run.train_accuracy[r], ref.accuracy)
        np.testing.assert_allclose(run.first_step_error[r], ref.first_step_error, rtol=1e-10)
        np.testing.assert_allclose(run.last_step_error[r], ref.last_step_error, rtol=1e-10)


def test_the_choice_is_the_best_mean_validation_accuracy_then_loss() -> None:
    acc = np.array([[[0.5, 0.7], [0.9, 0.9], [0.9, 0.9]]])  # (D=1, L=3, S=2)
    loss = np.array([[[1.0, 1.0], [0.8, 0.6], [0.5, 0.5]]])
    assert _choose(acc, loss).tolist() == [2]
    assert _choose(acc, loss[:, ::-1]).tolist() == [1]


def test_the_comparison_is_deterministic_and_reports_the_chosen_runs() -> None:
    kw = {"n_train": 6, "n_val": 8, "n_test": 10, "epochs": 2, "n_hidden": 3}
    a = fair_comparison((2, 3), (0, 1), (0.1, 0.5), **kw)
    b = fair_comparison((2, 3), (0, 1), (0.1, 0.5), **kw)
    for x, y in ((a.rnn, b.rnn), (a.lstm, b.lstm)):
        np.testing.assert_array_equal(x.test_accuracy, y.test_accuracy)
        np.testing.assert_array_equal(x.first_step_error, y.first_step_error)
        assert x.test_accuracy.shape == (2, 2, 2) and x.train_accuracy.shape == (2, 2, 2, 3)
        np.testing.assert_array_equal(x.chosen, _choose(x.val_accuracy, x.val_loss))
        for k, c in enumerate(x.chosen):
            np.testing.assert_array_equal(x.accuracy[k], x.test_accuracy[k, c])
        assert np.all(x.low <= x.mean) and np.all(x.mean <= x.high)
    assert a.settings["forget_bias"] == 1.0 and a.chance == 0.25
    with pytest.raises(ValueError):
        fair_comparison((), (0,))
