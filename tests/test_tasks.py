"""rnncore.tasks: the numbers behind article 000 (order, sequence data, task types, CTC)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncore import (
    RNNParams,
    backward,
    bidirectional,
    ctc_collapse,
    ctc_merge_repeats,
    default_lesson,
    dense_forward,
    dense_mapping_demo,
    forward,
    load_weather,
    order_changing_perm,
    seq2seq,
    shuffle_demo,
    steps_for,
    task_run,
)

# --- CTC -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "merged", "collapsed"),
    [
        ("hheel-lloo", "hel-lo", "hello"),
        ("hello", "helo", "helo"),  # without a blank a double letter is lost
        ("--h-ii--", "-h-i-", "hi"),
        ("", "", ""),
        ("----", "-", ""),
        ("aaaa", "a", "a"),
    ],
)
def test_ctc_cases(raw: str, merged: str, collapsed: str) -> None:
    assert ctc_merge_repeats(raw) == merged
    assert ctc_collapse(raw) == collapsed


def test_ctc_on_label_lists_and_custom_blank() -> None:
    assert ctc_collapse(["he", "he", "_", "llo", "llo"], blank="_") == ["he", "llo"]
    assert ctc_collapse("aa__bb", blank="_") == "ab"


@given(st.text(alphabet="ab-", max_size=20))
def test_ctc_collapse_has_no_blanks_or_repeats_from_the_merge(raw: str) -> None:
    out = ctc_collapse(raw)
    assert "-" not in out
    assert len(out) <= len(raw)
    # collapsing is idempotent on blank-free strings without repeats
    assert ctc_collapse(ctc_merge_repeats(out)) == ctc_merge_repeats(out)


# --- order: the shuffle demo ------------------------------------------------------------


def _custom_params() -> tuple[RNNParams, np.ndarray]:
    params = RNNParams.random(3, 5, 2, seed=3)
    xs = np.random.default_rng(4).uniform(-1, 1, (6, 3))
    return params, xs


@pytest.mark.parametrize("which", ["default", "custom"])
def test_shuffle_demo_dcl_is_blind_to_order_rnn_is_not(which: str) -> None:
    if which == "default":
        lesson = default_lesson()
        params, xs, h0 = lesson.params, lesson.xs, lesson.h0
    else:
        (params, xs), h0 = _custom_params(), None
    demo = shuffle_demo(params, xs, h0)
    assert not np.array_equal(demo.xs_shuffled, demo.xs)
    np.testing.assert_array_equal(demo.xs_shuffled, xs[demo.perm])
    # the DCL: everything shuffled the same way -> the same output
    np.testing.assert_allclose(demo.dense_out_shuffled, demo.dense_out, rtol=0, atol=1e-12)
    # ... but shuffling only the inputs changes it
    assert np.max(np.abs(demo.dense_out_inputs_only - demo.dense_out)) > 1e-6
    # the RNN reads in order: the shuffled sequence gives a different output
    assert np.max(np.abs(demo.rnn_out_shuffled - demo.rnn_out)) > 1e-3
    np.testing.assert_array_equal(demo.rnn_out, forward(params, xs, h0).y_hat[-1])
    np.testing.assert_array_equal(
        demo.rnn_out_shuffled, forward(params, xs[demo.perm], h0).y_hat[-1]
    )
    # the shuffled DCL's first layer is the original's, columns moved with the steps
    T, I = xs.shape
    w, ws = demo.dense.weights[0], demo.dense_shuffled.weights[0]
    for s in range(T):
        t = demo.perm[s]
        np.testing.assert_array_equal(ws[:, s * I : (s + 1) * I], w[:, t * I : (t + 1) * I])


@given(st.permutations(list(range(5))))
@settings(max_examples=30, deadline=None)
def test_dcl_consistent_shuffle_is_exact_for_any_perm(perm: list[int]) -> None:
    params, xs = _custom_params()
    demo = shuffle_demo(params, xs[:5], perm=np.array(perm))
    np.testing.assert_allclose(demo.dense_out_shuffled, demo.dense_out, rtol=0, atol=1e-12)


def test_order_changing_perm() -> None:
    xs = np.array([[1.0, 0], [1, 0], [0, 1]])
    perm = order_changing_perm(xs)
    assert sorted(perm.tolist()) == [0, 1, 2]
    assert not np.array_equal(xs[perm], xs)
    same = np.ones((4, 2))
    assert sorted(order_changing_perm(same).tolist()) == [0, 1, 2, 3]


def test_shuffle_demo_rejects_a_non_permutation() -> None:
    params, xs = _custom_params()
    with pytest.raises(ValueError, match="perm"):
        shuffle_demo(params, xs, perm=np.array([0, 0, 1, 2, 3, 4]))


def test_dense_mapping_demo_is_the_dense_forward() -> None:
    params, x, y = dense_mapping_demo((4, 5, 3), seed=2)
    assert x.shape == (4,) and y.shape == (3,)
    np.testing.assert_array_equal(x, np.round(x, 2))
    np.testing.assert_array_equal(y, dense_forward(params, x).y_hat)
    assert y.sum() == pytest.approx(1.0)


# --- sequence data ----------------------------------------------------------------------


def test_weather_loads_with_shape_T_by_4() -> None:
    w = load_weather()
    assert w.values.ndim == 2 and w.values.shape[1] == 4 and w.T >= 24
    assert len(w.features) == 4 and len(w.units) == 4
    assert w.interval_minutes == 10
    temp, pres, wind, hum = w.values.T
    assert np.all((temp > -40) & (temp < 50))
    assert np.all((pres > 950) & (pres < 1060))
    assert np.all(wind >= 0)
    assert np.all((hum >= 0) & (hum <= 100))
    assert w.start == "00:00" and w.clock(0) == "00:00"
    assert w.clock(7) == "01:10" and w.clock(24 * 6) == "00:00"


def test_steps_for_the_articles_window() -> None:
    assert steps_for(96, 10) == 96 * 6 == 576  # the article's "574" is a typo
    assert steps_for(1, 10) == 6
    with pytest.raises(ValueError):
        steps_for(0.05, 10)


# --- task types ----------------------------------------------------------------------------


def test_task_runs_mask_inputs_and_losses() -> None:
    lesson = default_lesson()
    p, xs, y, h0 = lesson.params, lesson.xs, lesson.targets, lesson.h0
    m2m = task_run(p, xs, y, "many_to_many", h0)
    m2o = task_run(p, xs, y, "many_to_one", h0)
    o2m = task_run(p, xs, y, "one_to_many", h0)
    # many-to-many and many-to-one read the same inputs: the same forward pass
    np.testing.assert_array_equal(m2o.trace.h, m2m.trace.h)
    # many-to-one: only the last loss survives
    assert np.all(m2o.backprop.losses[:-1] == 0)
    assert m2o.backprop.loss == pytest.approx(m2m.backprop.losses[-1])
    # one-to-many: one input, then zeros; every step has a loss
    np.testing.assert_array_equal(o2m.xs[0], xs[0])
    assert np.all(o2m.xs[1:] == 0)
    assert np.all(o2m.backprop.losses > 0)
    np.testing.assert_array_equal(o2m.trace.h[0], m2m.trace.h[0])
    assert not np.allclose(o2m.trace.h[1:], m2m.trace.h[1:])
    ref = backward(p, forward(p, o2m.xs, h0), y)
    assert o2m.backprop.loss == pytest.approx(ref.loss)
    with pytest.raises(ValueError, match="kind"):
        task_run(p, xs, y, "many_to_few", h0)


def test_bidirectional_backward_pass_is_a_reversed_forward() -> None:
    params, xs = _custom_params()
    other = RNNParams.random(3, 5, 2, seed=9)
    bi = bidirectional(params, xs, params_backward=other)
    np.testing.assert_array_equal(bi.h_forward, forward(params, xs).h)
    np.testing.assert_array_equal(bi.h_backward, forward(other, xs[::-1]).h[::-1])
    # the backward state at the last step has read only the last input
    np.testing.assert_allclose(bi.h_backward[-1], np.tanh(other.U @ xs[-1] + other.b))
    assert bi.h.shape == (6, 10)
    # one shared network by default
    same = bidirectional(params, xs)
    np.testing.assert_array_equal(same.h_backward, forward(params, xs[::-1]).h[::-1])


def test_seq2seq_feeds_each_output_back() -> None:
    lesson = default_lesson()
    s = seq2seq(lesson.params, lesson.xs, n_steps=4)
    np.testing.assert_array_equal(s.context, forward(lesson.params, lesson.xs).h[-1])
    np.testing.assert_array_equal(s.decoder.h0, s.context)
    assert s.decoder.xs.shape == (4, lesson.params.n_out)
    assert np.all(s.decoder.xs[0] == 0)  # the start token
    for k in range(1, 4):
        expected = np.eye(lesson.params.n_out)[s.tokens[k - 1]]
        np.testing.assert_array_equal(s.decoder.xs[k], expected)
    # the step-by-step loop equals one forward pass over what was fed
    whole = forward(s.decoder_params, s.decoder.xs, s.context)
    np.testing.assert_allclose(whole.h, s.decoder.h, atol=1e-14)
    np.testing.assert_allclose(whole.y_hat, s.decoder.y_hat, atol=1e-14)
