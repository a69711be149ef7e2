"""rnncore.order: "who bites?", a task whose answer changes with the order of the words."""

from __future__ import annotations

import time

import numpy as np
import pytest

from rnncore import (
    ORDER_ANSWERS,
    ORDER_WORDS,
    bag_of_words,
    bites_dataset,
    dense_forward,
    forward,
    order_demo,
    train_bag_dcl,
    who_bites,
)


def _subject(words: tuple[str, ...]) -> str:
    """Who bites, read independently of the core: the sentence's first word."""
    return words[0]


@pytest.fixture(scope="module")
def demo():
    return order_demo()


def test_the_two_orders_have_different_correct_answers(demo) -> None:
    first, second = demo.sentences
    assert sorted(first) == sorted(second) and first != second  # the same words, reordered
    expected = tuple(ORDER_ANSWERS.index(_subject(w)) for w in demo.sentences)
    assert demo.answers == expected
    assert demo.answers[0] != demo.answers[1]
    for words, xs in zip(demo.sentences, demo.xs, strict=True):  # one-hot, as on screen
        np.testing.assert_array_equal(xs, np.eye(3)[[ORDER_WORDS.index(w) for w in words]])


def test_who_bites_and_the_dataset() -> None:
    assert ORDER_ANSWERS[who_bites(("man", "bites", "dog"))] == "man"
    assert ORDER_ANSWERS[who_bites(("dog", "bites"))] == "dog"
    with pytest.raises(ValueError, match="words"):
        who_bites(("bites", "dog"))
    data = bites_dataset()
    assert len(data) == 6 and set(data.lengths.tolist()) == {2, 3}
    for words, xs, y, mask in zip(data.steps, data.xs, data.targets, data.loss_masks, strict=True):
        assert mask.tolist() == [False] * (len(words) - 1) + [True]  # many-to-one
        assert ORDER_ANSWERS[y[-1]] == _subject(words)
        assert [ORDER_WORDS[i] for i in np.argmax(xs, axis=1)] == list(words)


def test_the_bag_of_words_dcl_is_blind_to_the_order(demo) -> None:
    bags = [demo.xs[k].sum(axis=0) for k in range(2)]  # counts of each word, recomputed
    np.testing.assert_array_equal(bags[0], bags[1])
    np.testing.assert_array_equal(demo.bags[0], bags[0])
    np.testing.assert_array_equal(bag_of_words(demo.xs[1]), bags[1])
    np.testing.assert_array_equal(demo.bag_out[0], demo.bag_out[1])
    np.testing.assert_array_equal(demo.bag_out[0], dense_forward(demo.bag_dcl, bags[0]).y_hat)
    said = [int(np.argmax(o)) for o in demo.bag_out]
    assert said[0] == said[1]  # one answer for both ...
    assert said[0] != demo.answers[0] or said[1] != demo.answers[1]  # ... so one is wrong
    # it was trained: other inputs give other outputs, and training changed it
    untrained = train_bag_dcl(demo.data, epochs=1)
    assert not np.allclose(untrained.weights[0], demo.bag_dcl.weights[0])
    other = dense_forward(demo.bag_dcl, np.array([2.0, 0.0, 1.0])).y_hat  # "dog bites dog"
    assert np.argmax(other) == ORDER_ANSWERS.index("dog")


def test_the_flattened_dcl_with_weights_moved_gives_the_same_output(demo) -> None:
    sh = demo.shuffle
    np.testing.assert_array_equal(sh.xs_shuffled, demo.xs[1])
    np.testing.assert_allclose(sh.dense_out_shuffled, sh.dense_out, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(sh.dense_out, dense_forward(sh.dense, sh.xs.reshape(-1)).y_hat)
    # only the inputs reordered (weights in place): a different output
    assert np.max(np.abs(sh.dense_out_inputs_only - sh.dense_out)) > 1e-6


def test_the_trained_rnn_answers_both_orders_right(demo) -> None:
    params = demo.rnn_run.params
    outs = [forward(params, xs).y_hat[-1] for xs in demo.xs]
    np.testing.assert_array_equal(outs[0], demo.rnn_out[0])
    np.testing.assert_array_equal(outs[1], demo.rnn_out[1])
    assert np.max(np.abs(outs[0] - outs[1])) > 0.5  # different outputs
    assert [int(np.argmax(o)) for o in outs] == list(demo.answers)  # both right
    assert demo.rnn_says == demo.answers
    # right on every training sentence, and training lowered the loss
    for words, xs in zip(demo.data.steps, demo.data.xs, strict=True):
        said = ORDER_ANSWERS[int(np.argmax(forward(params, xs).y_hat[-1]))]
        assert said == _subject(words)
    assert demo.rnn_eval.correct == demo.rnn_eval.scored == len(demo.data)
    assert demo.rnn_run.loss[-1] < 0.2 * demo.rnn_run.loss[0]
    # before training it was not right on both
    start = demo.rnn_run.params_at(0)
    before = [int(np.argmax(forward(start, xs).y_hat[-1])) for xs in demo.xs]
    assert before != list(demo.answers)


def test_order_demo_is_deterministic_and_fast() -> None:
    t0 = time.perf_counter()
    a = order_demo()
    elapsed = time.perf_counter() - t0
    b = order_demo()
    np.testing.assert_array_equal(a.rnn_out[0], b.rnn_out[0])
    np.testing.assert_array_equal(a.bag_out[0], b.bag_out[0])
    assert elapsed < 2.0
