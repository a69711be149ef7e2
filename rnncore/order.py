"""Order: a DCL is blind to it, an RNN reads it (article 000, section 4).

Two demos, both pure functions over the core:

- ``shuffle_demo``: any sequence, any weights. A DCL reading the flattened sequence
  gives the same output when the steps and the matching columns of its first weight
  matrix are shuffled the same way (the article's "symmetric" network); an RNN fed
  the shuffled steps gives a different output.
- ``order_demo``: a task whose correct answer changes with the order. Who bites?
  Sentences of the words dog, man, bites (one-hot, 3 inputs), "<subject> bites" or
  "<subject> bites <object>"; the answer is the subject (``who_bites``). "dog bites
  man" and "man bites dog" hold the same words, so a bag-of-words DCL (the sum of
  the one-hot vectors through a dense layer) gets the same input and gives the same
  output for both, whatever its weights; trained on the task it can do no better
  than undecided on that pair. A simple RNN trained on the same sentences (BPTT,
  ``rnncore.train``, fixed seeds) answers both right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncore.datasets import Dataset, Evaluation, evaluate
from rnncore.dense import DenseParams, dense_backward, dense_forward, dense_sgd_step
from rnncore.params import RNNParams, as_float_array
from rnncore.rnn import Trace, forward
from rnncore.train import TrainResult, train

__all__ = [
    "ORDER_ANSWERS",
    "ORDER_WORDS",
    "OrderDemo",
    "ShuffleDemo",
    "bag_of_words",
    "bites_dataset",
    "order_changing_perm",
    "order_demo",
    "shuffle_demo",
    "train_bag_dcl",
    "who_bites",
]

ORDER_WORDS = ("dog", "man", "bites")  # one-hot: dog = [1, 0, 0], man = [0, 1, 0], ...
ORDER_ANSWERS = ("dog", "man")  # class k: ORDER_ANSWERS[k] is the one who bites
VERB = "bites"
PAIR = (("dog", "bites", "man"), ("man", "bites", "dog"))  # the same words, two orders


# --- shuffle: a DCL is symmetric, an RNN is not ------------------------------------


@dataclass(frozen=True)
class ShuffleDemo:
    """One sequence, the same sequence with its steps shuffled, and what two networks say.

    The DCL reads the whole sequence as one flat vector of T*I inputs; shuffling the
    steps and the matching columns of its first weight matrix in the same way leaves
    its output unchanged. The RNN reads the steps in order; the shuffled sequence
    gives a different output.
    """

    perm: np.ndarray  # (T,) shuffled step s is original step perm[s]
    xs: np.ndarray  # (T, I)
    xs_shuffled: np.ndarray  # (T, I) = xs[perm]
    dense: DenseParams  # input layer T*I
    dense_shuffled: DenseParams  # the same weights, first-layer columns shuffled like xs
    dense_out: np.ndarray  # (O,) DCL output for xs
    dense_out_shuffled: np.ndarray  # (O,) shuffled DCL on xs_shuffled: equal to dense_out
    dense_out_inputs_only: np.ndarray  # (O,) original DCL on xs_shuffled: differs
    rnn: Trace  # the RNN on xs
    rnn_shuffled: Trace  # the RNN on xs_shuffled

    @property
    def rnn_out(self) -> np.ndarray:
        """(O,) the RNN's output after the last step, for xs."""
        return self.rnn.y_hat[-1]

    @property
    def rnn_out_shuffled(self) -> np.ndarray:
        """(O,) the RNN's output after the last step, for xs_shuffled."""
        return self.rnn_shuffled.y_hat[-1]


def order_changing_perm(xs: np.ndarray) -> np.ndarray:
    """A permutation of the steps of ``xs`` (T, I) that changes the sequence if any can.

    Tries the rotations first (the first step moves to the end, every other step one
    place forward), then the reversal; falls back to the first rotation when every
    step is the same vector (then no shuffle changes anything).
    """
    T = xs.shape[0]
    candidates = [np.roll(np.arange(T), -k) for k in range(1, T)] + [np.arange(T)[::-1]]
    for perm in candidates:
        if not np.array_equal(xs[perm], xs):
            return perm
    return candidates[0]


