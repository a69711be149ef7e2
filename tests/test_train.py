"""rnncore.train and rnncore.datasets: training, truncated BPTT by chunks, generators.

The chunk gradients are checked against a plain-NumPy BPTT written here (no rnncore
code) and against finite differences (``_reference``); SGD with momentum and clipping
against PyTorch when it is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import fd_gradients, hidden_states, relative_error, step_loss

from rnncore import (
    Dataset,
    RNNParams,
    backward,
    chunked_bptt,
    default_lesson,
    evaluate,
    first_symbol_dataset,
    forward,
    lesson_dataset,
    long_range_experiment,
    parity_dataset,
    sentiment_dataset,
    sgd_step,
    train,
)
from rnncore.datasets import NEGATION, SENTIMENT_WORDS

NAMES = ("U", "W", "V", "b", "c")
# The default lesson's network, its learning rate and clip, on 32 random parity
# sequences of length 5: 100% training accuracy is reached by this epoch (at 19).
EPOCHS_TO_SOLVE_DEFAULT = 30


def arrays(params: RNNParams) -> dict[str, np.ndarray]:
    return {k: np.array(v) for k, v in params.items()}


def plain_bptt(a: dict, xs, targets, mask, h0, loss):
    """Loss, gradients and last state of one sequence by the textbook loops (10.18-10.28)."""
    T, H = xs.shape[0], a["W"].shape[0]
    hs, ps = [np.array(h0, dtype=float)], []
    for t in range(T):
        hs.append(np.tanh(a["b"] + a["W"] @ hs[-1] + a["U"] @ xs[t]))
        o = a["c"] + a["V"] @ hs[-1]
        ps.append(np.exp(o - o.max()) / np.exp(o - o.max()).sum() if loss == "cross_entropy" else o)
    g = {k: np.zeros_like(v) for k, v in a.items()}
    total, carry = 0.0, np.zeros(H)
    for t in reversed(range(T)):
        if loss == "cross_entropy":
            y = np.eye(len(ps[t]))[targets[t]]
            L = -np.log(ps[t][targets[t]])
        else:
            y = np.asarray(targets[t], dtype=float)
            L = 0.5 * np.sum((ps[t] - y) ** 2)
        d_o = (ps[t] - y) if mask[t] else np.zeros_like(ps[t])
        total += L if mask[t] else 0.0
        d_a = (1 - hs[t + 1] ** 2) * (a["V"].T @ d_o + carry)
        g["c"] += d_o
        g["V"] += np.outer(d_o, hs[t + 1])
        g["b"] += d_a
        g["W"] += np.outer(d_a, hs[t])
        g["U"] += np.outer(d_a, xs[t])
        carry = a["W"].T @ d_a
    return total, g, hs[-1]


def case(loss: str = "cross_entropy", T: int = 7, seed: int = 3):
    rng = np.random.default_rng(seed)
    params = RNNParams.random(3, 4, 2, seed=seed, scale=0.8)
    xs = rng.normal(size=(T, 3))  # (T, I)
    targets = rng.integers(0, 2, T) if loss == "cross_entropy" else rng.normal(size=(T, 2))
    mask = rng.random(T) < 0.7
    mask[-1] = True
    return params, xs, targets, mask, rng.normal(size=4) * 0.3


# --- the trainer's gradient ----------------------------------------------------------------
def test_trainer_steps_along_backwards_gradient() -> None:
    lesson = default_lesson()
    data = lesson_dataset(lesson)
    run = train(lesson.params, data, epochs=1, lr=0.2)
    bp = backward(lesson.params, lesson.trace(), lesson.targets, lesson.loss, lesson.loss_mask)
    expected = sgd_step(lesson.params, bp.grads, 0.2)
    for name in NAMES:
        np.testing.assert_array_equal(getattr(run.params, name), getattr(expected, name))
    assert run.grad_norm_mean[0] == pytest.approx(bp.grads.global_norm(), rel=1e-15)
    assert run.loss[0] == pytest.approx(bp.loss, rel=1e-14)
    assert run.first_step_error[0] == pytest.approx(np.linalg.norm(bp.d_a[0]), rel=1e-14)


def test_evaluate_is_backwards_loss() -> None:
    data = sentiment_dataset(6, seed=1)
    params = RNNParams.random(data.n_in, 5, 2, seed=1)
    ev = evaluate(params, data)
    expected = [
        backward(params, forward(params, x), y, "cross_entropy", m).loss
        for x, y, m in zip(data.xs, data.targets, data.loss_masks, strict=True)
    ]
    np.testing.assert_allclose(ev.losses, expected, rtol=1e-14)
    assert ev.scored == len(data)  # many-to-one: one scored step per review


# --- truncated BPTT by chunks --------------------------------------------------------------
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_chunk_gradients_equal_plain_bptt_from_the_carried_state(loss, k) -> None:
    params, xs, targets, mask, h0 = case(loss)
    res = chunked_bptt(params, xs, targets, k, loss, mask, h0)
    a, h = arrays(params), h0
    assert [list(c.steps) for c in res.chunks] == [
        list(range(i, min(i + k, len(xs)))) for i in range(0, len(xs), k)
    ]
    for chunk in res.chunks:
        s = slice(chunk.steps.start, chunk.steps.stop)
        L, g, h_end = plain_bptt(a, xs[s], targets[s], mask[s], h, loss)
        np.testing.assert_allclose(chunk.h0, h, rtol=1e-13)
        assert chunk.loss == pytest.approx(L, rel=1e-12)
        for name in NAMES:
            np.testing.assert_allclose(getattr(chunk.grads, name), g[name], rtol=1e-11, atol=1e-14)
        h = h_end
    # without lr nothing moves: every chunk's state is the full forward pass's state
    hs = forward(params, xs, h0).h
    for chunk in res.chunks[1:]:
        np.testing.assert_allclose(chunk.h0, hs[chunk.steps.start - 1], rtol=1e-13)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_chunk_gradient_matches_finite_differences(loss) -> None:
    params, xs, targets, mask, h0 = case(loss, T=8)
    res = chunked_bptt(params, xs, targets, 3, loss, mask, h0, lr=0.3)
    chunk = res.chunks[1]  # steps 3..5: a carried start state and updated params
    s, e = chunk.steps.start, chunk.steps.stop

    def chunk_loss(arr: dict) -> float:
        hs = hidden_states(arr, xs[:e], start=s, h=chunk.h0)  # h0 is a constant
        return sum(step_loss(arr, hs[t - s], targets[t], loss) for t in range(s, e) if mask[t])

    fd = fd_gradients(chunk_loss, arrays(chunk.params_before))
    for name in NAMES:
        assert relative_error(getattr(chunk.grads, name), fd[name]) < 1e-7, name


def test_with_lr_each_chunk_runs_with_the_previous_chunks_update() -> None:
    params, xs, targets, mask, h0 = case(T=7)
    res = chunked_bptt(params, xs, targets, 2, "cross_entropy", mask, h0, lr=0.5, clip=0.4)
    assert res.chunks[0].params_before is params
    a, h = arrays(params), h0
    for prev, nxt in zip(res.chunks, res.chunks[1:], strict=False):
        assert nxt.params_before is prev.params_after
        assert not np.allclose(prev.params_after.W, prev.params_before.W)
        # the state is carried from the previous chunk's forward pass with its own params
        h_prev = forward(prev.params_before, xs[prev.steps.start : prev.steps.stop], prev.h0).h
        np.testing.assert_array_equal(nxt.h0, h_prev[-1])
    for chunk in res.chunks:  # an independent replay: plain BPTT, clip, step
        s = slice(chunk.steps.start, chunk.steps.stop)
        _, g, h_end = plain_bptt(a, xs[s], targets[s], mask[s], h, "cross_entropy")
        norm = np.sqrt(sum(np.sum(v**2) for v in g.values()))
        assert chunk.grad_norm == pytest.approx(norm, rel=1e-12)
        scale = min(1.0, 0.4 / norm)
        a = {n: a[n] - 0.5 * scale * g[n] for n in NAMES}
        for name in NAMES:
            np.testing.assert_allclose(getattr(chunk.params_after, name), a[name], rtol=1e-12)
        h = h_end
    expected_full = sgd_step(params, res.full.grads, 0.5, clip=0.4)
    np.testing.assert_array_equal(res.full_params_after.W, expected_full.W)
    after = forward(res.params_after, xs, h0)
    L = backward(res.params_after, after, targets, "cross_entropy", mask).loss
    assert res.loss_after_chunks == pytest.approx(L, rel=1e-14)


def test_one_chunk_of_the_whole_sequence_is_full_bptt() -> None:
    params, xs, targets, mask, h0 = case(T=5)
    res = chunked_bptt(params, xs, targets, 5, "cross_entropy", mask, h0, lr=0.1)
    assert len(res.chunks) == 1
    for name in NAMES:
        np.testing.assert_allclose(getattr(res.grads_sum, name), getattr(res.full.grads, name))
        np.testing.assert_allclose(
            getattr(res.params_after, name), getattr(res.full_params_after, name)
        )
    assert res.loss_after_chunks == pytest.approx(res.loss_after_full)
    short = chunked_bptt(params, xs, targets, 2, "cross_entropy", mask, h0)
    assert not np.allclose(short.grads_sum.W, short.full.grads.W)  # chunks cut error paths
    np.testing.assert_allclose(short.grads_sum.V, short.full.grads.V)  # V's paths are local


def test_truncated_training_is_chunked_bptt() -> None:
    params, xs, targets, mask, h0 = case(T=7)
    data = Dataset(xs=(xs,), targets=(targets,), loss_masks=(mask,), h0=h0)
    run = train(params, data, epochs=1, lr=0.3, clip=0.5, truncate=3)
    res = chunked_bptt(params, xs, targets, 3, "cross_entropy", mask, h0, lr=0.3, clip=0.5)
    assert run.updates_per_epoch == len(res.chunks) == 3
    for name in NAMES:
        np.testing.assert_array_equal(getattr(run.params, name), getattr(res.params_after, name))
    assert run.train_loss[0] == pytest.approx(sum(c.loss for c in res.chunks))
    assert run.grad_norm_max[0] == pytest.approx(max(c.grad_norm for c in res.chunks))
    assert run.clipped_norm_max[0] <= 0.5 * (1 + 1e-12)


# --- PyTorch parity ------------------------------------------------------------------------
def torch_train(params, data, order, lr, momentum, clip, truncate):
    """The same run by hand-written float64 autograd and torch.optim.SGD.

    Clipping is written out (``g * clip / ||g||`` when ``||g|| > clip``):
    ``torch.nn.utils.clip_grad_norm_`` divides by ``||g|| + 1e-6``, a 1e-6 difference.
    """
    torch = pytest.importorskip("torch")
    ps = [torch.tensor(np.array(getattr(params, n)), requires_grad=True) for n in NAMES]
    U, W, V, b, c = ps
    opt = torch.optim.SGD(ps, lr=lr, momentum=momentum)
    for epoch_order in order:
        for i in epoch_order:
            xs = torch.tensor(np.array(data.xs[i]))
            y, mask, T = data.targets[i], data.loss_masks[i], len(data.xs[i])
            h = torch.zeros(W.shape[0], dtype=torch.float64)
            k = truncate or T
            for start in range(0, T, k):
                h = h.detach()  # the carried state: no gradient into the previous chunk
                total = torch.zeros((), dtype=torch.float64)
                for t in range(start, min(start + k, T)):
                    h = torch.tanh(b + W @ h + U @ xs[t])
                    if mask[t]:
                        o = c + V @ h
                        total = total + torch.logsumexp(o, 0) - o[int(y[t])]
                for p in ps:  # zero tensors, not None: SGD then steps every parameter
                    p.grad = torch.zeros_like(p)
                if total.requires_grad:
                    total.backward()
                if clip is not None:
                    norm = torch.sqrt(sum(torch.sum(p.grad**2) for p in ps))
                    if norm > clip:
                        for p in ps:
                            p.grad.mul_(clip / norm)
                opt.step()
    return {n: p.detach().numpy() for n, p in zip(NAMES, ps, strict=True)}


@pytest.mark.parametrize(
    "dataset, momentum, clip, truncate",
    [
        ("parity", 0.0, None, None),
        ("parity", 0.9, None, None),
        ("parity", 0.5, 0.5, None),
        ("parity", 0.9, 1.0, 2),
        ("sentiment", 0.8, 0.3, 3),  # many-to-one: the first chunks carry no loss
    ],
)
def test_sgd_matches_torch(dataset, momentum, clip, truncate) -> None:
    pytest.importorskip("torch")
    if dataset == "parity":
        data, params = parity_dataset(6, T=(3, 6), seed=4), default_lesson().params
    else:
        data = sentiment_dataset(6, T=(4, 8), seed=4)
        params = RNNParams.random(data.n_in, 4, 2, seed=4, scale=0.7)
    kwargs = dict(epochs=3, lr=0.15, momentum=momentum, clip=clip, truncate=truncate, seed=9)
    run = train(params, data, **kwargs)
    expected = torch_train(params, data, run.order, 0.15, momentum, clip, truncate)
    for name in NAMES:
        np.testing.assert_allclose(getattr(run.params, name), expected[name], rtol=0, atol=1e-9)
    assert not np.allclose(run.params.W, params.W)


# --- the default task ----------------------------------------------------------------------
def test_default_task_is_learned_to_full_training_accuracy() -> None:
    lesson = default_lesson()
    data = parity_dataset(32, T=5, seed=0)
    run = train(
        lesson.params,
        data,
        epochs=EPOCHS_TO_SOLVE_DEFAULT,
        lr=lesson.learning_rate,
        clip=lesson.clip,
        snapshot_epochs=(10,),
    )
    assert run.loss[-1] < 0.1 * run.loss[0]
    assert run.accuracy[0] < 0.6  # the untrained network is near chance
    assert run.accuracy[-1] == 1.0
    assert evaluate(run.params, lesson_dataset(lesson)).accuracy == 1.0  # the lesson's own
    assert run.snapshot_epochs == (0, 10, EPOCHS_TO_SOLVE_DEFAULT)
    assert run.params_at(0) is lesson.params
    assert run.params_at(EPOCHS_TO_SOLVE_DEFAULT) is run.params
    assert np.all(run.clipped_norm_max <= lesson.clip * (1 + 1e-12))
    assert np.all(run.grad_norm_max >= run.grad_norm_mean)
    with pytest.raises(ValueError, match="epoch"):
        run.params_at(5)


def test_mse_training_lowers_the_loss_and_has_no_accuracy() -> None:
    rng = np.random.default_rng(0)
    xs = tuple(rng.normal(size=(4, 2)) for _ in range(5))  # (T, I) each
    targets = tuple(np.cumsum(x, axis=0) * 0.3 for x in xs)  # (T, O = 2): running sums
    data = Dataset(xs=xs, targets=targets, loss="mse")
    run = train(RNNParams.random(2, 6, 2, seed=0), data, epochs=40, lr=0.05, momentum=0.5)
    assert run.accuracy is None and evaluate(run.params, data).accuracy is None
    assert run.loss[-1] < 0.5 * run.loss[0]


def test_training_is_deterministic() -> None:
    data = sentiment_dataset(10, seed=2)
    params = RNNParams.random(data.n_in, 4, 2, seed=2)
    kwargs = dict(epochs=4, lr=0.1, momentum=0.5, clip=1.0, truncate=2, seed=5)
    one, two = train(params, data, **kwargs), train(params, data, **kwargs)
    for field in ("loss", "accuracy", "train_loss", "grad_norm_mean", "first_step_error", "order"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    np.testing.assert_array_equal(one.params.W, two.params.W)
    other = train(params, data, **{**kwargs, "seed": 6})
    assert not np.array_equal(one.order, other.order)
    assert sorted(one.order[0]) == list(range(len(data)))  # a permutation per epoch


# --- generators ----------------------------------------------------------------------------
def test_parity_dataset_uses_the_default_lessons_encoding() -> None:
    lesson = default_lesson()
    row = {s: lesson.xs[t] for t, s in enumerate(lesson.step_labels)}  # symbol -> x(t)
    data = parity_dataset(20, T=(1, 9), seed=3)
    assert data.input_labels == tuple(lesson.input_labels)
    assert data.output_labels == tuple(lesson.output_labels)
    assert len(set(data.lengths)) > 3  # lengths drawn from 1..9
    for xs, y, steps in zip(data.xs, data.targets, data.steps, strict=True):
        odd = False
        for t, s in enumerate(steps):
            np.testing.assert_array_equal(xs[t], row[s])
            odd = odd != (s == "a")
            assert data.output_labels[y[t]] == ("odd" if odd else "even")
    # the lesson's own sequence has the lesson's targets under the same rule
    assert [int(v) for v in np.cumsum(np.argmax(lesson.xs, 1) == 0) % 2] == list(lesson.targets)


@pytest.mark.parametrize("distractors", [False, True])
def test_first_symbol_dataset_targets_the_cue(distractors) -> None:
    data = first_symbol_dataset(30, d=6, n_symbols=3, distractors=distractors, seed=1)
    assert data.task == "many_to_one" and set(data.lengths) == {6}
    cues = []
    for xs, y, m, steps in zip(data.xs, data.targets, data.loss_masks, data.steps, strict=True):
        assert list(m) == [False] * 5 + [True]
        assert data.output_labels[y[-1]] == steps[0]
        assert np.argmax(xs[0]) == y[-1] < 3
        assert all((s == "_") != distractors for s in steps[1:])
        cues.append(y[-1])
    assert set(cues) == {0, 1, 2}


def test_sentiment_labels_are_the_sign_of_the_negated_sum() -> None:
    data = sentiment_dataset(50, seed=7)
    labels = []
    for xs, y, steps in zip(data.xs, data.targets, data.steps, strict=True):
        assert tuple(data.input_labels[i] for i in np.argmax(xs, axis=1)) == steps
        scores = np.array([SENTIMENT_WORDS[w] for w in steps])  # (T,)
        flips = np.r_[False, np.array(steps[:-1]) == NEGATION]  # (T,) after a "not"
        total = np.sum(np.where(flips, -scores, scores))
        assert total != 0 and y[-1] == (total > 0)
        labels.append(int(y[-1]))
    assert 0 < sum(labels) < len(labels)
    assert any(NEGATION in s for s in data.steps)


def test_long_range_experiment_shapes_and_records() -> None:
    res = long_range_experiment((2, 3), (0, 1), n_train=6, n_test=10, epochs=2, n_hidden=3)
    assert res.accuracy.shape == (2, 2) and res.train_accuracy.shape == (2, 2, 3)
    assert res.first_step_error.shape == (2, 2, 2) and np.all(res.first_step_error > 0)
    for i, j in np.ndindex(res.epochs_to_solve.shape):
        hits = np.flatnonzero(res.train_accuracy[i, j] == 1.0)
        assert res.epochs_to_solve[i, j] == (hits[0] if hits.size else -1)
    again = long_range_experiment((2, 3), (0, 1), n_train=6, n_test=10, epochs=2, n_hidden=3)
    np.testing.assert_array_equal(res.loss, again.loss)


# --- bad arguments -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(epochs=0), "epochs"),
        (dict(lr=-0.1), "lr"),
        (dict(momentum=1.0), "momentum"),
        (dict(clip=0.0), "clip"),
        (dict(truncate=0), "truncate"),
        (dict(truncate=1.5), "truncate"),
        (dict(seed=-1), "seed"),
        (dict(snapshot_epochs=(9,)), "snapshot_epochs"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, name) -> None:
    lesson = default_lesson()
    with pytest.raises(ValueError, match=name):
        train(lesson.params, lesson_dataset(lesson), **{"epochs": 3, "lr": 0.1, **kwargs})


def test_bad_data_and_generator_arguments() -> None:
    lesson = default_lesson()
    wide = first_symbol_dataset(3, d=3, n_symbols=4)  # 5 input units, the lesson has 3
    with pytest.raises(ValueError, match="data"):
        train(lesson.params, wide, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match=r"^k"):
        chunked_bptt(lesson.params, lesson.xs, lesson.targets, 0)
    with pytest.raises(ValueError, match="lr"):
        chunked_bptt(lesson.params, lesson.xs, lesson.targets, 2, lr=0.0)
    for call, name in [
        (lambda: parity_dataset(0), "n"),
        (lambda: parity_dataset(3, T=(5, 3)), "T"),
        (lambda: first_symbol_dataset(3, d=0), "d"),
        (lambda: first_symbol_dataset(3, n_symbols=1), "n_symbols"),
        (lambda: sentiment_dataset(3, seed=-2), "seed"),
        (lambda: Dataset(xs=(np.ones((3, 2)),), targets=(np.array([0, 1]),)), "targets"),
        (lambda: Dataset(xs=(np.ones((2, 2)),), targets=([0, 1],), task="many"), "task"),
        (lambda: Dataset(xs=(), targets=()), "xs"),
        (lambda: Dataset(xs=(np.ones((2, 2)), np.ones((2, 3))), targets=([0, 1],) * 2), "xs"),
    ]:
        with pytest.raises(ValueError, match=name):
            call()


def test_on_epoch_reports_each_epoch_as_the_result_records_it() -> None:
    from rnncore import default_lesson, train_lesson

    seen: list[tuple[int, float, float | None]] = []
    run = train_lesson(
        default_lesson(), epochs=7, on_epoch=lambda e, loss, acc: seen.append((e, loss, acc))
    )
    assert [e for e, _, _ in seen] == list(range(1, 8))
    assert [loss for _, loss, _ in seen] == list(run.result.loss[1:])
    assert run.result.accuracy is not None
    assert [acc for _, _, acc in seen] == list(run.result.accuracy[1:])