def shuffle_demo(
    params: RNNParams,
    xs: np.ndarray,
    h0: np.ndarray | None = None,
    perm: np.ndarray | None = None,
    dense_hidden: int = 4,
    seed: int = 0,
    output: str = "softmax",
) -> ShuffleDemo:
    """Shuffle the steps of ``xs`` (T, I) and run a DCL and the RNN ``params`` on both orders.

    Parameters
    ----------
    params
        The RNN (the lesson's network).
    xs
        The input sequence, (T, I).
    h0
        The RNN's initial hidden state (zeros by default).
    perm
        The shuffle, (T,); by default ``order_changing_perm(xs)``.
    dense_hidden, seed
        The DCL: ``DenseParams.random((T*I, dense_hidden, O), seed)``.
    output
        ``"softmax"`` or ``"identity"`` for both networks.
    """
    xs = as_float_array(xs, "xs")
    T, I = xs.shape
    perm = order_changing_perm(xs) if perm is None else np.asarray(perm, dtype=np.int64)
    if sorted(perm.tolist()) != list(range(T)):
        raise ValueError(f"perm: expected a permutation of 0..{T - 1}, found {perm.tolist()}")
    xs_shuffled = xs[perm]  # (T, I)
    dense = DenseParams.random((T * I, dense_hidden, params.n_out), seed=seed)
    cols = (perm[:, None] * I + np.arange(I)[None, :]).reshape(-1)  # (T*I,) flat column order
    first = dense.weights[0][:, cols]  # (dense_hidden, T*I)
    dense_shuffled = DenseParams(weights=(first, *dense.weights[1:]), biases=dense.biases)
    flat, flat_shuffled = xs.reshape(-1), xs_shuffled.reshape(-1)  # (T*I,)
    return ShuffleDemo(
        perm=perm,
        xs=xs,
        xs_shuffled=xs_shuffled,
        dense=dense,
        dense_shuffled=dense_shuffled,
        dense_out=dense_forward(dense, flat, output).y_hat,
        dense_out_shuffled=dense_forward(dense_shuffled, flat_shuffled, output).y_hat,
        dense_out_inputs_only=dense_forward(dense, flat_shuffled, output).y_hat,
        rnn=forward(params, xs, h0, output=output),
        rnn_shuffled=forward(params, xs_shuffled, h0, output=output),
    )


# --- who bites? a task whose answer changes with the order ------------------------


def who_bites(words: Sequence[str]) -> int:
    """The correct class: the index in ``ORDER_ANSWERS`` of the word before "bites"."""
    words = list(words)
    if VERB not in words or words.index(VERB) == 0:
        raise ValueError(f"words: expected '<subject> bites ...', found {' '.join(words)!r}")
    return ORDER_ANSWERS.index(words[words.index(VERB) - 1])


def _one_hot(words: Sequence[str]) -> np.ndarray:
    """(T, 3) the words one-hot over ``ORDER_WORDS``."""
    return np.eye(len(ORDER_WORDS))[[ORDER_WORDS.index(w) for w in words]]


def bites_dataset() -> Dataset:
    """Every sentence "S bites" and "S bites O" (S, O in dog, man): 6 sequences, many-to-one.

    The target at the last word is ``who_bites`` (0 = the dog bites, 1 = the man bites).
    """
    sentences = [(s, VERB) for s in ORDER_ANSWERS]
    sentences += [(s, VERB, o) for s in ORDER_ANSWERS for o in ORDER_ANSWERS]
    targets = []
    for words in sentences:
        y = np.zeros(len(words), dtype=np.int64)  # (T,) only the last step is scored
        y[-1] = who_bites(words)
        targets.append(y)
    return Dataset(
        xs=tuple(_one_hot(w) for w in sentences),
        targets=tuple(targets),
        loss="cross_entropy",
        task="many_to_one",
        name="who bites?",
        input_labels=ORDER_WORDS,
        output_labels=ORDER_ANSWERS,
        steps=tuple(sentences),
    )


def bag_of_words(xs: np.ndarray) -> np.ndarray:
    """(I,) the sum of the input vectors (T, I): how often each word occurs, order dropped."""
    return as_float_array(xs, "xs").sum(axis=0)


def train_bag_dcl(
    data: Dataset, hidden: int = 3, epochs: int = 40, lr: float = 0.05, seed: int = 0
) -> DenseParams:
    """A DCL on the bag of words of each sequence, trained by SGD (one update per sequence).

    ``DenseParams.random((I, hidden, O), seed)``, softmax and cross-entropy against each
    sequence's last target; sequences visited in ``default_rng(seed).permutation`` order.
    """
    n_out = int(max(y[-1] for y in data.targets)) + 1
    params = DenseParams.random((data.n_in, hidden, n_out), seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for i in rng.permutation(len(data)):
            trace = dense_forward(params, bag_of_words(data.xs[i]))
            grads = dense_backward(params, trace, int(data.targets[i][-1])).grads
            params = dense_sgd_step(params, grads, lr)
    return params


@dataclass(frozen=True)
class OrderDemo:
    """Who bites? One sentence, its words reversed, and what three networks say.

    Index 0 is ``sentences[0]`` ("dog bites man"), index 1 the reversed order
    ("man bites dog"); class k of every output is ``ORDER_ANSWERS[k]``.
    """

    sentences: tuple[tuple[str, ...], tuple[str, ...]]
    xs: tuple[np.ndarray, np.ndarray]  # (T, 3) each, one-hot
    answers: tuple[int, int]  # the correct classes: they differ
    data: Dataset  # the training sentences
    bags: tuple[np.ndarray, np.ndarray]  # (3,) each: equal
    bag_dcl: DenseParams  # trained on the bags
    bag_out: tuple[np.ndarray, np.ndarray]  # (2,) each: equal
    rnn_run: TrainResult  # the simple RNN trained on the sentences
    rnn: tuple[Trace, Trace]
    rnn_eval: Evaluation  # the trained RNN on the training sentences
    shuffle: ShuffleDemo  # a flattened-input DCL, weights moved with the words

    @property
    def rnn_out(self) -> tuple[np.ndarray, np.ndarray]:
        """(2,) each: the trained RNN's y_hat after the last word."""
        return self.rnn[0].y_hat[-1], self.rnn[1].y_hat[-1]

    @property
    def rnn_says(self) -> tuple[int, int]:
        """The RNN's most likely class for each order."""
        return int(np.argmax(self.rnn_out[0])), int(np.argmax(self.rnn_out[1]))


def order_demo(
    hidden: int = 3, epochs: int = 40, lr: float = 0.05, seed: int = 0, dense_hidden: int = 4
) -> OrderDemo:
    """Who bites: the bag-of-words DCL and a trained simple RNN on "dog bites man" and its reverse.

    Parameters
    ----------
    hidden
        Hidden units of the RNN and of the bag-of-words DCL.
    epochs, lr, seed
        Training of both (plain SGD, one update per sentence); ``seed`` also seeds the
        initial weights (``RNNParams.random(3, hidden, 2, seed)``).
    dense_hidden
        Hidden units of the flattened-input DCL of ``shuffle`` (random weights from ``seed``).
    """
    data = bites_dataset()
    first, second = PAIR
    perm = np.array([first.index(w) for w in second])  # second = first[perm]
    xs = (_one_hot(first), _one_hot(second))
    run = train(
        RNNParams.random(len(ORDER_WORDS), hidden, len(ORDER_ANSWERS), seed=seed),
        data,
        epochs=epochs,
        lr=lr,
        seed=seed,
    )
    bag_dcl = train_bag_dcl(data, hidden=hidden, epochs=epochs, lr=lr, seed=seed)
    bags = (bag_of_words(xs[0]), bag_of_words(xs[1]))
    return OrderDemo(
        sentences=PAIR,
        xs=xs,
        answers=(who_bites(first), who_bites(second)),
        data=data,
        bags=bags,
        bag_dcl=bag_dcl,
        bag_out=(dense_forward(bag_dcl, bags[0]).y_hat, dense_forward(bag_dcl, bags[1]).y_hat),
        rnn_run=run,
        rnn=(forward(run.params, xs[0]), forward(run.params, xs[1])),
        rnn_eval=evaluate(run.params, data),
        shuffle=shuffle_demo(run.params, xs[0], perm=perm, dense_hidden=dense_hidden, seed=seed),
    )
